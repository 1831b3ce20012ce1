import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { DEFAULT_LOCALE, isLocale, type Locale } from "../i18n/locales";
import { HTML_DOCUMENT_HEADERS, PUBLIC_CACHE_CONTROL } from "../http/headers";

/** Pages ship no script; styles are inline; forms only submit to this site. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** The UI locale named by the first path segment (the default when it names none). */
export function pathLocale(pathname: string): Locale {
  const segment = pathname.split("/")[1];
  return isLocale(segment) ? segment : DEFAULT_LOCALE;
}

/** Whether a path is one of the reader pages (`/` or under a UI locale), which answer in HTML. */
export function isReaderPath(pathname: string): boolean {
  return pathname === "/" || isLocale(pathname.split("/")[1]);
}

/**
 * A reader page's language and security headers, on every answer whether rendered or replayed
 * from a cache tier (which keeps only the headers that carry the response's meaning). Errors
 * are not cached by browsers or proxies.
 */
export function applyPageHeaders(headers: Headers, locale: Locale, status: number): void {
  headers.set("content-language", locale);
  headers.set("content-security-policy", PAGE_CSP);
  for (const [name, value] of Object.entries(HTML_DOCUMENT_HEADERS)) headers.set(name, value);
  headers.set("x-content-type-options", "nosniff");
  if (!headers.has("cache-control")) headers.set("cache-control", status < 400 ? PUBLIC_CACHE_CONTROL : "no-store");
}

/**
 * Sets the locale from the path for everything below (the response cache keys on it) and
 * gives every reader page, cached or not, its language and security headers. Errors are not
 * cached by browsers or proxies: they may be fixed by the next refresh.
 */
export function readerPage(): MiddlewareHandler<AppEnv> {
  return async function readerPageMiddleware(c, next) {
    const locale = pathLocale(c.req.path);
    c.set("locale", locale);
    await next();
    applyPageHeaders(c.res.headers, locale, c.res.status);
  };
}
