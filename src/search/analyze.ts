/**
 * Text analysis shared by indexing, querying and highlighting. The FTS table's own tokenizer
 * only splits on non-letters and folds Latin diacritics, so everything language-aware happens
 * here, identically for stored text and for query terms:
 *
 * - words (Latin, Cyrillic, Greek, other alphabets, digits): NFKC, lowercase, diacritics
 *   removed (but й/ў/ї kept, ё → е), a few letters without decompositions folded (ß → ss …);
 * - Arabic: harakat/tatweel removed, alef/yeh/teh-marbuta folded; a word with a definite
 *   article is stored twice, as written and without the article;
 * - Han/Kana runs: overlapping bigrams plus the run's last character, so every character
 *   starts exactly one token and any substring is a phrase of bigrams;
 * - Hangul: whole words; a query word matches as a prefix (particles are suffixes).
 */

export type SegmentKind = "word" | "arabic" | "cjk" | "hangul";

/** One searchable unit of a text, with its span in the original string. */
export interface Segment {
  kind: SegmentKind;
  /** Normalized form: a whole word, or one character for "cjk". */
  norm: string;
  /** "arabic" only: the word without its definite article, when it has one. */
  bare?: string;
  /** UTF-16 offsets of the source span in the original text. */
  start: number;
  end: number;
  /** "cjk" only: the character directly continues the previous one (same run). */
  joined: boolean;
}

/** One FTS token of a query term; `prefix` asks FTS5 for a prefix match on it. */
export interface QueryToken {
  text: string;
  prefix: boolean;
}

// Character classes of the scanner.
const SEP = 0;
const SKIP = 1;
const MARK = 2;
const WORD = 3;
const ARABIC = 4;
const CJK = 5;
const HANGUL = 6;

const RE_MARK = /\p{M}/u;
const RE_FORMAT = /\p{Cf}/u;
const RE_DIGIT = /\p{Nd}/u;
const RE_ALNUM = /[\p{L}\p{N}]/u;
// Script extensions, so shared letters (ー, tatweel) stay inside their words.
const RE_HAN_KANA = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}]/u;
const RE_HANGUL = /\p{scx=Hangul}/u;
const RE_ARABIC = /\p{scx=Arabic}/u;
const RE_FORMAT_ALL = /\p{Cf}/gu;

const classCache = new Map<number, number>();

function classify(cp: number): number {
  if (cp < 0x80) {
    const lower = cp | 0x20;
    return (cp >= 0x30 && cp <= 0x39) || (lower >= 0x61 && lower <= 0x7a) ? WORD : SEP;
  }
  // Hot ranges first: ingest runs this on every character of every article.
  if (cp >= 0x4e00 && cp <= 0x9fff) return CJK;
  if (cp >= 0xac00 && cp <= 0xd7a3) return HANGUL;
  let c = classCache.get(cp);
  if (c === undefined) {
    c = classifySlow(cp);
    if (classCache.size < 4096) classCache.set(cp, c);
  }
  return c;
}

function classifySlow(cp: number): number {
  // Halfwidth voiced-sound marks behave like the combining ones they normalize to.
  if (cp === 0xff9e || cp === 0xff9f) return MARK;
  // Zero-width space separates words in scripts written without spaces.
  if (cp === 0x200b) return SEP;
  const ch = String.fromCodePoint(cp);
  if (RE_MARK.test(ch)) return MARK;
  // Soft hyphens, joiners and direction marks must not split a word.
  if (RE_FORMAT.test(ch)) return SKIP;
  // Any decimal digit joins the neighbouring word class so "g20" and "١٩" read alike.
  if (RE_DIGIT.test(ch)) return WORD;
  if (!RE_ALNUM.test(ch)) return SEP;
  if (RE_HAN_KANA.test(ch)) return CJK;
  if (RE_HANGUL.test(ch)) return HANGUL;
  if (RE_ARABIC.test(ch)) return ARABIC;
  return WORD;
}

const RE_ASCII = /^[\x00-\x7f]*$/;
const RE_SPLIT = /[^\p{L}\p{N}\p{M}]+/u;
const RE_NON_TOKEN = /[^\p{L}\p{N}\p{M}]+/gu;
const LETTER_FOLDS: Record<string, string> = {
  ß: "ss", æ: "ae", œ: "oe", ø: "o", đ: "d", ð: "d", ł: "l", ı: "i", ħ: "h", ŧ: "t", þ: "th", ς: "σ", ё: "е",
  "٠": "0", "١": "1", "٢": "2", "٣": "3", "٤": "4", "٥": "5", "٦": "6", "٧": "7", "٨": "8", "٩": "9",
  "۰": "0", "۱": "1", "۲": "2", "۳": "3", "۴": "4", "۵": "5", "۶": "6", "۷": "7", "۸": "8", "۹": "9",
};
const RE_LETTER_FOLDS = /[ßæœøđðłıħŧþςё٠-٩۰-۹]/g;
// Diacritics (Latin/Greek/Cyrillic combining blocks, Hebrew points); the captured pairs are
// Cyrillic letters of their own (й, ў, ї) that must survive.
const RE_DIACRITICS = /([иу]\u0306|і\u0308)|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7]/g;

function foldWord(raw: string): string[] {
  if (RE_ASCII.test(raw)) return [raw.toLowerCase()];
  const folded = raw
    .normalize("NFKC")
    .toLowerCase()
    .replace(RE_LETTER_FOLDS, (c) => LETTER_FOLDS[c] ?? c)
    .normalize("NFD")
    .replace(RE_DIACRITICS, (_m, keep: string | undefined) => keep ?? "")
    .normalize("NFC");
  return splitTokens(folded);
}

const RE_ARABIC_MARKS = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]/g;
const RE_ALEF = /[\u0622\u0623\u0625\u0671-\u0673]/g;
const RE_YEH = /[\u0649\u06cc]/g;

function foldArabic(raw: string): string[] {
  const folded = raw
    .normalize("NFKC")
    .replace(RE_ARABIC_MARKS, "")
    .replace(RE_ALEF, "\u0627")
    .replace(RE_YEH, "\u064a")
    .replaceAll("\u0629", "\u0647")
    .replaceAll("\u06a9", "\u0643");
  return splitTokens(folded);
}

/**
 * The word without a leading definite article (ال, or وال/بال/كال/فال/لل), when what remains
 * is long enough to be a word rather than an accident of spelling (والد, بالغ stay whole).
 * The divine name is kept whole: its remainder would be the pronoun له.
 */
export function stripArabicArticle(word: string): string | undefined {
  if (word.length >= 6 && /^[وبكف]ال/.test(word)) return word.slice(3);
  if (word.length >= 5 && word.startsWith("لل")) return word.slice(2);
  if (word.length >= 4 && word.startsWith("ال") && word !== "الله") return word.slice(2);
  return undefined;
}

const RE_HAS_ALNUM = /[\p{L}\p{N}]/u;

/** Tokens of a normalized chunk; marks left without a base letter are not a token. */
function splitTokens(s: string): string[] {
  return s.split(RE_SPLIT).filter((t) => t.length > 0 && RE_HAS_ALNUM.test(t));
}

/** Splits a text into normalized segments (words, or single CJK characters) with their spans. */
export function segment(text: string): Segment[] {
  const out: Segment[] = [];
  const n = text.length;
  let cls = SEP; // class of the open chunk
  let start = 0;
  let skipped = false;
  let cjkJoined = false;

  const close = (end: number): void => {
    if (cls === SEP) return;
    let raw = text.slice(start, end);
    if (skipped) raw = raw.replace(RE_FORMAT_ALL, "");
    if (cls === CJK) {
      // Unified ideographs are already in normal form.
      const code = raw.charCodeAt(0);
      const norm = raw.length === 1 && code >= 0x4e00 && code <= 0x9fff ? raw : raw.normalize("NFKC").replace(RE_NON_TOKEN, "");
      if (RE_HAS_ALNUM.test(norm)) out.push({ kind: "cjk", norm, start, end, joined: cjkJoined });
    } else if (cls === HANGUL) {
      for (const norm of splitTokens(raw.normalize("NFKC"))) out.push({ kind: "hangul", norm, start, end, joined: false });
    } else if (cls === ARABIC) {
      for (const norm of foldArabic(raw)) {
        const bare = stripArabicArticle(norm);
        out.push(bare ? { kind: "arabic", norm, bare, start, end, joined: false } : { kind: "arabic", norm, start, end, joined: false });
      }
    } else {
      for (const norm of foldWord(raw)) out.push({ kind: "word", norm, start, end, joined: false });
    }
    cls = SEP;
    skipped = false;
  };

  let i = 0;
  while (i < n) {
    const cp = text.codePointAt(i) as number;
    const width = cp > 0xffff ? 2 : 1;
    const c = classify(cp);
    if (c === MARK || c === SKIP) {
      // Attached to the open chunk (or CJK character); meaningless on their own.
      if (cls !== SEP && c === SKIP) skipped = true;
      i += width;
      continue;
    }
    const wasCjk = cls === CJK;
    if (c !== cls || c === CJK) close(i);
    if (c === SEP) {
      cjkJoined = false;
    } else if (cls === SEP) {
      cls = c;
      start = i;
      cjkJoined = c === CJK && wasCjk;
    }
    i += width;
  }
  close(n);
  return out;
}

/** The analyzed form of a text as stored in an FTS column. */
export function analyzeForIndex(text: string): string {
  const segs = segment(text);
  const tokens: string[] = [];
  let i = 0;
  while (i < segs.length) {
    const s = segs[i] as Segment;
    if (s.kind !== "cjk") {
      tokens.push(s.norm);
      if (s.bare) tokens.push(s.bare);
      i++;
      continue;
    }
    const end = runEnd(segs, i);
    for (let k = i; k < end; k++) tokens.push((segs[k] as Segment).norm + (segs[k + 1] as Segment).norm);
    tokens.push((segs[end] as Segment).norm);
    i = end + 1;
  }
  return tokens.join(" ");
}

/** Index of the last segment of the CJK run starting at `i`. */
export function runEnd(segs: Segment[], i: number): number {
  let j = i;
  while (j + 1 < segs.length && (segs[j + 1] as Segment).kind === "cjk" && (segs[j + 1] as Segment).joined) j++;
  return j;
}

/**
 * How a user term (a word or a phrase) becomes FTS tokens to match as ONE phrase. The tokens
 * are those the index holds for the same text, except at the term's end, where a CJK run may
 * continue in the document (bigrams only; a single character becomes a prefix) and Hangul
 * words may carry particles (every Hangul word is a prefix). `prefix` (the user's `*`) makes
 * the last token a prefix. An empty result means nothing in the term is searchable.
 */
export function analyzeQueryTerm(term: string, prefix = false): QueryToken[] {
  const segs = segment(term);
  const out: QueryToken[] = [];
  let i = 0;
  while (i < segs.length) {
    const s = segs[i] as Segment;
    if (s.kind === "word") {
      out.push({ text: s.norm, prefix: false });
    } else if (s.kind === "hangul") {
      out.push({ text: s.norm, prefix: true });
    } else if (s.kind === "arabic") {
      // A prefix search on the written form must not also require the bare form next to it.
      const last = i === segs.length - 1;
      out.push({ text: s.norm, prefix: false });
      if (s.bare && !(last && prefix)) out.push({ text: s.bare, prefix: false });
    } else {
      const end = runEnd(segs, i);
      for (let k = i; k < end; k++) out.push({ text: (segs[k] as Segment).norm + (segs[k + 1] as Segment).norm, prefix: false });
      const last = end === segs.length - 1;
      if (!last) out.push({ text: (segs[end] as Segment).norm, prefix: false });
      else if (end === i) out.push({ text: s.norm, prefix: true });
      i = end;
    }
    i++;
  }
  const tail = out[out.length - 1];
  if (prefix && tail) tail.prefix = true;
  return out;
}
