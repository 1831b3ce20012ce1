/** decode → detect → parse: bytes (or text) of any supported feed to one ParsedFeed. */
import { decodeFeedBody } from "../decode";
import { locateFeedRoot } from "../detect";
import type { ParsedFeed, ParsedItem } from "../types";
import { readAtomEntry, readAtomFeed } from "./atom";
import { type FeedBody, ParseContext } from "./context";
import { FeedParseError } from "./errors";
import { parseJsonFeed } from "./json-feed";
import { readRssChannel, readRssItem } from "./rss";
import { buildXmlTree, type XmlElement } from "./xml-tree";

export { FeedParseError, type FeedParseErrorCode } from "./errors";

export interface ParseFeedOptions {
  /** Where the feed was fetched from: the base for relative links. */
  url: string;
  contentType?: string | null;
}

export function parseFeed(body: Uint8Array | string, opts: ParseFeedOptions): ParsedFeed {
  let text = typeof body === "string" ? body : decodeFeedBody(body, opts.contentType ?? null);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const feedUrl = absoluteOrNull(opts.url);
  const ctx = new ParseContext();
  const root = locateFeedRoot(text);

  if (!root) {
    // JSON without the jsonfeed.org marker still gets a chance (and a precise error).
    if (/^\s*[[{]/.test(text)) return finish("json", parseJsonFeed(text, feedUrl, ctx), ctx, false);
    throw new FeedParseError("unrecognized_format", "Body is not an RSS, RDF, Atom or JSON feed (no feed root element found)");
  }
  if (root.format === "json") return finish("json", parseJsonFeed(text, feedUrl, ctx), ctx, false);

  if (root.lateDeclaration) ctx.warn("XML declaration was not at the start of the document");
  if (root.junkBeforeRoot) ctx.warn("ignored text or markup before the feed's root element");
  if (root.internalSubset) ctx.warn("DTD internal subset ignored; its entities were not expanded");
  const atom = root.format === "atom";
  const readItem = atom ? readAtomEntry : readRssItem;
  const items: ParsedItem[] = [];
  const onItem = (el: XmlElement) => {
    const item = readItem(el);
    if (ctx.keep(el, item)) items.push(item);
  };
  const xml = root.index === 0 ? text : text.slice(root.index);
  const tree = buildXmlTree(xml, feedUrl, { name: atom ? "entry" : "item", onItem });
  for (const w of tree.warnings) ctx.warn(w);
  if (!tree.root) throw new FeedParseError("unrecognized_format", "Feed root element could not be read");
  const { author, ...meta } = atom ? readAtomFeed(tree.root) : readRssChannel(tree.root);
  if (author) for (const item of items) item.author ??= author;
  return finish(root.format, { ...meta, items }, ctx, tree.truncated);
}

function finish(format: ParsedFeed["format"], body: FeedBody, ctx: ParseContext, truncated: boolean): ParsedFeed {
  // An empty well-formed feed is a valid answer; an empty broken one is not.
  if (body.items.length === 0 && (truncated || (body.title === null && body.homepage === null))) {
    throw new FeedParseError(
      "no_items_recoverable",
      truncated ? "Feed is truncated and no complete item could be recovered" : "Feed has no items and no title or link",
    );
  }
  return { format, ...body, warnings: ctx.finish() };
}

function absoluteOrNull(url: string): string | null {
  try {
    return new URL(url).href;
  } catch {
    return null;
  }
}
