/**
 * Feed format by content alone: servers label feeds text/html, application/octet-stream or
 * worse, and URLs say nothing, so only the root element (or JSON Feed's version) counts.
 */

export type FeedFormat = "rss" | "rdf" | "atom" | "json";

export interface FeedRoot {
  format: FeedFormat;
  /** Offset of the root element's `<` (or of `{` for JSON). */
  index: number;
  /** Non-markup text or stray elements came before the root (e.g. a PHP warning). */
  junkBeforeRoot: boolean;
  /** The prolog declared a DTD internal subset (entities are never expanded). */
  internalSubset: boolean;
  /** The XML declaration was not at the very start (whitespace or junk before it). */
  lateDeclaration: boolean;
}

/** How many stray tags before the root we step over before calling it "not a feed". */
const MAX_STRAY_TAGS = 64;

export function detectFormat(text: string): FeedFormat | null {
  return locateFeedRoot(text)?.format ?? null;
}

export function locateFeedRoot(text: string): FeedRoot | null {
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let i = skipSpace(text, bom);
  if (text[i] === "{") {
    // JSON Feed's version URL is its only reliable signature.
    return text.includes("jsonfeed.org/version")
      ? { format: "json", index: i, junkBeforeRoot: false, internalSubset: false, lateDeclaration: false }
      : null;
  }
  const start = bom;
  let junk = false;
  let internalSubset = false;
  let lateDeclaration = false;
  let stray = 0;
  while (i < text.length) {
    const lt = text.indexOf("<", i);
    if (lt < 0) return null;
    if (!junk && skipSpace(text, i) < lt) junk = true;
    const next = text.charCodeAt(lt + 1);
    if (next === 0x3f /* ? */) {
      if (lt !== start && text.startsWith("<?xml", lt)) lateDeclaration = true;
      i = endOf(text, "?>", lt);
    } else if (text.startsWith("<!--", lt)) {
      i = endOf(text, "-->", lt);
    } else if (next === 0x21 /* ! */) {
      const end = endOfDeclaration(text, lt);
      internalSubset ||= end.subset;
      i = end.index;
    } else if (isNameStart(next)) {
      const format = rootFormat(elementName(text, lt + 1));
      if (format) return { format, index: lt, junkBeforeRoot: junk, internalSubset, lateDeclaration };
      if (format === null || ++stray > MAX_STRAY_TAGS) return null;
      junk = true;
      i = endOf(text, ">", lt);
    } else {
      junk = true;
      i = lt + 1;
    }
  }
  return null;
}

/** Feed format for a root name, null for a document that is clearly not a feed, else undefined. */
function rootFormat(name: string): FeedFormat | null | undefined {
  const local = name.slice(name.indexOf(":") + 1).toLowerCase();
  switch (local) {
    case "rss":
    case "channel": // RSS 0.9x without its <rss> wrapper, seen in the wild
      return "rss";
    case "rdf":
      return "rdf";
    case "feed":
      return "atom";
    case "html":
    case "head":
    case "body":
    case "opml":
    case "urlset":
    case "sitemapindex":
      return null;
    default:
      return undefined;
  }
}

function skipSpace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

function endOf(text: string, close: string, from: number): number {
  const at = text.indexOf(close, from + 1);
  return at < 0 ? text.length : at + close.length;
}

/** End of `<!DOCTYPE ...>` including an internal subset `[...]` with quoted `>` inside. */
function endOfDeclaration(text: string, lt: number): { index: number; subset: boolean } {
  let depth = 0;
  let quote = 0;
  let subset = false;
  for (let i = lt + 2; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) {
      quote = c;
    } else if (c === 0x5b /* [ */) {
      depth++;
      subset = true;
    } else if (c === 0x5d /* ] */) {
      depth = Math.max(0, depth - 1);
    } else if (c === 0x3e /* > */ && depth === 0) {
      return { index: i + 1, subset };
    } else if (c === 0x3c /* < */ && depth > 0 && text.startsWith("<!--", i)) {
      i = endOf(text, "-->", i) - 1;
    }
  }
  return { index: text.length, subset };
}

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c > 0x7f;
}

function elementName(text: string, from: number): string {
  let end = from;
  while (end < text.length && end - from < 64) {
    const c = text.charCodeAt(end);
    if (c === 0x20 || c === 0x3e || c === 0x2f || c === 0x0a || c === 0x0d || c === 0x09) break;
    end++;
  }
  return text.slice(from, end);
}
