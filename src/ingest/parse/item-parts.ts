/** Pieces shared by the RSS, RDF and Atom item readers. */
import type { ParsedItem } from "../types";
import { resolveUrl } from "./urls";
import { collapse, textOf } from "./xml-text";
import type { XmlElement } from "./xml-tree";

export function emptyItem(): ParsedItem {
  return {
    guid: null,
    url: null,
    title: null,
    summaryHtml: null,
    contentHtml: null,
    publishedAt: null,
    updatedAt: null,
    language: null,
    author: null,
    image: null,
    tags: [],
    alternates: [],
    baseUrl: null,
  };
}

/** Something worth storing: a reader can show or open it. */
export function isUsable(item: ParsedItem): boolean {
  return item.title !== null || item.url !== null || item.summaryHtml !== null || item.contentHtml !== null;
}

const IMAGE_EXT = /\.(?:jpe?g|png|gif|webp|avif)(?:[?#]|$)/i;

/**
 * Collects image candidates while an item's children are visited once. Media RSS content
 * beats thumbnails (bigger), which beat enclosures and podcast artwork.
 */
export class ImagePicker {
  private media: string | null = null;
  private thumbnail: string | null = null;
  private enclosure: string | null = null;
  private artwork: string | null = null;

  /** Returns false if the element is not an image carrier, so callers can fall through. */
  offer(el: XmlElement): boolean {
    switch (el.name) {
      case "media:content":
        if (this.media === null && isImage(el.attrs.type, el.attrs.medium, el.attrs.url)) {
          this.media = resolveUrl(el.attrs.url, el.base);
        }
        this.visitChildren(el);
        return true;
      case "media:thumbnail":
        this.thumbnail ??= resolveUrl(el.attrs.url, el.base);
        return true;
      case "media:group":
        this.visitChildren(el);
        return true;
      case "enclosure":
        if (this.enclosure === null && isImage(el.attrs.type, undefined, el.attrs.url)) {
          this.enclosure = resolveUrl(el.attrs.url, el.base);
        }
        return true;
      case "itunes:image":
        this.artwork ??= resolveUrl(el.attrs.href ?? textOf(el), el.base);
        return true;
      default:
        return false;
    }
  }

  /** An Atom `<link rel="enclosure">`. */
  offerLink(href: string | null, type: string | undefined): void {
    if (this.enclosure === null && href && isImage(type, undefined, href)) this.enclosure = href;
  }

  best(): string | null {
    return this.media ?? this.thumbnail ?? this.enclosure ?? this.artwork;
  }

  private visitChildren(el: XmlElement): void {
    for (const c of el.children) if (typeof c !== "string") this.offer(c);
  }
}

function isImage(type: string | undefined, medium: string | undefined, url: string | undefined): boolean {
  if (medium) return medium.trim().toLowerCase() === "image";
  if (type) return type.trim().toLowerCase().startsWith("image/");
  return url !== undefined && IMAGE_EXT.test(url);
}

/** Adds a category once, keeping first-seen order. */
export function addTag(tags: string[], raw: string | null | undefined): void {
  const tag = collapse(raw ?? null);
  if (tag && tag.length <= 200 && !tags.includes(tag)) tags.push(tag);
}

/** "jdoe@example.com (Jane Doe)" → "Jane Doe": RSS <author> wants an email, people want a name. */
export function authorName(raw: string | null): string | null {
  const s = collapse(raw);
  if (!s) return null;
  const m = /^[^\s()@]+@[^\s()]+\s*\(([^()]+)\)$/.exec(s);
  return m ? m[1]!.trim() : s;
}

/** Whether a language tag belongs to a language ("en-US" matches "en"). */
export function sameLanguage(a: string | null, b: string | null): boolean {
  if (!a || !b) return false;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || x.startsWith(`${y}-`) || y.startsWith(`${x}-`) || x.split("-")[0] === y.split("-")[0];
}

/** First of several candidates for a date, as given by the feed. */
export function firstText(el: XmlElement | null): string | null {
  return el ? textOf(el).trim() || null : null;
}

/** Records a translation link once. */
export function pushAlternate(item: ParsedItem, hreflang: string, url: string): void {
  if (!item.alternates.some((a) => a.url === url)) item.alternates.push({ hreflang, url });
}
