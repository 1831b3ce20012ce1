/**
 * OPML 2.0 in and out. Reading uses the feed parser's tolerant XML tree; writing is a few
 * lines of string building, as for the feeds the app serves.
 */
import { escapeUTF8 } from "entities";
import type { SourceListing } from "../db/source-import";
import { Problem } from "../errors/problem";
import { buildXmlTree, type XmlElement } from "../ingest/parse/xml-tree";

/** Namespace of the attributes OPML has no word for: id, translation mapping, enabled. */
export const OPML_NS = "urn:edge-news:opml";
const PREFIX = "edge";
/** Outline elements (folders included) one import may hold. */
export const MAX_OUTLINES = 5000;
/** 5,000 outlines of a few hundred bytes each fit with room to spare. */
export const MAX_OPML_BYTES = 4 * 1024 * 1024;

/** The attributes an import reads; standard names are matched case-insensitively. */
export interface OutlineAttrs {
  text?: string;
  title?: string;
  type?: string;
  xmlUrl?: string;
  htmlUrl?: string;
  url?: string;
  language?: string;
  id?: string;
  storyScope?: string;
  storyKey?: string;
  enabled?: string;
}

export interface Outline {
  /** 1-based position among all outline elements of the file, in document order. */
  position: number;
  /** Titles of the enclosing folders, outermost first. */
  folders: string[];
  attrs: OutlineAttrs;
  hasChildren: boolean;
}

export interface OpmlDocument {
  outlines: Outline[];
  /** What the tolerant parser recovered from (a bare `&`, HTML entities). */
  warnings: string[];
}

const STANDARD: Record<string, keyof OutlineAttrs> = {
  text: "text",
  title: "title",
  type: "type",
  xmlurl: "xmlUrl",
  htmlurl: "htmlUrl",
  url: "url",
  language: "language",
};
const EXTENDED: Record<string, keyof OutlineAttrs> = { id: "id", storyscope: "storyScope", storykey: "storyKey", enabled: "enabled" };

const malformed = (detail: string) => new Problem({ status: 400, code: "invalid_opml", title: "Not a readable OPML document", detail });

/** Prefixes bound to our namespace by this element, added to those of its ancestors. */
function ownPrefixes(el: XmlElement, inherited: ReadonlySet<string>): ReadonlySet<string> {
  let out = inherited;
  for (const [name, value] of Object.entries(el.attrs)) {
    if (name.startsWith("xmlns:") && value.trim() === OPML_NS) out = new Set([...out, name.slice(6)]);
  }
  return out;
}

function attrsOf(el: XmlElement, prefixes: ReadonlySet<string>): OutlineAttrs {
  const attrs: OutlineAttrs = {};
  for (const [name, value] of Object.entries(el.attrs)) {
    const colon = name.indexOf(":");
    const key = colon < 0 ? STANDARD[name.toLowerCase()] : prefixes.has(name.slice(0, colon)) ? EXTENDED[name.slice(colon + 1).toLowerCase()] : undefined;
    if (key && value.trim() !== "") attrs[key] = value.trim();
  }
  return attrs;
}

const isOutline = (node: XmlElement | string): node is XmlElement => typeof node !== "string" && node.name === "outline";

/**
 * Reads the outlines of an OPML document, folders flattened into each outline's `folders`.
 * A document the parser had to repair structurally (cut off, unclosed elements) is refused
 * whole: which outlines it really holds cannot be known.
 */
export function readOpml(text: string): OpmlDocument {
  const tree = buildXmlTree(text, null);
  const root = tree.root;
  if (!root) throw malformed("The body holds no XML element.");
  if (root.name !== "opml") throw malformed(`The root element is <${root.name}>, not <opml>.`);
  if (tree.truncated) throw malformed("The document ends before its closing tags (it is cut off).");
  // The tree reports repairs only as warnings; this one names elements that were never closed.
  const unclosed = tree.warnings.find((w) => w.startsWith("recovered unclosed"));
  if (unclosed) throw malformed(`The document has ${unclosed.replace("recovered ", "")}.`);
  const body = root.children.find((c): c is XmlElement => typeof c !== "string" && c.name === "body");
  if (!body) throw malformed("The <opml> element has no <body>.");

  const outlines: Outline[] = [];
  const walk = (parent: XmlElement, folders: string[], prefixes: ReadonlySet<string>) => {
    for (const child of parent.children) {
      if (!isOutline(child)) continue;
      if (outlines.length === MAX_OUTLINES) {
        throw new Problem({ status: 413, code: "too_many_outlines", title: "Too many outlines", detail: `An import may hold at most ${MAX_OUTLINES} outlines; split the file.` });
      }
      const own = ownPrefixes(child, prefixes);
      const outline: Outline = { position: outlines.length + 1, folders, attrs: attrsOf(child, own), hasChildren: child.children.some(isOutline) };
      outlines.push(outline);
      if (outline.hasChildren) walk(child, [...folders, outline.attrs.text ?? outline.attrs.title ?? ""], own);
    }
  };
  walk(body, [], ownPrefixes(root, new Set()));
  return { outlines, warnings: tree.warnings };
}

/** XML 1.0 forbids these characters even as references; line breaks are kept as references. */
function attr(value: string): string {
  return escapeUTF8(value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")).replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function outlineOf(s: SourceListing): string {
  const parts: [string, string | null][] = [
    ["type", "rss"],
    ["text", s.name],
    ["title", s.name],
    ["xmlUrl", s.url],
    ["htmlUrl", s.homepage],
    ["language", s.language],
    [`${PREFIX}:id`, s.id],
    [`${PREFIX}:storyScope`, s.storyScope],
    [`${PREFIX}:storyKey`, s.storyKey],
    [`${PREFIX}:enabled`, s.enabled ? null : "false"],
  ];
  return `<outline ${parts
    .filter((p): p is [string, string] => p[1] !== null)
    .map(([name, value]) => `${name}="${attr(value)}"`)
    .join(" ")}/>`;
}

/** The sources as an OPML 2.0 document, one `type="rss"` outline each, in id order. */
export function renderOpml(rows: readonly SourceListing[], created: Date): string {
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<opml version="2.0" xmlns:${PREFIX}="${OPML_NS}">`,
    `  <head>`,
    `    <title>Edge News sources</title>`,
    `    <dateCreated>${created.toUTCString()}</dateCreated>`,
    `  </head>`,
    `  <body>`,
    ...rows.map((s) => `    ${outlineOf(s)}`),
    `  </body>`,
    `</opml>`,
    ``,
  ].join("\n");
}
