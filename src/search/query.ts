/**
 * User search syntax → a safe FTS5 MATCH expression plus filters.
 *
 * Syntax: words are ANDed; `"exact phrase"`; `a OR b` (binds tighter than the implicit AND,
 * as in web search engines); `-word` / `NOT word` excludes; `word*` / `"a phrase"*` prefix
 * (of at least two characters: `a*` is the word `a`);
 * `( … )` groups; `title:word`, `title:"a phrase"`, `title:( … )`; `source:id`, `lang:xx`.
 * Anything that is not well-formed syntax is read as plain words. Every string handed to
 * FTS5 is a quoted phrase of analyzed tokens; the only operators are the ones built here:
 * AND, OR, NOT, parentheses, `*` after a phrase, `+` joining phrase parts, `title :`.
 *
 * Source/language filters apply to the whole query wherever they are written; negated ones
 * are ignored. An OR branch that only excludes (`a OR -b`) is dropped: FTS5 cannot express it.
 */
import { analyzeQueryTerm, type QueryToken } from "./analyze";
import { inflections } from "./inflect";

export interface ParsedSearch {
  /** Safe FTS5 MATCH expression, or null when there is nothing positive to match. */
  match: string | null;
  /**
   * Set only when the query has exclusions but nothing positive (`-war`): a MATCH expression
   * for the rows to leave out, e.g. `pk NOT IN (SELECT rowid FROM articles_fts WHERE
   * articles_fts MATCH ?)` over the normal listing. FTS5's NOT needs a left operand.
   */
  exclude: string | null;
  /** From `source:id`, lowercased, deduplicated. */
  sources: string[];
  /** From `lang:xx` (primary subtag), lowercased, deduplicated. */
  languages: string[];
  /** Positive words/phrases as typed (a trailing `*` kept), then their inflected forms: for highlighting. */
  terms: string[];
}

const MAX_INPUT = 1000;
const MAX_TERMS = 32;
const MAX_DEPTH = 8;
const MAX_TOKENS_PER_TERM = 64;
/** Inflected forms per query; later words match as typed, so long queries stay cheap. */
const MAX_FORMS = 64;

type Field = "title" | "source" | "lang";
type Lexeme =
  | { t: "text"; text: string; quoted: boolean; prefix: boolean; keyword?: "OR" | "AND" | "NOT" }
  | { t: "open" | "close" | "neg" | "or" | "and" }
  | { t: "field"; name: Field };

type Node =
  | { k: "term"; text: string; quoted: boolean; prefix: boolean }
  | { k: "filter"; name: "source" | "lang"; value: string; raw: string }
  | { k: "and" | "or"; items: Node[] }
  | { k: "not" | "title"; item: Node };

const RE_SPACE = /[\s\p{Cc}]/u;
const RE_FIELD = /^(title|source|lang):/i;
const RE_SOURCE_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const RE_LANG = /^[a-z]{2,3}$/;

function cleanInput(q: string): string {
  let s = q.length > MAX_INPUT ? q.slice(0, MAX_INPUT) : q;
  // Zero-width space separates; other format characters (bidi marks, joiners) are invisible.
  s = s.replace(/\u200b/g, " ").replace(/\p{Cf}/gu, "");
  return s;
}

function isBoundary(ch: string | undefined): boolean {
  return ch === undefined || ch === '"' || ch === "(" || ch === ")" || RE_SPACE.test(ch);
}

/** Splits the query into lexemes, bounding the number of terms and the paren depth. */
function lex(q: string): Lexeme[] {
  const out: Lexeme[] = [];
  let terms = 0;
  let depth = 0;
  let droppedOpens = 0; // opens beyond MAX_DEPTH; their closes are dropped too
  let i = 0;
  // A `-` or `field:` whose operand turned out empty must not attach to the next term.
  const dropDanglingPrefix = (): void => {
    for (let last = out.at(-1); last && (last.t === "neg" || last.t === "field"); last = out.at(-1)) out.pop();
  };
  const pushText = (text: string, quoted: boolean, prefix: boolean): void => {
    if (text.trim() === "") return dropDanglingPrefix();
    out.push({ t: "text", text, quoted, prefix });
    terms++;
  };

  while (i < q.length && terms < MAX_TERMS) {
    const ch = q[i] as string;
    if (RE_SPACE.test(ch)) {
      i++;
    } else if (ch === '"') {
      const close = q.indexOf('"', i + 1);
      if (close < 0) {
        i++; // an unpaired quote is just punctuation
        continue;
      }
      let j = close + 1;
      while (q[j] === "*") j++;
      pushText(q.slice(i + 1, close), true, j > close + 1);
      i = j;
    } else if (ch === "(") {
      if (depth < MAX_DEPTH) {
        depth++;
        out.push({ t: "open" });
      } else droppedOpens++;
      i++;
    } else if (ch === ")") {
      if (droppedOpens > 0) droppedOpens--;
      else if (depth > 0) {
        depth--;
        out.push({ t: "close" });
      }
      i++;
    } else if (ch === "-") {
      while (q[i] === "-") i++;
      // A lone dash is punctuation; it negates only what is glued to it.
      const next = q[i];
      if (!isBoundary(next) || next === "(" || (next === '"' && q.indexOf('"', i + 1) > 0)) out.push({ t: "neg" });
    } else {
      let j = i;
      while (!isBoundary(q[j])) j++;
      lexWord(q.slice(i, j), q[j]);
      i = j;
    }
  }
  if (i < q.length) {
    // Cut at the term limit: an operator left hanging at the cut would read as a word.
    for (let last = out.at(-1); last && last.t !== "close" && (last.t !== "text" || last.keyword); last = out.at(-1)) out.pop();
  }
  return resolveKeywords(out);

  function lexWord(word: string, next: string | undefined): void {
    if (word === "OR" || word === "AND" || word === "NOT") {
      out.push({ t: "text", text: word, quoted: false, prefix: false, keyword: word });
      terms++;
      return;
    }
    const field = RE_FIELD.exec(word);
    if (field) {
      const rest = word.slice(field[0].length);
      const name = (field[1] as string).toLowerCase() as Field;
      if (rest !== "") {
        out.push({ t: "field", name });
        const stem = rest.replace(/\*+$/, "");
        pushText(stem, false, stem.length < rest.length);
        return;
      }
      // `title:"…"` / `title:(…)`: the field takes the group or phrase glued to it.
      if ((next === '"' && q.indexOf('"', i + word.length + 1) > 0) || next === "(") {
        out.push({ t: "field", name });
        return;
      }
    }
    const stem = word.replace(/\*+$/, "");
    pushText(stem, false, stem.length < word.length);
  }
}

function startsOperand(x: Lexeme | undefined): boolean {
  return x !== undefined && (x.t === "text" || x.t === "open" || x.t === "neg" || x.t === "field");
}

/** Uppercase OR/AND/NOT are operators only where an operator fits; elsewhere plain words. */
function resolveKeywords(lx: Lexeme[]): Lexeme[] {
  const out: Lexeme[] = [];
  for (let i = 0; i < lx.length; i++) {
    const x = lx[i] as Lexeme;
    if (x.t !== "text" || !x.keyword) {
      out.push(x);
      continue;
    }
    const prev = out[out.length - 1];
    const next = lx[i + 1];
    const afterOperand = prev !== undefined && (prev.t === "text" || prev.t === "close");
    if (x.keyword === "NOT" && startsOperand(next)) out.push({ t: "neg" });
    else if (x.keyword !== "NOT" && afterOperand && startsOperand(next)) out.push({ t: x.keyword === "OR" ? "or" : "and" });
    else out.push({ t: "text", text: x.text, quoted: false, prefix: false });
  }
  return out;
}

/** Recursive descent over lexemes; depth is already bounded by the lexer. */
class Parser {
  private pos = 0;
  constructor(private readonly lx: Lexeme[]) {}

  parseAll(): Node | null {
    const items: Node[] = [];
    while (this.pos < this.lx.length) {
      const n = this.parseAnd();
      if (n) items.push(n);
      if (this.lx[this.pos]?.t === "close") this.pos++; // unmatched: ignore
    }
    return combine("and", items);
  }

  private parseAnd(): Node | null {
    const items: Node[] = [];
    while (this.pos < this.lx.length) {
      const t = this.lx[this.pos]?.t;
      if (t === "close") break;
      const before = this.pos;
      if (t === "and" || t === "or") this.pos++;
      else {
        const n = this.parseOr();
        if (n) items.push(n);
      }
      if (this.pos === before) this.pos++; // never stall on an unexpected lexeme
    }
    return combine("and", items);
  }

  private parseOr(): Node | null {
    const items: (Node | null)[] = [this.parseUnary()];
    while (this.lx[this.pos]?.t === "or") {
      this.pos++;
      items.push(this.parseUnary());
    }
    return combine("or", items.filter((n): n is Node => n !== null));
  }

  private parseUnary(): Node | null {
    let negated = false;
    while (this.lx[this.pos]?.t === "neg") {
      negated = !negated;
      this.pos++;
    }
    const n = this.parsePrimary();
    return n && negated ? { k: "not", item: n } : n;
  }

  private parsePrimary(): Node | null {
    const x = this.lx[this.pos];
    if (!x || x.t === "close" || x.t === "or" || x.t === "and" || x.t === "neg") return null;
    this.pos++;
    if (x.t === "text") return { k: "term", text: x.text, quoted: x.quoted, prefix: x.prefix };
    if (x.t === "open") {
      const inner = this.parseAnd();
      if (this.lx[this.pos]?.t === "close") this.pos++;
      return inner;
    }
    if (x.t !== "field") return null;
    const next = this.lx[this.pos];
    if (x.name === "title") {
      if (next?.t !== "text" && next?.t !== "open") return null;
      const item = this.parsePrimary();
      return item ? { k: "title", item } : null;
    }
    if (next?.t !== "text") return null;
    this.pos++;
    return { k: "filter", name: x.name, value: next.text.trim().toLowerCase(), raw: `${x.name}:${next.text}` };
  }
}

function combine(k: "and" | "or", items: Node[]): Node | null {
  if (items.length === 0) return null;
  return items.length === 1 ? (items[0] as Node) : { k, items };
}

// ---- compilation to FTS5 -------------------------------------------------------------

/** An FTS5 expression; `atom` when it can be an operand without parentheses. */
interface Expr {
  s: string;
  atom: boolean;
}
/** Rows matching `pos` (all rows when null) minus rows matching any of `neg`. */
interface Compiled {
  pos: Expr | null;
  neg: Expr[];
}

const operand = (e: Expr): string => (e.atom ? e.s : `(${e.s})`);
const join = (op: string, list: Expr[]): Expr => (list.length === 1 ? (list[0] as Expr) : { s: list.map(operand).join(` ${op} `), atom: false });
const render = (c: Compiled & { pos: Expr }): Expr => (c.neg.length ? { s: `${operand(c.pos)} NOT ${operand(join("OR", c.neg))}`, atom: false } : c.pos);
const hasPos = (c: Compiled): c is Compiled & { pos: Expr } => c.pos !== null;

/** A quoted FTS5 phrase; tokens marked prefix end a part, parts are joined with `+`. */
export function ftsPhrase(tokens: QueryToken[]): string {
  const parts: string[] = [];
  let current: string[] = [];
  for (const t of tokens) {
    current.push(t.text.replaceAll('"', '""'));
    if (t.prefix) {
      parts.push(`"${current.join(" ")}"*`);
      current = [];
    }
  }
  if (current.length) parts.push(`"${current.join(" ")}"`);
  return parts.join(" + ");
}

/** A typed `*` needs this many characters in the token it extends. */
export const MIN_PREFIX_CHARS = 2;

/**
 * Whether a `*` on this term may stay a prefix: `a*` would merge the doclists of every word
 * starting with a (a large share of the index) and cannot use the index's 2- and 3-character
 * prefix tables. Such a term is read as the plain word, like any other syntax that cannot be
 * honoured here: a search box answers rather than failing on what a reader typed.
 */
function prefixLongEnough(text: string): boolean {
  const last = analyzeQueryTerm(text, true).at(-1);
  return last !== undefined && [...last.text].length >= MIN_PREFIX_CHARS;
}

interface Sink {
  sources: Set<string>;
  languages: Set<string>;
  terms: Set<string>;
  /** Inflected forms of the terms, highlighted after them. */
  forms: Set<string>;
  formCount: number;
  inflect: boolean;
}

export interface ParseOptions {
  /** Unquoted words also match their inflected forms (src/search/inflect.ts). */
  inflect?: boolean;
}

function compile(n: Node, positive: boolean, sink: Sink): Compiled | null {
  switch (n.k) {
    case "term": {
      const prefix = n.prefix && prefixLongEnough(n.text);
      const tokens = analyzeQueryTerm(n.text, prefix).slice(0, MAX_TOKENS_PER_TERM);
      if (tokens.length === 0) return null;
      if (positive) sink.terms.add(n.text.trim() + (prefix ? "*" : ""));
      const only = tokens.length === 1 && !tokens[0]!.prefix ? tokens[0]!.text : null;
      const forms = sink.inflect && only !== null && !n.quoted ? inflections(only) : [];
      if (forms.length > 1 && sink.formCount + forms.length <= MAX_FORMS) {
        sink.formCount += forms.length;
        if (positive) for (const form of forms) sink.forms.add(form);
        return { pos: join("OR", forms.map((form) => ({ s: ftsPhrase([{ text: form, prefix: false }]), atom: true }))), neg: [] };
      }
      return { pos: { s: ftsPhrase(tokens), atom: true }, neg: [] };
    }
    case "filter": {
      const value = n.name === "lang" ? (n.value.split(/[-_]/)[0] ?? "") : n.value;
      const valid = n.name === "lang" ? RE_LANG.test(value) : RE_SOURCE_ID.test(value);
      // An unusable filter value is just text.
      if (!valid) return compile({ k: "term", text: n.raw, quoted: false, prefix: false }, positive, sink);
      if (positive) (n.name === "lang" ? sink.languages : sink.sources).add(value);
      return null;
    }
    case "and": {
      const parts = n.items.map((x) => compile(x, positive, sink)).filter((c): c is Compiled => c !== null);
      if (parts.length === 0) return null;
      const pos = parts.filter(hasPos).map((c) => c.pos);
      return { pos: pos.length ? join("AND", pos) : null, neg: parts.flatMap((c) => c.neg) };
    }
    case "or": {
      const parts = n.items.map((x) => compile(x, positive, sink)).filter((c): c is Compiled => c !== null);
      if (parts.length === 0) return null;
      const withPos = parts.filter(hasPos);
      // Not a OR not b = not (a AND b); a mix of both kinds cannot be expressed, keep the positives.
      if (withPos.length === 0) return { pos: null, neg: [join("AND", parts.map((c) => join("OR", c.neg)))] };
      return { pos: join("OR", withPos.map(render)), neg: [] };
    }
    case "not": {
      const c = compile(n.item, !positive, sink);
      if (!c) return null;
      return hasPos(c) ? { pos: null, neg: [render(c)] } : { pos: join("OR", c.neg), neg: [] };
    }
    case "title": {
      const c = compile(n.item, positive, sink);
      if (!c) return null;
      if (hasPos(c)) return { pos: { s: `title : (${render(c).s})`, atom: true }, neg: [] };
      return { pos: null, neg: [{ s: `title : (${join("OR", c.neg).s})`, atom: true }] };
    }
  }
}

/** Parses a user's search box input; never throws, never yields invalid FTS5 syntax. */
export function parseSearchQuery(q: string, options: ParseOptions = {}): ParsedSearch {
  const sink: Sink = { sources: new Set(), languages: new Set(), terms: new Set(), forms: new Set(), formCount: 0, inflect: options.inflect === true };
  const tree = new Parser(lex(cleanInput(typeof q === "string" ? q : ""))).parseAll();
  const c = tree ? compile(tree, true, sink) : null;
  return {
    match: c && hasPos(c) ? render(c).s : null,
    exclude: c && !hasPos(c) && c.neg.length ? join("OR", c.neg).s : null,
    sources: [...sink.sources],
    languages: [...sink.languages],
    terms: [...new Set([...sink.terms, ...sink.forms])],
  };
}
