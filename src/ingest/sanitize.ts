import render from "dom-serializer";
import { type ChildNode, Element, Text } from "domhandler";
import { parseDocument } from "htmlparser2";

/**
 * Allow-list HTML sanitizer for upstream content. It parses with htmlparser2 (the parser the
 * feed stage already uses) and serializes the kept tree, so the stored HTML is always
 * well-formed: unlike a streaming rewriter, a tree cannot leave a publisher's unclosed <div>
 * open inside our pages. Text for search and summaries is read off the same tree.
 */

/** Elements kept (with the attributes listed); others are unwrapped unless dropped below. */
const ALLOWED: Record<string, readonly string[]> = {
  a: ["href", "title", "hreflang"],
  abbr: ["title"],
  b: [], blockquote: ["cite"], br: [], caption: [], cite: [], code: [], dd: [], del: [], div: [],
  dl: [], dt: [], em: [], figcaption: [], figure: [], h1: [], h2: [], h3: [], h4: [], h5: [], h6: [],
  hr: [], i: [], img: ["src", "alt", "title", "width", "height"], ins: [], li: [], mark: [],
  ol: ["start", "reversed"], p: [], pre: [], q: ["cite"], s: [], small: [], span: [], strong: [],
  sub: [], sup: [], table: [], tbody: [], td: ["colspan", "rowspan"], tfoot: [],
  th: ["colspan", "rowspan", "scope"], thead: [], time: ["datetime"], tr: [], u: [], ul: [],
};
const GLOBAL_ATTRIBUTES = ["lang", "dir"];
/** Elements removed together with everything inside them. */
const DROPPED = new Set([
  "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
  "button", "select", "textarea", "option", "template", "noscript", "svg", "math", "canvas", "audio",
  "video", "source", "track", "link", "meta", "base", "head", "title", "param", "portal", "dialog",
]);
const URL_ATTRIBUTES = new Set(["href", "src", "cite"]);
const BLOCK = new Set([
  "p", "div", "br", "hr", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "figure",
  "figcaption", "table", "tr", "td", "th", "caption", "h1", "h2", "h3", "h4", "h5", "h6",
]);

export interface SanitizedHtml {
  html: string;
  /** Visible text, blocks separated by newlines, whitespace collapsed. */
  text: string;
}

/** Absolute http(s)/mailto URL resolved against `base`, or null for anything else. */
export function safeUrl(raw: string, base: string | null, allowMailto = false): string | null {
  // Browsers ignore ASCII whitespace and control characters inside schemes (`java\tscript:`).
  const cleaned = raw.replace(/[\u0000-\u0020\u007f]+/g, (m, offset: number) => (offset === 0 ? "" : m === " " ? "%20" : ""));
  if (!cleaned) return null;
  let url: URL;
  try {
    url = base ? new URL(cleaned, base) : new URL(cleaned);
  } catch {
    return null;
  }
  if (url.protocol === "http:" || url.protocol === "https:") return url.href;
  if (allowMailto && url.protocol === "mailto:") return url.href;
  return null;
}

function cleanElement(el: Element, base: string | null): void {
  const allowed = ALLOWED[el.name] ?? [];
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(el.attribs)) {
    if (!allowed.includes(name) && !GLOBAL_ATTRIBUTES.includes(name)) continue;
    if (URL_ATTRIBUTES.has(name)) {
      const url = safeUrl(value, base, el.name === "a");
      if (url) kept[name] = url;
      continue;
    }
    if (name === "dir" && !["ltr", "rtl", "auto"].includes(value.toLowerCase())) continue;
    kept[name] = value;
  }
  if (el.name === "a" && kept.href) kept.rel = "nofollow noopener noreferrer";
  el.attribs = kept;
}

function cleanChildren(nodes: ChildNode[], base: string | null): ChildNode[] {
  const out: ChildNode[] = [];
  for (const node of nodes) {
    if (node instanceof Text) {
      out.push(node);
    } else if (node instanceof Element) {
      const name = node.name.toLowerCase();
      node.name = name;
      if (DROPPED.has(name)) continue;
      const children = cleanChildren(node.children, base);
      if (!(name in ALLOWED)) {
        out.push(...children);
        continue;
      }
      if (name === "img" && !safeUrl(node.attribs.src ?? "", base)) continue;
      cleanElement(node, base);
      node.children = children;
      for (const child of children) child.parent = node;
      out.push(node);
    }
    // Comments, CDATA and processing instructions are dropped.
  }
  return out;
}

function collectText(nodes: ChildNode[], parts: string[]): void {
  for (const node of nodes) {
    if (node instanceof Text) parts.push(node.data);
    else if (node instanceof Element) {
      if (node.name === "img" && node.attribs.alt) parts.push(" ");
      const block = BLOCK.has(node.name);
      if (block) parts.push("\n");
      collectText(node.children, parts);
      if (block) parts.push("\n");
    }
  }
}

export function normalizeText(text: string): string {
  return text
    .replace(/[ \t\f\r\u00a0\u200b]+/g, " ")
    .replace(/ ?\n[\s]*/g, "\n")
    .trim();
}

export function sanitizeHtml(html: string, baseUrl: string | null): SanitizedHtml {
  const doc = parseDocument(html, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  const kept = cleanChildren(doc.children, baseUrl);
  const parts: string[] = [];
  collectText(kept, parts);
  return {
    html: render(kept, { encodeEntities: "utf8", decodeEntities: true }).trim(),
    text: normalizeText(parts.join("")),
  };
}

/** Plain text of an HTML fragment (for titles and summaries given as HTML). */
export function htmlToText(html: string): string {
  return sanitizeHtml(html, null).text.replace(/\s+/g, " ").trim();
}
