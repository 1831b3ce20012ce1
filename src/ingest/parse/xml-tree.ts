/**
 * A small element tree built from htmlparser2's tolerant XML tokenizer. It is built in one pass
 * and already carries what the format parsers need at every element: canonical namespace
 * prefixes, effective xml:base and xml:lang, and whether the element was cut off by truncation.
 */
import { decodeHTMLStrict } from "entities";
import { Parser } from "htmlparser2";
import { resolveUrl } from "./urls";

export interface XmlElement {
  /** Lower-cased name with a canonical prefix ("content:encoded", "media:thumbnail", "title"). */
  name: string;
  /** Lower-cased local name, used when the element is HTML to re-serialize. */
  local: string;
  /** Attributes as written (names keep their case), values entity-decoded. */
  attrs: Record<string, string>;
  children: XmlNode[];
  /** Effective xml:base, absolute. */
  base: string | null;
  /** Effective xml:lang. */
  lang: string | null;
  /** Still open when the document ended: its content may be incomplete. */
  cut: boolean;
}
export type XmlNode = XmlElement | string;

export interface XmlTree {
  root: XmlElement | null;
  truncated: boolean;
  warnings: string[];
}

/** Namespaces we read, by URI, with the prefix the parsers use ("" = the feed's own vocabulary). */
const KNOWN_NAMESPACES: Record<string, string> = {
  "http://purl.org/rss/1.0/": "",
  "http://my.netscape.com/rdf/simple/0.9/": "",
  "http://backend.userland.com/rss2": "",
  "http://purl.org/rss/1.0/modules/content/": "content",
  "http://purl.org/dc/elements/1.1/": "dc",
  "http://purl.org/dc/terms/": "dcterms",
  "http://search.yahoo.com/mrss/": "media",
  "http://search.yahoo.com/mrss": "media",
  "http://www.w3.org/2005/Atom": "atom",
  "http://purl.org/atom/ns#": "atom",
  "http://purl.org/rss/1.0/modules/syndication/": "sy",
  "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
  "http://www.w3.org/1999/xhtml": "xhtml",
  "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
};

/** Elements whose whitespace-only text is layout, not content. */
const CONTAINERS = new Set(["rss", "channel", "item", "entry", "feed", "rdf:rdf", "image", "textinput", "media:group"]);
/** HTML void elements: implied closes are normal when a feed embeds raw HTML. */
const VOID = new Set(["br", "img", "hr", "input", "meta", "link", "source", "wbr", "area", "col", "embed", "param", "track", "base"]);
/** Deeper nesting is flattened into its ancestor, so recursion elsewhere stays bounded. */
const MAX_DEPTH = 256;

/** Namespace declarations of one element, chained to the enclosing ones. */
interface Scope {
  prefix: string;
  uri: string;
  parent: Scope | null;
}

function lookup(scope: Scope | null, prefix: string): string | undefined {
  for (let s = scope; s; s = s.parent) if (s.prefix === prefix) return s.uri;
  return undefined;
}

/**
 * Items are handed to `onItem` as soon as they close and are not kept in the tree: holding
 * every item of a large feed until the end would cost far more in GC than parsing does.
 */
export interface ItemStream {
  /** Canonical name of the item element ("item" or "entry"). */
  name: string;
  onItem(el: XmlElement): void;
}

export function buildXmlTree(xml: string, documentBase: string | null, items?: ItemStream): XmlTree {
  const warnings = new Set<string>();
  const unclosed = new Set<string>();
  const stack: XmlElement[] = [];
  const scopes: Scope[] = [];
  // Canonical names per (scope, raw name); nearly every element reuses a handful of them.
  let cacheScope: Scope | null = null;
  let cache = new Map<string, string>();
  const openEnds: number[] = [];
  let root: XmlElement | null = null;
  let atomIsPrimary = false;
  let inCdata = false;
  let ending = false;
  let truncated = false;
  let overflow = 0;
  let entityFlags = 0;
  let parser: Parser | null = null;
  let openItem: XmlElement | null = null;

  const canonical = (name: string, scope: Scope): string => {
    const colon = name.indexOf(":");
    const prefix = colon < 0 ? "" : name.slice(0, colon);
    const uri = lookup(scope, prefix);
    if (uri === undefined) return name; // undeclared prefix: trust the conventional spelling
    const known = KNOWN_NAMESPACES[uri];
    const local = colon < 0 ? name : name.slice(colon + 1);
    if (known === undefined) return name;
    return known === "" || (known === "atom" && atomIsPrimary) ? local : `${known}:${local}`;
  };

  const handler = {
    onparserinit(p: Parser) {
      parser = p;
    },
    onopentag(name: string, attrs: Record<string, string>) {
      const parent = stack[stack.length - 1];
      if (overflow > 0 || stack.length >= MAX_DEPTH || (!parent && root)) {
        // Too deep, or after the root element: skipped, its text goes to the nearest kept element.
        if (parent) warnings.add(`elements nested deeper than ${MAX_DEPTH} levels were flattened`);
        overflow++;
        return;
      }
      let scope = scopes[scopes.length - 1] ?? ROOT_SCOPE;
      for (const key in attrs) {
        let value = attrs[key]!;
        if (value.includes("&")) attrs[key] = value = decodeEntities(value);
        if (key.startsWith("xmlns")) {
          scope = { prefix: key.length === 5 ? "" : key.slice(6).toLowerCase(), uri: value.trim(), parent: scope };
        }
      }
      if (!parent && !root && KNOWN_NAMESPACES[lookup(scope, prefixOf(name)) ?? ""] === "atom") atomIsPrimary = true;
      if (scope !== cacheScope) {
        cacheScope = scope;
        cache = new Map();
      }
      let qualified = cache.get(name);
      if (qualified === undefined) cache.set(name, (qualified = canonical(name, scope)));
      const xmlBase = attrs["xml:base"];
      const xmlLang = attrs["xml:lang"];
      const parentBase = parent ? parent.base : documentBase;
      const el: XmlElement = {
        name: qualified,
        local: name.slice(name.indexOf(":") + 1),
        attrs,
        children: [],
        base: xmlBase === undefined ? parentBase : (resolveUrl(xmlBase, parentBase) ?? parentBase),
        lang: xmlLang === undefined ? (parent?.lang ?? null) : xmlLang.trim() || null,
        cut: false,
      };
      if (parent) parent.children.push(el);
      else root = el;
      if (openItem === null && qualified === items?.name && parent) openItem = el;
      stack.push(el);
      scopes.push(scope);
      openEnds.push(parser!.endIndex);
    },
    onclosetag(_name: string, implied: boolean) {
      if (overflow > 0) {
        overflow--;
        return;
      }
      const el = stack.pop();
      scopes.pop();
      const openEnd = openEnds.pop();
      if (!el) return;
      if (implied) {
        if (ending) {
          el.cut = true;
          truncated = true;
        } else if (parser!.endIndex !== openEnd && !VOID.has(el.local)) {
          unclosed.add(el.name);
        }
      }
      if (el === openItem) {
        openItem = null;
        const siblings = stack[stack.length - 1]!.children;
        if (siblings[siblings.length - 1] === el) siblings.pop();
        items!.onItem(el);
      }
    },
    ontext(data: string) {
      const el = stack[stack.length - 1];
      if (!el) return;
      if (!inCdata) {
        if (CONTAINERS.has(el.name) && isBlank(data)) return;
        if (data.includes("&")) data = decodeEntities(data);
      }
      el.children.push(data);
    },
    oncdatastart() {
      inCdata = true;
    },
    oncdataend() {
      inCdata = false;
    },
  };

  function decodeEntities(raw: string): string {
    if (entityFlags !== ALL_ENTITY_FLAGS) entityFlags |= classifyEntities(raw);
    return decodeHTMLStrict(raw);
  }

  const p = new Parser(handler, { xmlMode: true, decodeEntities: false, lowerCaseTags: true });
  p.write(xml);
  ending = true;
  p.end();

  if (entityFlags & BARE_AMP) warnings.add("unescaped '&' kept as literal text");
  if (entityFlags & HTML_ENTITY) warnings.add("HTML named entities (e.g. &nbsp;) decoded although XML does not define them");
  if (entityFlags & UNKNOWN_ENTITY) warnings.add("undefined entity references left as text (not expanded)");
  if (unclosed.size > 0) warnings.add(`recovered unclosed element(s): ${[...unclosed].slice(0, 5).join(", ")}`);
  if (truncated) warnings.add("document ended before its closing tags (truncated); kept what was complete");
  return { root, truncated, warnings: [...warnings] };
}

const ROOT_SCOPE: Scope = { prefix: "xml", uri: "http://www.w3.org/XML/1998/namespace", parent: null };

function prefixOf(name: string): string {
  const colon = name.indexOf(":");
  return colon < 0 ? "" : name.slice(0, colon);
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return true;
}

const BARE_AMP = 1;
const HTML_ENTITY = 2;
const UNKNOWN_ENTITY = 4;
const ALL_ENTITY_FLAGS = 7;
const XML_ENTITIES = new Set(["amp", "lt", "gt", "quot", "apos"]);
const ENTITY_REF = /^&(?:#[0-9]{1,7};|#x[0-9a-f]{1,6};|([a-z][a-z0-9]{0,31});)/i;

/** Which kinds of `&` a text uses, for the warnings; decoding itself is done by `entities`. */
function classifyEntities(text: string): number {
  let flags = 0;
  for (let at = text.indexOf("&"); at >= 0; at = text.indexOf("&", at + 1)) {
    const m = ENTITY_REF.exec(text.slice(at, at + 40));
    if (!m) flags |= BARE_AMP;
    else if (m[1] !== undefined && !XML_ENTITIES.has(m[1])) {
      flags |= decodeHTMLStrict(m[0]) === m[0] ? UNKNOWN_ENTITY : HTML_ENTITY;
    }
  }
  return flags;
}
