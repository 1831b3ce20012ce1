/** RSS 0.90-2.0 and RSS 1.0 (RDF), which share item vocabulary but not structure. */
import { parseFeedDate } from "../dates";
import type { ParsedItem } from "../types";
import type { FeedMeta } from "./context";
import { addTag, authorName, emptyItem, firstText, ImagePicker, pushAlternate } from "./item-parts";
import { looksLikeUrl, resolveUrl } from "./urls";
import { collapse, hasElementChildren, htmlFromText, htmlOf, innerHtml, plainFromHtml, textOf } from "./xml-text";
import type { XmlElement, XmlNode } from "./xml-tree";

/** Fields that hold only text; element children inside them are siblings an unclosed tag swallowed. */
const LEAF_FIELDS = new Set([
  "title", "link", "guid", "pubdate", "dc:date", "dc:creator", "author", "category", "comments", "dc:subject", "dc:language",
]);

const PERIOD_MINUTES: Record<string, number> = { hourly: 60, daily: 1440, weekly: 10080, monthly: 43200, yearly: 525600 };

/** Channel metadata; items are read one by one as the parser closes them (readRssItem). */
export function readRssChannel(root: XmlElement): FeedMeta {
  // RSS 2.0 nests items in <channel>; RDF makes them siblings of it; both reach readRssItem.
  let channel: XmlElement | null = root.name === "channel" ? root : null;
  if (!channel) {
    for (const c of root.children) if (typeof c !== "string" && c.name === "channel") channel ??= c;
  }
  const feed: FeedMeta = { title: null, homepage: null, language: null, ttlMinutes: null, hub: null, self: null, author: null };
  let atomHome = null as string | null;
  let period = null as string | null;
  let frequency = null as string | null;
  if (channel) {
    for (const c of channel.children) {
      if (typeof c === "string" || c.cut) continue; // cut off by truncation: incomplete
      switch (c.name) {
        case "title":
          feed.title ??= plainFromHtml(textOf(c));
          break;
        case "link":
          feed.homepage ??= resolveUrl(textOf(c) || c.attrs.href, c.base);
          break;
        case "atom:link": {
          const rel = (c.attrs.rel ?? "alternate").trim().toLowerCase();
          if (rel === "alternate") atomHome ??= resolveUrl(c.attrs.href, c.base);
          else if (rel === "hub") feed.hub ??= resolveUrl(c.attrs.href, c.base);
          else if (rel === "self") feed.self ??= resolveUrl(c.attrs.href, c.base);
          break;
        }
        case "language":
        case "dc:language":
          feed.language ??= collapse(textOf(c));
          break;
        case "ttl":
          feed.ttlMinutes ??= positiveInt(textOf(c));
          break;
        case "sy:updateperiod":
          period = textOf(c).trim().toLowerCase();
          break;
        case "sy:updatefrequency":
          frequency = textOf(c);
          break;
      }
    }
    feed.homepage ??= atomHome;
    feed.language ??= channel.lang;
  }
  feed.language ??= root.lang;
  const periodMinutes = period ? PERIOD_MINUTES[period] : undefined;
  if (feed.ttlMinutes === null && periodMinutes) {
    feed.ttlMinutes = Math.max(1, Math.round(periodMinutes / (positiveInt(frequency) ?? 1)));
  }
  return feed;
}

export function readRssItem(el: XmlElement): ParsedItem {
  const item = emptyItem();
  const images = new ImagePicker();
  let link = null as string | null;
  let atomLink = null as string | null;
  let guidUrl = null as string | null;
  let description = null as XmlElement | null;
  let content = null as XmlElement | null;
  let published = null as string | null;
  let issued = null as string | null;
  let updated = null as string | null;
  let creator = null as string | null;
  let author = null as string | null;
  let language = null as string | null;

  const visit = (children: XmlNode[]) => {
    for (const c of children) {
      // Anything still open at a truncation point is incomplete: use only finished fields.
      if (typeof c === "string" || c.cut) continue;
      switch (c.name) {
        case "title":
        case "dc:title":
          item.title ??= plainFromHtml(leafText(c));
          break;
        case "link":
          link ??= resolveUrl(leafText(c) || c.attrs.href, c.base);
          break;
        case "guid": {
          const guid = leafText(c).trim();
          if (!guid) break;
          item.guid ??= guid;
          const flag = (c.attrs.isPermaLink ?? c.attrs.ispermalink ?? c.attrs.isPermalink)?.trim().toLowerCase();
          if (flag === undefined ? looksLikeUrl(guid) : flag === "true") guidUrl ??= resolveUrl(guid, c.base);
          break;
        }
        case "atom:link": {
          const rel = (c.attrs.rel ?? "alternate").trim().toLowerCase();
          const href = resolveUrl(c.attrs.href, c.base);
          if (!href) break;
          const hreflang = c.attrs.hreflang?.trim();
          if (rel === "alternate" && hreflang) pushAlternate(item, hreflang, href);
          else if (rel === "alternate") atomLink ??= href;
          else if (rel === "enclosure") images.offerLink(href, c.attrs.type);
          break;
        }
        case "description":
        case "dc:description":
          description ??= c;
          break;
        case "content:encoded":
        case "xhtml:body":
        case "body":
          content ??= c;
          break;
        case "pubdate":
        case "atom:published":
          published ??= firstText(c);
          break;
        case "dc:date":
        case "dcterms:issued":
        case "dcterms:created":
          issued ??= firstText(c);
          break;
        case "atom:updated":
        case "dcterms:modified":
          updated ??= firstText(c);
          break;
        case "dc:creator":
          creator ??= leafText(c);
          break;
        case "author":
        case "itunes:author":
          author ??= leafText(c);
          break;
        case "category":
        case "dc:subject":
          addTag(item.tags, leafText(c));
          break;
        case "dc:language":
          language ??= collapse(leafText(c));
          break;
        default:
          images.offer(c);
      }
      if (!hasElementChildren(c)) continue;
      if (LEAF_FIELDS.has(c.name)) visit(c.children);
      else if (c.name === "description") {
        // An unclosed <description> swallows the fields after it; its HTML children stay put.
        visit(c.children.filter(isField));
      }
    }
  };
  visit(el.children);

  item.guid ??= collapse(el.attrs["rdf:about"] ?? null);
  item.url = link ?? atomLink ?? guidUrl;
  if (item.url) item.alternates = item.alternates.filter((a) => a.url !== item.url);
  item.summaryHtml = description ? htmlOf(withoutFields(description)) : mediaDescription(el);
  if (content) item.contentHtml = content.name === "content:encoded" ? htmlOf(content) : innerHtml(content).trim() || null;
  item.baseUrl = (content ?? description ?? el).base;
  item.publishedAt = parseFeedDate(published) ?? parseFeedDate(issued) ?? parseFeedDate(updated);
  item.updatedAt = parseFeedDate(updated);
  item.author = authorName(creator ?? author);
  item.language = language ?? el.lang;
  item.image = images.best();
  return item;
}

/** Text of a text-only field, leaving out fields that an unclosed tag swallowed. */
function leafText(el: XmlElement): string {
  if (!hasElementChildren(el)) return textOf(el);
  const parts: string[] = [];
  for (const c of el.children) {
    if (typeof c === "string") parts.push(c);
    else if (!LEAF_FIELDS.has(c.name) && c.name !== "description" && !c.name.includes(":")) parts.push(textOf(c));
  }
  return parts.join("");
}

const isField = (n: XmlNode) => typeof n !== "string" && LEAF_FIELDS.has(n.name);

/** The element minus item fields an unclosed tag swallowed (they were read as fields). */
function withoutFields(el: XmlElement): XmlElement {
  return el.children.some(isField) ? { ...el, children: el.children.filter((n) => !isField(n)) } : el;
}

/** Media RSS puts the only description some video/photo feeds have in media:description. */
function mediaDescription(el: XmlElement): string | null {
  for (const c of el.children) {
    if (typeof c === "string") continue;
    if (c.name === "media:description") {
      const html = (c.attrs.type ?? "").trim().toLowerCase() === "html";
      return html ? htmlOf(c) : htmlFromText(textOf(c));
    }
    if (c.name === "media:group" || c.name === "media:content") {
      const inner = mediaDescription(c);
      if (inner) return inner;
    }
  }
  return null;
}

function positiveInt(s: string | null): number | null {
  if (s === null) return null;
  const n = Number.parseInt(s.trim(), 10);
  return Number.isFinite(n) && n > 0 && n < 1_000_000 ? n : null;
}
