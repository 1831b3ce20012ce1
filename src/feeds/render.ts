import type { ArticleSummary } from "../domain";
import { xmlEscape } from "../http/xml";
import type { Locale } from "../i18n/locales";

/** What every outgoing feed format needs to know about itself. */
export interface FeedInfo {
  title: string;
  description: string;
  locale: Locale;
  /** The HTML page this feed mirrors. */
  homeUrl: string;
  /** This feed's own URL (self link). */
  feedUrl: string;
  /** Base for article page URLs: `${siteUrl}/${locale}/news/${id}/${slug}`. */
  siteUrl: string;
  updated: string;
}

export function articlePageUrl(info: FeedInfo, a: ArticleSummary): string {
  return `${info.siteUrl}/${info.locale}/news/${a.id}/${encodeURIComponent(a.slug)}`;
}

const rfc822 = (iso: string) => new Date(iso).toUTCString();

/**
 * RSS 2.0. The item link is the article's page here; the publisher's original is a related
 * link and the image a Media RSS element (an `enclosure` would need a byte length we lack).
 */
export function renderRss(info: FeedInfo, items: ArticleSummary[]): string {
  const entries = items.map((a) => {
    const link = articlePageUrl(info, a);
    return `<item><title>${xmlEscape(a.title)}</title><link>${xmlEscape(link)}</link><guid isPermaLink="false">urn:edge-news:article:${a.id}</guid><pubDate>${rfc822(a.published_at)}</pubDate><description>${xmlEscape(a.summary)}</description><dc:language>${xmlEscape(a.language)}</dc:language><dc:creator>${xmlEscape(a.source.name)}</dc:creator>${a.url ? `<atom:link rel="related" href="${xmlEscape(a.url)}"/>` : ""}${a.image ? `<media:content url="${xmlEscape(a.image)}" medium="image"/>` : ""}</item>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>${xmlEscape(info.title)}</title><link>${xmlEscape(info.homeUrl)}</link><description>${xmlEscape(info.description)}</description><language>${info.locale}</language><lastBuildDate>${rfc822(info.updated)}</lastBuildDate><atom:link href="${xmlEscape(info.feedUrl)}" rel="self" type="application/rss+xml"/>${entries.join("")}</channel></rss>
`;
}

export function renderAtom(info: FeedInfo, items: ArticleSummary[]): string {
  const entries = items.map((a) => {
    const link = articlePageUrl(info, a);
    return `<entry><id>urn:edge-news:article:${a.id}</id><title>${xmlEscape(a.title)}</title><link rel="alternate" type="text/html" href="${xmlEscape(link)}"/>${a.url ? `<link rel="related" href="${xmlEscape(a.url)}"/>` : ""}<published>${a.published_at}</published><updated>${a.published_at}</updated><author><name>${xmlEscape(a.source.name)}</name></author><summary type="text" xml:lang="${xmlEscape(a.language)}">${xmlEscape(a.summary)}</summary></entry>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${info.locale}"><id>${xmlEscape(info.feedUrl)}</id><title>${xmlEscape(info.title)}</title><subtitle>${xmlEscape(info.description)}</subtitle><updated>${info.updated}</updated><link rel="self" type="application/atom+xml" href="${xmlEscape(info.feedUrl)}"/><link rel="alternate" type="text/html" href="${xmlEscape(info.homeUrl)}"/>${entries.join("")}</feed>
`;
}

export function renderJsonFeed(info: FeedInfo, items: ArticleSummary[]): string {
  return JSON.stringify({
    version: "https://jsonfeed.org/version/1.1",
    title: info.title,
    description: info.description,
    home_page_url: info.homeUrl,
    feed_url: info.feedUrl,
    language: info.locale,
    items: items.map((a) => ({
      id: `urn:edge-news:article:${a.id}`,
      url: articlePageUrl(info, a),
      ...(a.url ? { external_url: a.url } : {}),
      title: a.title,
      summary: a.summary,
      content_text: a.summary,
      ...(a.image ? { image: a.image } : {}),
      date_published: a.published_at,
      language: a.language,
      authors: [{ name: a.source.name }],
    })),
  });
}
