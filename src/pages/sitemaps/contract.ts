import { header, pathParameter, readFailures, readParameters, sharedResponse, type RouteContract } from "../../http/openapi";
import { LOCALES } from "../../i18n/locales";

const xmlHeaders = {
  ETag: header("Validator for If-None-Match"),
  "Cache-Control": header("`public, max-age=60, stale-while-revalidate=300`"),
  "x-d1-bookmark": header("D1 session bookmark; send it back for reads at least this fresh"),
};

const xmlResponse = (description: string, example: string) => ({
  description,
  headers: xmlHeaders,
  content: { "application/xml": { schema: { type: "string" }, example } },
});

const examples = {
  robots: "User-agent: *\nDisallow: /api/\nDisallow: /feeds/\nDisallow: /healthz\nDisallow: /en/search\nAllow: /\n\nSitemap: https://api.example.org/sitemap.xml\nSitemap: https://api.example.org/sitemap-news.xml\n",
  index:
    '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n<sitemap><loc>https://api.example.org/sitemaps/en-1.xml</loc></sitemap>\n<sitemap><loc>https://api.example.org/sitemaps/fr-1.xml</loc></sitemap>\n</sitemapindex>\n',
  file: '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n<url><loc>https://api.example.org/en/news/3f2a9c0d4b1e7a65/250-million-children-still-out-of-school</loc><lastmod>2026-11-27T09:00:00Z</lastmod><xhtml:link rel="alternate" hreflang="en" href="https://api.example.org/en/news/3f2a9c0d4b1e7a65/250-million-children-still-out-of-school"/><xhtml:link rel="alternate" hreflang="fr" href="https://api.example.org/fr/news/9b1c2d3e4f5a6b7c/250-millions-d-enfants-toujours-non-scolarises"/><xhtml:link rel="alternate" hreflang="x-default" href="https://api.example.org/en/news/3f2a9c0d4b1e7a65/250-million-children-still-out-of-school"/></url>\n</urlset>\n',
  news: '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n<url><loc>https://api.example.org/en/news/3f2a9c0d4b1e7a65/250-million-children-still-out-of-school</loc><news:news><news:publication><news:name>Edge News</news:name><news:language>en</news:language></news:publication><news:publication_date>2026-11-27T09:00:00Z</news:publication_date><news:title>250 million children still out of school</news:title></news:news></url>\n</urlset>\n',
};

/** robots.txt and the sitemaps: for crawlers, so documented beside the feeds and /healthz. */
export const sitemapsContract: RouteContract[] = [
  {
    method: "get",
    path: "/robots.txt",
    operation: {
      operationId: "robots",
      summary: "Crawler rules: reader pages allowed, API, feeds and search pages not; names the sitemaps",
      parameters: [readParameters[0]!],
      responses: {
        200: {
          description: "The rules",
          headers: { ETag: xmlHeaders.ETag, "Cache-Control": header("`public, max-age=3600`") },
          content: { "text/plain": { schema: { type: "string" }, example: examples.robots } },
        },
        ...readFailures,
      },
    },
  },
  {
    method: "get",
    path: "/sitemap.xml",
    operation: {
      operationId: "sitemapIndex",
      summary: "Sitemap index: every per-locale sitemap file of article pages",
      parameters: readParameters,
      responses: { 200: xmlResponse("The sitemap index", examples.index), ...readFailures },
    },
  },
  {
    method: "get",
    path: "/sitemaps/{file}",
    operation: {
      operationId: "sitemap",
      summary: "One per-locale sitemap file: article pages in that UI locale, with lastmod and hreflang alternates",
      description:
        "File n of a locale covers the articles stored n-th in blocks of 2,000; it lists each one's page in the locale when that page is in its story's hreflang set (else the page names another one canonical), with the same alternates and x-default as the page's own head.",
      parameters: [pathParameter("file", "en-1.xml", { type: "string", pattern: `^(${LOCALES.map((l) => l.code).join("|")})-[1-9][0-9]{0,8}\\.xml$` }), ...readParameters],
      responses: { 200: xmlResponse("The sitemap", examples.file), 404: sharedResponse("NotFound"), ...readFailures },
    },
  },
  {
    method: "get",
    path: "/sitemap-news.xml",
    operation: {
      operationId: "newsSitemap",
      summary: "Google News sitemap: articles published in the last two days, newest first, at most 1,000",
      parameters: readParameters,
      responses: { 200: xmlResponse("The news sitemap", examples.news), ...readFailures },
    },
  },
];
