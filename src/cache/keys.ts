/**
 * The cache key schema: every key this Worker caches under, in one place.
 *
 * | tier           | key                                                  | value                                    | TTL                                 |
 * |----------------|------------------------------------------------------|------------------------------------------|-------------------------------------|
 * | KV             | `meta:content-version`                               | content version (base-36 ms of its bump) | none                                |
 * | isolate memory | the content version above                            | as last read from KV                     | 5 s (VERSION_TTL_MS)                |
 * | isolate memory | `{version}\n{lang}\n{url}` (1)                       | final response: body, every header       | LRU 4 MiB, emptied on a new version |
 * | Cache API      | `{origin}/__response-cache/{version}/{locale}{path}` | entry (2)                                | 1 day (max-age)                     |
 * | KV             | `resp:{version}:{locale}:{origin}{path}`             | entry (2)                                | 1 day (expirationTtl)               |
 *
 * (1) memory-tier.ts: `{lang}` is the raw Accept-Language where the answer negotiates its
 *     locale from it (policy.ts) and empty elsewhere; `{url}` is the raw request URL.
 * (2) entry.ts: the replayed headers as one line of JSON, a newline, then the body.
 *
 * `{path}` is the URL path plus the query string with parameters sorted, so equivalent
 * requests share an entry, without the parameters the route does not read (policy.ts). When
 * `{origin}{path}` is longer than 400 bytes, the KV key ends in `#` and their SHA-256 instead,
 * and the Cache API path in `/#` and the same (KV keys are at most 512 bytes). The memory key holds what selects the locale without negotiating it on
 * the hot path. A refresh that changes content writes a new version, so every entry of older
 * versions becomes unreachable at once and expires on its own; a refresh that changes nothing
 * writes no version and invalidates nothing.
 *
 * Coherence: the isolate that bumps the version sees it at once. Other isolates see it once
 * KV does (KV propagates a write to other locations within about 60 s) plus at most
 * VERSION_TTL_MS; browsers may then keep a response for its `max-age` (60 s), and up to its
 * `stale-while-revalidate` (300 s) longer while they revalidate in the background.
 */
export const CONTENT_VERSION_KEY = "meta:content-version";
export const RESPONSE_TTL_SECONDS = 86_400;
/** How long an isolate trusts the content version it read, so hits cost no KV read. */
export const VERSION_TTL_MS = 5_000;

const LONG_PATH_BYTES = 400;
const encoder = new TextEncoder();

function sortedPath(url: URL): string {
  const params = [...url.searchParams.entries()].sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1));
  const query = new URLSearchParams(params).toString();
  return `${url.pathname}${query ? `?${query}` : ""}`;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Where an entry lives in the shared tiers: a KV key and a Cache API URL of bounded length.
 * Both hold the origin: answers embed it (links, `Link` headers, feeds, pages), so a
 * request through another hostname must not be answered with this one's links.
 */
export async function sharedKeys(version: string, locale: string, url: URL): Promise<{ kv: string; edge: string }> {
  const path = sortedPath(url);
  const whole = `${url.origin}${path}`;
  const digest = encoder.encode(whole).length > LONG_PATH_BYTES ? await sha256Hex(whole) : null;
  return {
    kv: `resp:${version}:${locale}:${digest ? `#${digest}` : whole}`,
    edge: `${url.origin}/__response-cache/${encodeURIComponent(version)}/${locale}${digest ? `/%23${digest}` : path}`,
  };
}
