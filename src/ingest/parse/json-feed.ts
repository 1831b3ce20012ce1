/** JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1). */
import { parseFeedDate } from "../dates";
import type { ParsedItem } from "../types";
import type { FeedBody, ParseContext } from "./context";
import { FeedParseError } from "./errors";
import { addTag, emptyItem } from "./item-parts";
import { resolveUrl } from "./urls";
import { collapse, htmlFromText, plainFromHtml } from "./xml-text";

type Json = Record<string, unknown>;

export function parseJsonFeed(text: string, feedUrl: string | null, ctx: ParseContext): FeedBody {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new FeedParseError("invalid_json", `Body looks like JSON but does not parse: ${(e as Error).message}`);
  }
  if (!isObject(data)) throw new FeedParseError("unrecognized_format", "JSON body is not a JSON Feed object");
  const version = str(data.version);
  if (!version?.includes("jsonfeed.org")) {
    if (!Array.isArray(data.items)) {
      throw new FeedParseError("unrecognized_format", "JSON body has neither a jsonfeed.org version nor an items array");
    }
    ctx.warn("JSON Feed without a jsonfeed.org version; read as JSON Feed anyway");
  }
  const feedAuthor = authorOf(data);
  const feed: FeedBody = {
    title: plainFromHtml(str(data.title)),
    homepage: resolveUrl(str(data.home_page_url), feedUrl),
    language: collapse(str(data.language)),
    ttlMinutes: null,
    hub: websubHub(data.hubs, feedUrl),
    self: resolveUrl(str(data.feed_url), feedUrl),
    items: [],
  };
  if (!Array.isArray(data.items)) ctx.warn("JSON Feed has no items array");
  else {
    for (const raw of data.items) {
      if (!isObject(raw)) continue;
      const item = readItem(raw, feedUrl, feedAuthor);
      if (ctx.keep({ cut: false }, item)) feed.items.push(item);
    }
  }
  return feed;
}

/** JSON Feed `hubs`: the first of type WebSub. */
function websubHub(hubs: unknown, feedUrl: string | null): string | null {
  if (!Array.isArray(hubs)) return null;
  for (const h of hubs) if (isObject(h) && str(h.type)?.trim().toLowerCase() === "websub") return resolveUrl(str(h.url), feedUrl);
  return null;
}

function readItem(raw: Json, feedUrl: string | null, feedAuthor: string | null): ParsedItem {
  const item = emptyItem();
  const id = raw.id;
  item.guid = typeof id === "string" ? id.trim() || null : typeof id === "number" ? String(id) : null;
  item.url = resolveUrl(str(raw.url), feedUrl) ?? resolveUrl(str(raw.external_url), feedUrl);
  item.title = plainFromHtml(str(raw.title));
  item.contentHtml = str(raw.content_html)?.trim() || htmlFromText(str(raw.content_text));
  item.summaryHtml = htmlFromText(str(raw.summary));
  item.publishedAt = parseFeedDate(str(raw.date_published)) ?? parseFeedDate(str(raw.date_modified));
  item.updatedAt = parseFeedDate(str(raw.date_modified));
  item.language = collapse(str(raw.language));
  // 1.1 items without authors inherit the feed's.
  item.author = authorOf(raw) ?? feedAuthor;
  if (Array.isArray(raw.tags)) for (const t of raw.tags) if (typeof t === "string") addTag(item.tags, t);
  item.image =
    resolveUrl(str(raw.image), feedUrl) ?? resolveUrl(str(raw.banner_image), feedUrl) ?? attachmentImage(raw, feedUrl);
  item.baseUrl = feedUrl;
  return item;
}

/** 1.1 `authors` (array) or 1.0 `author` (object). */
function authorOf(o: Json): string | null {
  const list = Array.isArray(o.authors) ? o.authors : [o.author];
  for (const a of list) {
    if (isObject(a)) {
      const name = collapse(str(a.name));
      if (name) return name;
    }
  }
  return null;
}

function attachmentImage(raw: Json, feedUrl: string | null): string | null {
  if (!Array.isArray(raw.attachments)) return null;
  for (const a of raw.attachments) {
    if (isObject(a) && str(a.mime_type)?.toLowerCase().startsWith("image/")) {
      const url = resolveUrl(str(a.url), feedUrl);
      if (url) return url;
    }
  }
  return null;
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}
