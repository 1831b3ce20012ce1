/** Reader-site addresses, built in one place so every page links the same way. */
import { DEFAULT_LOCALE, isLocale, type Locale } from "../i18n/locales";

export const PER_PAGE = 10;

export function homePath(locale: Locale): string {
  return `/${locale}/`;
}

export function searchPath(locale: Locale): string {
  return `/${locale}/search`;
}

export function advancedSearchPath(locale: Locale): string {
  return `/${locale}/search/advanced`;
}

/** Every source, searchable; the filter forms link here for the sources they do not list. */
export function sourcesPath(locale: Locale): string {
  return `/${locale}/sources`;
}

/** Sources listed per page of `sourcesPath`. */
export const SOURCES_PER_PAGE = 50;

export function articlePath(locale: Locale, article: { id: string; slug: string }): string {
  return `/${locale}/news/${article.id}/${encodeURIComponent(article.slug)}`;
}

/** The UI locale an article is "at home" in: its own language when the site speaks it. */
export function homeLocale(language: string): Locale {
  return isLocale(language) ? language : DEFAULT_LOCALE;
}

/** The same page (path and query) under another UI locale, for the language switcher. */
export function underLocale(url: URL, locale: Locale): string {
  const rest = url.pathname.replace(/^\/[^/]+/, "");
  return `/${locale}${rest || "/"}${url.search}`;
}

/** This page's address with other query values; `null` removes a parameter. */
export function withQuery(url: URL, changes: Record<string, string | null>): string {
  const params = new URLSearchParams(url.search);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) params.delete(name);
    else params.set(name, value);
  }
  const query = params.toString();
  return `${url.pathname}${query ? `?${query}` : ""}`;
}

/** Page 1 is the bare address, so each listing page has exactly one URL. */
export function pageHref(url: URL, page: number): string {
  return withQuery(url, { page: page === 1 ? null : String(page) });
}

/** Feed addresses follow the page's filters (and search words), as the feeds contract allows. */
export function feedQuery(filter: { lang: string[]; source: string[] }, q?: string): string {
  const params = new URLSearchParams();
  if (filter.lang.length) params.set("lang", filter.lang.join(","));
  if (filter.source.length) params.set("source", filter.source.join(","));
  if (q) params.set("q", q);
  const query = params.toString();
  return query ? `?${query}` : "";
}
