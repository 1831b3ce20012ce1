/**
 * The cache key schema: every key this Worker caches under, in one place.
 *
 * | tier           | key                                                  | value                                              | TTL                                 |
 * |----------------|------------------------------------------------------|----------------------------------------------------|-------------------------------------|
 * | D1 `app_state` | `cv:part:{partition}`, `cv:floor`, `cv-published`    | each partition's version (ms); the floor; when KV was last written (D1's clock) | none; cron folds day-old partitions into the floor |
 * | KV             | `meta:content-versions`                              | every partition's version, one JSON value (3)      | none                                |
 * | isolate memory | the versions above                                   | as last read from KV, or learnt from D1 by a write | 5 s (VERSION_TTL_MS)                |
 * | isolate memory | `{version}\n{lang}\n{url}` (1)                       | final response: body, every header                 | LRU 4 MiB, emptied when `*` moves   |
 * | Cache API      | `{origin}/__response-cache/{version}/{locale}{path}` | entry (2)                                          | 1 day (max-age)                     |
 * | KV             | `resp:{version}:{locale}:{origin}{path}`             | entry (2)                                          | 1 day (expirationTtl)               |
 *
 * (1) memory-tier.ts: `{lang}` is the raw Accept-Language where the answer negotiates its
 *     locale from it (policy.ts) and empty elsewhere; `{url}` is the raw request URL.
 * (2) entry.ts: the replayed headers as one line of JSON, a newline, then the body.
 * (3) partitions.ts: `{"floor":ms,"parts":{"*":ms,"all":ms,"lang:fr":ms,"src:{id}":ms}}`. One
 *     value, so an isolate learns every version in ONE read per VERSION_TTL_MS (KV's multi-key
 *     get also costs a read per key against the limits, and a request would need several).
 *
 * `{version}` is `p` and, in base 36, the newest version of the partitions the answer depends
 * on (partitions.ts: `lang:fr` for a listing filtered `lang=fr`, `all` for an unfiltered one or
 * a detail, always `*` and the floor). A change bumps only the partitions it touched, to a value
 * above every version there is: the answers depending on them move to a new key at once and
 * the old entries expire on their own; a `lang=fr` answer outlives a refresh that stored only
 * English items. A write that changes nothing shown bumps nothing.
 *
 * `{path}` is the URL path plus the query string with parameters sorted, so equivalent
 * requests share an entry, without the parameters the route does not read (policy.ts). When
 * `{origin}{path}` is longer than 400 bytes, the KV key ends in `#` and their SHA-256 instead,
 * and the Cache API path in `/#` and the same (KV keys are at most 512 bytes). The memory key
 * holds what selects the locale without negotiating it on the hot path.
 *
 * Writes: D1 holds the versions; KV gets a copy at most once per second however many writers
 * bump at once (version.ts, `publishVersions`); a copy that could not be written is written by
 * the next cron. Coherence: the isolate that bumps serves by the new versions at once. Other
 * isolates see them once KV does (KV propagates a write to other locations within about 60 s)
 * plus at most VERSION_TTL_MS, plus up to 1 s when another writer published just before;
 * browsers may then keep a response for its `max-age` (60 s), and up to its
 * `stale-while-revalidate` (300 s) longer while they revalidate in the background.
 */
export const CONTENT_VERSION_KEY = "meta:content-versions";
export const RESPONSE_TTL_SECONDS = 86_400;
/** How long an isolate trusts the versions it read, so hits cost no KV read. */
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
