/**
 * What the parse stage hands to the normalize stage: one feed, format-independent.
 * Text fields are as the feed gave them (entities decoded); HTML fields are raw, unsanitized
 * HTML strings; URLs are already resolved to absolute against xml:base / the feed URL.
 */
export interface ParsedFeed {
  format: "rss" | "rdf" | "atom" | "json";
  title: string | null;
  /** Absolute URL of the site the feed describes. */
  homepage: string | null;
  /** Raw language tag declared by the feed (e.g. "en-us", "zh-Hans"), if any. */
  language: string | null;
  /** RSS <ttl> or sy:updatePeriod/updateFrequency in minutes, if any. */
  ttlMinutes: number | null;
  /** WebSub: the hub the feed declares (link rel="hub"), absolute, if any. */
  hub: string | null;
  /** WebSub: the feed's own URL as it declares it (link rel="self"), the topic to subscribe to. */
  self: string | null;
  items: ParsedItem[];
  /** Problems recovered from (ill-formed markup, items skipped), for the run report. */
  warnings: string[];
}

export interface ParsedItem {
  guid: string | null;
  /** Absolute permalink. */
  url: string | null;
  /** Title as plain text (markup stripped, entities decoded, whitespace collapsed). */
  title: string | null;
  /** description / summary, raw HTML. */
  summaryHtml: string | null;
  /** content:encoded / atom content / content_html, raw HTML. */
  contentHtml: string | null;
  /** ISO 8601 UTC, or null when the feed gave no parseable date. */
  publishedAt: string | null;
  updatedAt: string | null;
  /** Raw language tag of the item (xml:lang, dc:language, JSON Feed language). */
  language: string | null;
  author: string | null;
  /** Absolute URL of a representative image (enclosure, media:content, media:thumbnail). */
  image: string | null;
  tags: string[];
  /** Links to the same story in other languages (atom:link rel=alternate hreflang=...). */
  alternates: { hreflang: string; url: string }[];
  /** Base URL in force for this item's HTML content (xml:base), for resolving relative links. */
  baseUrl: string | null;
}
