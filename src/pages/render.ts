import type { Context } from "hono";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../env";

export const HTML_CONTENT_TYPE = "text/html; charset=utf-8";

/**
 * What only HTML documents need on top of the app-wide security headers: legacy framing
 * protection (CSP `frame-ancestors` is the modern one), a browsing context of their own, the
 * referrer their links send, and HSTS. A browser keeps HSTS per host from any secure answer,
 * so the documents a reader opens teach it for the whole host, API included; JSON and feed
 * readers that are not browsers ignore it. (In production the zone's edge HSTS setting may
 * send it on everything as well.) Reader pages get these with their other headers
 * (`applyPageHeaders`), cached or not; `/api/docs` sets them itself.
 */
export const HTML_DOCUMENT_HEADERS = {
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "referrer-policy": "strict-origin-when-cross-origin",
  "strict-transport-security": "max-age=15552000; includeSubDomains",
} as const;

/** A full HTML document response from a rendered page tree. */
export async function htmlPage(c: Context<AppEnv>, page: JSX.Element, status: ContentfulStatusCode = 200): Promise<Response> {
  const body = `<!doctype html>${String(await page)}`;
  return c.body(body, status, { "content-type": HTML_CONTENT_TYPE });
}
