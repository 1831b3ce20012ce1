import { LOCALES } from "../../i18n/locales";

/**
 * Crawlers may read the reader pages; the JSON API (admin included), the feeds and the health
 * check are for programs, and the search pages are an endless space of result lists whose
 * articles the sitemaps already list.
 */
export function robotsTxt(origin: string, sitemaps: string[]): string {
  const disallow = ["/api/", "/feeds/", "/healthz", ...LOCALES.map((l) => `/${l.code}/search`)];
  return [
    "User-agent: *",
    ...disallow.map((path) => `Disallow: ${path}`),
    "Allow: /",
    "",
    ...sitemaps.map((path) => `Sitemap: ${origin}${path}`),
    "",
  ].join("\n");
}
