import { type ChildNode, Element, Text } from "domhandler";
import { parseDocument } from "htmlparser2";
import {
  ALLOWED_ELEMENTS, BLOCK_ELEMENTS, DROPPED_ELEMENTS, GLOBAL_ATTRIBUTES, LINK_REL, URL_ATTRIBUTES, VOID_ELEMENTS,
} from "./html-policy";

/**
 * Allow-list HTML sanitizer for upstream content, safe by construction: the output is written
 * here, not by a general serializer, from three things only: start and end tags whose names
 * and attribute names come from the policy (html-policy.ts), attribute values with & " < >
 * escaped, and text with & < > escaped whatever element it sat in. None of the allowed
 * elements changes how a browser tokenizes what follows, so a browser reads exactly those
 * tags and that text, however our parser (htmlparser2, already used by the feed stage) read
 * the input. A tree rather than a streaming rewriter keeps the stored HTML well-formed: a
 * publisher's unclosed <div> cannot stay open inside our pages.
 */

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

const TEXT_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\u0000": "" };
const escapeText = (s: string) => s.replace(/[&<>\u0000]/g, (c) => TEXT_ESCAPES[c]!);
const escapeAttribute = (s: string) => s.replace(/[&<>"\u0000]/g, (c) => TEXT_ESCAPES[c]!);

/** ` name="value"` pairs kept by the policy, or null when the element must go (an image without a safe source). */
function keptAttributes(name: string, attribs: Record<string, string>, base: string | null): string | null {
  let out = "";
  let hasHref = false;
  for (const list of [ALLOWED_ELEMENTS[name]!, GLOBAL_ATTRIBUTES]) {
    for (const attr of list) {
      let value = attribs[attr];
      if (value === undefined) continue;
      if (URL_ATTRIBUTES.has(attr)) {
        const url = safeUrl(value, base, name === "a");
        if (!url) continue;
        value = url;
        if (attr === "href") hasHref = true;
      } else if (attr === "dir" && !["ltr", "rtl", "auto"].includes(value.toLowerCase())) {
        continue;
      }
      out += ` ${attr}="${escapeAttribute(value)}"`;
    }
  }
  if (name === "img" && !out.includes(' src="')) return null;
  if (hasHref) out += ` rel="${LINK_REL}"`;
  return out;
}

interface Frame {
  nodes: ChildNode[];
  next: number;
  /** End tag written when the frame is done (null for an unwrapped element). */
  close: string | null;
  block: boolean;
}

/**
 * One walk over the parsed tree writes both the HTML and the text. The walk keeps its own
 * stack, so a deeply nested body cannot exhaust the call stack.
 */
function write(nodes: ChildNode[], base: string | null): { html: string; text: string; unwrapped: boolean } {
  const html: string[] = [];
  const text: string[] = [];
  let unwrapped = false;
  const stack: Frame[] = [{ nodes, next: 0, close: null, block: false }];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const node = top.nodes[top.next++];
    if (!node) {
      stack.pop();
      if (top.close) html.push(top.close);
      if (top.block) text.push("\n");
      continue;
    }
    if (node instanceof Text) {
      html.push(escapeText(node.data));
      text.push(node.data);
      continue;
    }
    // Comments, CDATA and processing instructions are dropped.
    if (!(node instanceof Element)) continue;
    const name = node.name.toLowerCase();
    if (DROPPED_ELEMENTS.has(name)) continue;
    if (!(name in ALLOWED_ELEMENTS)) {
      unwrapped = true;
      stack.push({ nodes: node.children, next: 0, close: null, block: false });
      continue;
    }
    const attributes = keptAttributes(name, node.attribs, base);
    if (attributes === null) continue;
    html.push(`<${name}${attributes}>`);
    if (name === "img" && node.attribs.alt) text.push(" ");
    const block = BLOCK_ELEMENTS.has(name);
    if (block) text.push("\n");
    if (VOID_ELEMENTS.has(name)) {
      if (block) text.push("\n");
      continue;
    }
    stack.push({ nodes: node.children, next: 0, close: `</${name}>`, block });
  }
  return { html: html.join("").trim(), text: normalizeText(text.join("")), unwrapped };
}

export function normalizeText(text: string): string {
  return text
    .replace(/[ \t\f\r\u00a0\u200b]+/g, " ")
    .replace(/ ?\n[\s]*/g, "\n")
    .trim();
}

const parse = (html: string) =>
  parseDocument(html, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true }).children;

export function sanitizeHtml(html: string, baseUrl: string | null): SanitizedHtml {
  const first = write(parse(html), baseUrl);
  if (!first.unwrapped) return { html: first.html, text: first.text };
  // Unwrapping can give an element a parent the parser would have closed before it
  // (<p><font><div> becomes <p><div>). One more pass over our own output, which holds only
  // allowed elements, settles the structure, so the stored HTML reads back as it is written.
  const settled = write(parse(first.html), baseUrl);
  return { html: settled.html, text: settled.text };
}

/** Plain text of an HTML fragment (for titles and summaries given as HTML). */
export function htmlToText(html: string): string {
  // Without a tag or an entity the parser would give the text back as it is: skip it (most
  // titles, tags and authors), collapsing the same whitespace the walk does.
  if (!/[<&]/.test(html)) return html.replace(/[\s\u200b]+/g, " ").trim();
  return sanitizeHtml(html, null).text.replace(/\s+/g, " ").trim();
}
