/** Public reads: shared caches keep them a minute and may serve them stale while refreshing. */
export const PUBLIC_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300";

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
