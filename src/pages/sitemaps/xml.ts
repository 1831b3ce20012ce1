/** The sitemaps protocol (sitemaps.org 0.9) with Google's hreflang and news extensions. */
import { xmlEscape } from "../../http/xml";
import { defaultAlternate, type Alternate } from "../story-group";

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
const SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9";
const XHTML_NS = "http://www.w3.org/1999/xhtml";
const NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9";

export interface PageEntry {
  loc: string;
  lastmod: string;
  /** The page's hreflang set; `x-default` is added as the page itself adds it. */
  alternates: Alternate[];
}

export interface NewsEntry {
  loc: string;
  publication: string;
  language: string;
  published: string;
  title: string;
}

export function sitemapIndex(locs: string[]): string {
  const entries = locs.map((loc) => `<sitemap><loc>${xmlEscape(loc)}</loc></sitemap>`);
  return `${DECLARATION}<sitemapindex xmlns="${SITEMAP_NS}">\n${entries.join("\n")}\n</sitemapindex>\n`;
}

function link(hreflang: string, href: string): string {
  return `<xhtml:link rel="alternate" hreflang="${xmlEscape(hreflang)}" href="${xmlEscape(href)}"/>`;
}

export function pagesSitemap(entries: PageEntry[]): string {
  const urls = entries.map(({ loc, lastmod, alternates }) => {
    const links = [...alternates.map((a) => link(a.language, a.href)), link("x-default", defaultAlternate(alternates))];
    return `<url><loc>${xmlEscape(loc)}</loc><lastmod>${xmlEscape(lastmod)}</lastmod>${links.join("")}</url>`;
  });
  return `${DECLARATION}<urlset xmlns="${SITEMAP_NS}" xmlns:xhtml="${XHTML_NS}">\n${urls.join("\n")}\n</urlset>\n`;
}

export function newsSitemap(entries: NewsEntry[]): string {
  const urls = entries.map(
    (e) =>
      `<url><loc>${xmlEscape(e.loc)}</loc><news:news><news:publication><news:name>${xmlEscape(e.publication)}</news:name><news:language>${xmlEscape(e.language)}</news:language></news:publication><news:publication_date>${xmlEscape(e.published)}</news:publication_date><news:title>${xmlEscape(e.title)}</news:title></news:news></url>`,
  );
  return `${DECLARATION}<urlset xmlns="${SITEMAP_NS}" xmlns:news="${NEWS_NS}">\n${urls.join("\n")}\n</urlset>\n`;
}
