/**
 * Reading text and HTML out of the element tree. Feeds carry HTML two ways, escaped as text
 * (or CDATA) and as raw child elements; both come out as one HTML string here.
 */
import { decodeHTMLStrict, escapeAttribute, escapeText } from "entities";
import type { XmlElement } from "./xml-tree";

/** All descendant text, concatenated. */
export function textOf(el: XmlElement): string {
  const only = el.children.length === 1 ? el.children[0] : undefined;
  if (typeof only === "string") return only;
  const parts: string[] = [];
  collectText(el, parts);
  return parts.join("");
}

function collectText(el: XmlElement, parts: string[]): void {
  for (const c of el.children) {
    if (typeof c === "string") parts.push(c);
    else collectText(c, parts);
  }
}

/** Trimmed text, or null when empty. */
export function trimmedText(el: XmlElement): string | null {
  return textOf(el).trim() || null;
}

export function hasElementChildren(el: XmlElement): boolean {
  for (const c of el.children) if (typeof c !== "string") return true;
  return false;
}

/** The element's content as HTML: escaped text is already HTML, child elements get serialized. */
export function htmlOf(el: XmlElement): string | null {
  return (hasElementChildren(el) ? innerHtml(el) : textOf(el)).trim() || null;
}

const VOID = new Set(["br", "img", "hr", "input", "meta", "link", "source", "wbr", "area", "col", "embed", "param", "track", "base"]);

export function innerHtml(el: XmlElement): string {
  const out: string[] = [];
  serializeChildren(el, out);
  return out.join("");
}

function serializeChildren(el: XmlElement, out: string[]): void {
  for (const c of el.children) {
    if (typeof c === "string") {
      out.push(escapeText(c));
      continue;
    }
    out.push("<", c.local);
    for (const name in c.attrs) {
      // Namespace plumbing means nothing to HTML consumers.
      if (name.startsWith("xmlns") || name.startsWith("xml:")) continue;
      out.push(" ", name, '="', escapeAttribute(c.attrs[name]!), '"');
    }
    out.push(">");
    if (VOID.has(c.local)) {
      // Raw HTML like `<br>text` nests the text inside the void element; put it back after.
      serializeChildren(c, out);
    } else {
      serializeChildren(c, out);
      out.push("</", c.local, ">");
    }
  }
}

/** HTML (or HTML-ish text) as a plain one-line string: tags stripped, entities decoded. */
export function plainFromHtml(html: string | null): string | null {
  if (html === null) return null;
  let s = html.includes("<") ? stripTags(html) : html;
  if (s.includes("&")) s = decodeHTMLStrict(s);
  return collapse(s);
}

/** Whitespace runs to one space, trimmed; null when nothing is left. */
export function collapse(s: string | null): string | null {
  if (s === null) return null;
  return s.replace(/\s+/g, " ").trim() || null;
}

/** Plain text to HTML that displays it. */
export function htmlFromText(s: string | null): string | null {
  if (s === null) return null;
  const t = s.trim();
  return t ? escapeText(t).replace(/\r?\n/g, "<br>") : null;
}

/** Removes `<tag ...>`-shaped markup; a lone `<` (as in "a < b") stays. Linear time. */
function stripTags(s: string): string {
  const out: string[] = [];
  let from = 0;
  for (let lt = s.indexOf("<"); lt >= 0; lt = s.indexOf("<", from)) {
    const next = s.charCodeAt(lt + 1);
    const tagLike =
      (next >= 0x61 && next <= 0x7a) || (next >= 0x41 && next <= 0x5a) || next === 0x2f || next === 0x21 || next === 0x3f;
    if (!tagLike) {
      out.push(s.slice(from, lt + 1));
      from = lt + 1;
      continue;
    }
    const gt = s.indexOf(">", lt);
    out.push(s.slice(from, lt));
    if (gt < 0) return out.join(""); // an unterminated tag runs to the end: drop it
    if (isBreak(s, lt)) out.push(" ");
    from = gt + 1;
  }
  out.push(s.slice(from));
  return out.join("");
}

/** Block-ish tags separate words; inline ones do not. */
function isBreak(s: string, lt: number): boolean {
  const name = s.slice(lt + 1, lt + 5).toLowerCase().replace(/^\//, "");
  return /^(br|p\b|p>|div|li|h[1-6]|tr|td)/.test(name);
}
