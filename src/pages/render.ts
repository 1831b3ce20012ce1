import type { Context } from "hono";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../env";

export const HTML_CONTENT_TYPE = "text/html; charset=utf-8";

/**
 * What only HTML documents need on top of the app-wide security headers: legacy framing
 * protection (CSP `frame-ancestors` is the modern one) and a browsing context of their own.
 * Reader pages get them with their other headers (`applyPageHeaders`), cached or not.
 */
export const HTML_DOCUMENT_HEADERS = {
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
} as const;

/** A full HTML document response from a rendered page tree. */
export async function htmlPage(c: Context<AppEnv>, page: JSX.Element, status: ContentfulStatusCode = 200): Promise<Response> {
  const body = `<!doctype html>${String(await page)}`;
  return c.body(body, status, { "content-type": HTML_CONTENT_TYPE });
}
