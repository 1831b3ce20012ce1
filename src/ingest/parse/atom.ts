/** Atom 1.0 and its predecessor 0.3 (issued/modified, mode="escaped|xml|base64"). */
import { parseFeedDate } from "../dates";
import type { ParsedItem } from "../types";
import type { FeedMeta } from "./context";
import { addTag, authorName, emptyItem, firstText, ImagePicker, pushAlternate, sameLanguage } from "./item-parts";
import { looksLikeUrl, resolveUrl } from "./urls";
import { collapse, hasElementChildren, htmlFromText, htmlOf, innerHtml, plainFromHtml, textOf } from "./xml-text";
import type { XmlElement } from "./xml-tree";

interface AtomLink {
  href: string;
  hreflang: string | null;
  type: string | null;
}

/** Feed metadata; entries are read one by one as the parser closes them (readAtomEntry). */
export function readAtomFeed(root: XmlElement): FeedMeta {
  const feed: FeedMeta = { title: null, homepage: null, language: root.lang, ttlMinutes: null, hub: null, self: null, author: null };
  const links: AtomLink[] = [];
  for (const c of root.children) {
    if (typeof c === "string" || c.cut) continue; // cut off by truncation: incomplete
    switch (c.name) {
      case "title":
        feed.title ??= constructPlain(c);
        break;
      case "link": {
        collectLink(c, links, null);
        const rel = c.attrs.rel?.trim().toLowerCase();
        if (rel === "hub") feed.hub ??= resolveUrl(c.attrs.href, c.base);
        else if (rel === "self") feed.self ??= resolveUrl(c.attrs.href, c.base);
        break;
      }
      case "author":
        feed.author ??= personName(c);
        break;
      case "dc:language":
        feed.language ??= collapse(textOf(c));
        break;
    }
  }
  feed.homepage = pickLink(links, feed.language)?.href ?? null;
  return feed;
}

/** Entries without an author get the feed's later (RFC 4287 §4.2.1): it may come after them. */
export function readAtomEntry(el: XmlElement): ParsedItem {
  const item = emptyItem();
  const images = new ImagePicker();
  const links: AtomLink[] = [];
  let summary: XmlElement | null = null;
  let content: XmlElement | null = null;
  let published: string | null = null;
  let updated: string | null = null;
  let author: string | null = null;
  let language: string | null = null;
  for (const c of el.children) {
    if (typeof c === "string" || c.cut) continue;
    switch (c.name) {
      case "id":
        item.guid ??= collapse(textOf(c));
        break;
      case "title":
        item.title ??= constructPlain(c);
        break;
      case "link":
        collectLink(c, links, images);
        break;
      case "summary":
        summary ??= c;
        break;
      case "content":
        content ??= c;
        break;
      case "published":
      case "issued":
      case "created":
        published ??= firstText(c);
        break;
      case "updated":
      case "modified":
        updated ??= firstText(c);
        break;
      case "author":
        author ??= personName(c);
        break;
      case "dc:creator":
        author ??= collapse(textOf(c));
        break;
      case "category":
        addTag(item.tags, c.attrs.label ?? c.attrs.term ?? textOf(c));
        break;
      case "dc:subject":
        addTag(item.tags, textOf(c));
        break;
      case "dc:language":
        language ??= collapse(textOf(c));
        break;
      default:
        images.offer(c);
    }
  }
  item.language = language ?? el.lang;
  const main = pickLink(links, item.language);
  // Out-of-line content (<content src>) is the story itself when there is no alternate link.
  const contentSrc = content?.attrs.src !== undefined ? resolveUrl(content.attrs.src, content.base) : null;
  // Some feeds only link an entry through an http(s) <id>.
  item.url = main?.href ?? contentSrc ?? (item.guid && looksLikeUrl(item.guid) ? resolveUrl(item.guid, null) : null);
  for (const l of links) if (l.hreflang && l.href !== item.url) pushAlternate(item, l.hreflang, l.href);
  item.summaryHtml = summary ? constructHtml(summary) : null;
  item.contentHtml = content && content.attrs.src === undefined ? constructHtml(content) : null;
  item.baseUrl = (content ?? summary ?? el).base;
  item.publishedAt = parseFeedDate(published) ?? parseFeedDate(updated);
  item.updatedAt = parseFeedDate(updated);
  item.author = author;
  item.image = images.best();
  return item;
}

function collectLink(c: XmlElement, links: AtomLink[], images: ImagePicker | null): void {
  const href = resolveUrl(c.attrs.href ?? textOf(c), c.base);
  if (!href) return;
  const rel = (c.attrs.rel ?? "alternate").trim().toLowerCase();
  if (rel === "alternate" || rel === "http://www.iana.org/assignments/relation/alternate") {
    links.push({ href, hreflang: c.attrs.hreflang?.trim() || null, type: c.attrs.type?.trim().toLowerCase() || null });
  } else if (rel === "enclosure") {
    images?.offerLink(href, c.attrs.type);
  }
}

/** The permalink: a language-neutral alternate first, else one in the entry's language, HTML preferred. */
function pickLink(links: AtomLink[], lang: string | null): AtomLink | undefined {
  if (links.length <= 1) return links[0];
  let pool = links.filter((l) => !l.hreflang);
  if (pool.length === 0) pool = links.filter((l) => sameLanguage(l.hreflang, lang));
  if (pool.length === 0) pool = links;
  return pool.find((l) => !l.type || l.type.includes("html")) ?? pool[0];
}

function personName(el: XmlElement): string | null {
  let email: string | null = null;
  for (const c of el.children) {
    if (typeof c === "string") continue;
    if (c.name === "name") return collapse(textOf(c));
    if (c.name === "email") email = collapse(textOf(c));
  }
  return email ?? authorName(hasElementChildren(el) ? null : textOf(el));
}

type Kind = "text" | "html" | "xhtml" | "other";

/** Atom 1.0 `type` (text|html|xhtml) or Atom 0.3 MIME type + `mode`. */
function kindOf(el: XmlElement): Kind {
  const type = (el.attrs.type ?? "").trim().toLowerCase();
  const mode = (el.attrs.mode ?? "").trim().toLowerCase();
  if (type === "xhtml" || type === "application/xhtml+xml") return "xhtml";
  if (type === "html" || type === "text/html") return mode === "xml" ? "xhtml" : "html";
  if (mode === "escaped") return "html";
  if (type === "" || type === "text" || type === "text/plain") return hasElementChildren(el) ? "xhtml" : "text";
  return type.startsWith("text/") ? "text" : "other";
}

function constructHtml(el: XmlElement): string | null {
  const kind = kindOf(el);
  if ((el.attrs.mode ?? "").trim().toLowerCase() === "base64") {
    const decoded = fromBase64(textOf(el));
    return kind === "html" ? decoded : kind === "text" ? htmlFromText(decoded) : null;
  }
  switch (kind) {
    case "xhtml": {
      const div = xhtmlWrapper(el);
      return innerHtml(div ?? el).trim() || null;
    }
    case "html":
      return htmlOf(el);
    case "text":
      return htmlFromText(textOf(el));
    default:
      return null;
  }
}

function constructPlain(el: XmlElement): string | null {
  switch (kindOf(el)) {
    case "html":
      return plainFromHtml(htmlOf(el));
    case "xhtml":
    case "text":
      return collapse(textOf(el));
    default:
      return null;
  }
}

/** xhtml content is wrapped in one <div> that is not part of the content. */
function xhtmlWrapper(el: XmlElement): XmlElement | null {
  let found: XmlElement | null = null;
  for (const c of el.children) {
    if (typeof c === "string") {
      if (c.trim()) return null;
    } else if (found || c.local !== "div") {
      return null;
    } else {
      found = c;
    }
  }
  return found;
}

function fromBase64(s: string): string | null {
  try {
    const bin = atob(s.replace(/\s+/g, ""));
    const bytes = Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
    return new TextDecoder().decode(bytes).trim() || null;
  } catch {
    return null;
  }
}
