import { articleId, contentHash, declaredStoryGroup, dedupeKey, slugify, storyGroup } from "./identity";
import { detectLanguage, normalizeLanguageTag } from "./language";
import { htmlToText, normalizeText, safeUrl, type SanitizedHtml, sanitizeHtml } from "./sanitize";
import type { NormalizedArticle } from "../domain";
import type { ParsedFeed, ParsedItem } from "./types";

export type { NormalizedArticle };

export const SUMMARY_MAX = 400;
export const TITLE_MAX = 300;
const CONTENT_MAX = 200_000;

export interface SourceContext {
  id: string;
  url: string;
  language: string | null;
  /** Declared translation mapping (both set or both null): see `declaredStoryGroup`. */
  storyScope?: string | null;
  storyKey?: string | null;
}

/** Text cut to `max` characters at a word boundary where one is near, with an ellipsis. */
export function truncateText(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const cut = chars.slice(0, max).join("");
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return "";
  }
}

/**
 * The summary's plain text. When the body came from the summary itself, its text is the one
 * the body's sanitizing already found, unless an image was kept there: only an image tells a
 * walk with a base URL (relative sources resolve) from one without (htmlToText).
 */
function summaryText(item: ParsedItem, content: SanitizedHtml): string {
  const same = !item.contentHtml && item.summaryHtml!.length <= CONTENT_MAX && !content.html.includes("<img");
  return same ? content.text.replace(/\s+/g, " ").trim() : htmlToText(item.summaryHtml!);
}

export function normalizeItem(item: ParsedItem, feed: ParsedFeed, source: SourceContext): NormalizedArticle | null {
  // Relative links in a body are written relative to the article page, unless an xml:base
  // says otherwise; a base equal to the feed's own URL means none was declared.
  const declaredBase = item.baseUrl && item.baseUrl !== source.url ? item.baseUrl : null;
  const base = declaredBase ?? item.url ?? feed.homepage ?? source.url;
  const url = item.url ? safeUrl(item.url, source.url) : null;
  const content = sanitizeHtml((item.contentHtml ?? item.summaryHtml ?? "").slice(0, CONTENT_MAX), base);
  const summarySource = item.summaryHtml ? summaryText(item, content) : content.text.replace(/\s+/g, " ");
  const rawTitle = normalizeText(item.title ? htmlToText(item.title) : "").replace(/\s+/g, " ");
  const image = item.image ? safeUrl(item.image, base) : null;
  // Title and link are both optional (RSS 2.0 needs only a description): an untitled item is
  // named by its first words or, when it shows no text (a photo), by its feed.
  const untitled = content.html || image ? (feed.title ?? hostOf(source.url)) : "";
  const title = truncateText(rawTitle || truncateText(summarySource, 80) || untitled, TITLE_MAX);
  if (!title && !url) return null;

  const key = dedupeKey({ guid: item.guid, url, title, content: content.html });
  const language =
    normalizeLanguageTag(item.language) ??
    normalizeLanguageTag(feed.language) ??
    normalizeLanguageTag(source.language) ??
    detectLanguage(`${title}\n${content.text}`) ??
    "und";
  const tags = [...new Set(item.tags.map((t) => htmlToText(t).slice(0, 60)).filter(Boolean))].slice(0, 20);
  const summary = truncateText(summarySource, SUMMARY_MAX);
  const alternates = item.alternates.map((a) => safeUrl(a.url, base)).filter((u): u is string => !!u);
  // The source's declared mapping, when the link matches it, wins over the group derived from
  // the link and its alternates. A declared group is part of the content hash, so declaring,
  // changing or dropping a mapping rewrites the stored group on the next fetch; items without
  // one hash as they always did, so no stored article looks changed.
  const mapping = source.storyScope && source.storyKey ? { scope: source.storyScope, pattern: source.storyKey } : null;
  const declaredGroup = declaredStoryGroup(url, mapping);
  return {
    id: articleId(source.id, key),
    dedupeKey: key,
    guid: item.guid?.trim() || null,
    url,
    title: title || url || "",
    slug: slugify(title || "article"),
    summary,
    contentHtml: content.html,
    contentText: content.text,
    image,
    author: item.author ? htmlToText(item.author).slice(0, 200) || null : null,
    tags,
    language,
    publishedAt: item.publishedAt,
    updatedAt: item.updatedAt,
    contentHash: contentHash([title, summary, content.html, image, tags.join("\u0001"), url, ...(declaredGroup ? [declaredGroup] : [])]),
    storyGroup: declaredGroup ?? storyGroup(url, alternates),
  };
}

export async function normalizeFeed(feed: ParsedFeed, source: SourceContext): Promise<NormalizedArticle[]> {
  const seen = new Set<string>();
  const out: NormalizedArticle[] = [];
  for (const item of feed.items) {
    const article = normalizeItem(item, feed, source);
    // A feed that lists the same item twice keeps the first (newest) copy.
    if (!article || seen.has(article.id)) continue;
    seen.add(article.id);
    out.push(article);
  }
  return out;
}
