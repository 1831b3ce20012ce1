import { LOCALES } from "../i18n/locales";

/**
 * The cache key schema: every key this Worker caches under, in one place.
 *
 * | tier           | key                                                  | value                                              | TTL                                 |
 * |----------------|------------------------------------------------------|----------------------------------------------------|-------------------------------------|
 * | D1 `app_state` | `cv:part:{partition}`, `cv:floor`, `cv-published`, `cv-published-done` | each partition's version (ms); the floor; when KV was last claimed and written (D1's clock) | none; cron folds day-old partitions into the floor |
 * | KV             | `meta:content-versions`                              | every partition's version, one JSON value (3)      | none                                |
 * | isolate memory | the versions above                                   | as last read from KV, or learnt from D1 by a write | 5 s (VERSION_TTL_MS)                |
 * | isolate memory | `{lang}\n{url}` (1)                                  | final response: body, every header, its version    | LRU 4 MiB, emptied when `*` moves   |
 * | Cache API      | `{origin}/__response-cache/{locale}{path}`           | entry (2), of the kinds not kept in KV             | 1 day (max-age)                     |
 * | KV             | `resp:{locale}:{origin}{path}`                       | entry (2), of the kinds kept in KV                 | 1 day (expirationTtl)               |
 *
 * (1) memory-tier.ts: `{lang}` is the raw Accept-Language where the answer negotiates its
 *     locale from it (policy.ts) and empty elsewhere; `{url}` is the raw request URL.
 * (2) entry.ts: one line of JSON (the version it was built under and the replayed headers), a
 *     newline, then the body.
 * (3) partitions.ts: `{"floor":ms,"parts":{"*":ms,"all":ms,"lang:fr":ms,"src:{id}":ms},"prev":{"all":ms}}`.
 *     One value, so an isolate learns every version in ONE read per VERSION_TTL_MS (KV's
 *     multi-key get also costs a read per key against the limits, and a request would need
 *     several). `prev`: for partitions bumped in the last STALE_MAX_MS, their version before.
 *
 * The version of an answer is the newest version of the partitions it depends on
 * (partitions.ts: `lang:fr` for a listing filtered `lang=fr`, `all` for an unfiltered one or a
 * detail, always `*` and the floor). It is stored INSIDE each entry, not in the key: one key per
 * address, so the entry a change retired is still found, and can be served while it is rebuilt
 * (stale-while-revalidate, below). A change bumps only the partitions it touched, to a value
 * above every version there is; a `lang=fr` answer outlives a refresh that stored only English
 * items. A write that changes nothing shown bumps nothing.
 *
 * Reading an entry of version `v` for an answer now at version `c` (stale.ts):
 *
 * | case                                                              | answer                                      | `Cache-Status`                        |
 * |-------------------------------------------------------------------|---------------------------------------------|---------------------------------------|
 * | `v >= c`                                                          | the entry                                   | `hit; detail={tier}`                  |
 * | `v` is the version before the bump to `c`, that bump is at most STALE_MAX_MS old, it was not a `*` (or floor) bump, and this isolate did not make it | the entry, and ONE background rebuild per key per isolate (waitUntil) | `hit; fwd=stale; detail={tier}` |
 * | anything else (older, past the bound, after a `*` change)         | a miss: the handler answers and is stored   | `fwd=uri-miss; stored`                |
 *
 * Why these rules: the bound (5 min) is the `stale-while-revalidate` the API already gives
 * browsers (`Cache-Control`), so no reader sees older content than a browser could keep. A `*`
 * bump is a source deleted or renamed, an import, or the search index rebuilt: an admin's
 * correction, never served stale. A detail is served stale like the rest: the only deletion
 * of articles is a source's, a `*` bump; an edit by a publisher reaches it within the bound. An
 * entry two bumps behind is not served: what it lacks may be older than the bound. The isolate
 * that made a change (an admin's request, the cron) serves by it at once, so a writer reads
 * what it wrote.
 *
 * `{path}` is the URL path plus the query string with parameters sorted, so equivalent
 * requests share an entry, without the parameters the route does not read (policy.ts). When
 * `{origin}{path}` is longer than 400 bytes, the KV key ends in `#` and their SHA-256 instead,
 * and the Cache API path in `/#` and the same (KV keys are at most 512 bytes). The memory key
 * holds what selects the locale without negotiating it on the hot path.
 *
 * Which tiers keep which answer (TIERS below; every tier reads and writes by it):
 *
 * | kind            | addresses                                          | memory | Cache API | KV  | why                                                                |
 * |-----------------|----------------------------------------------------|--------|-----------|-----|--------------------------------------------------------------------|
 * | `listing`       | `/api/v1/articles`, `/{locale}/`, pages 1–5        | yes    | no        | yes | read by every location, the same few addresses: one KV write serves all of them until the next change |
 * | `listing-deep`  | the same beyond page 5 (DEEP_PAGE)                 | yes    | yes       | no  | read rarely, by crawlers, at one location at a time                |
 * | `feed`          | `/feeds/*`                                         | yes    | no        | yes | polled by feed readers everywhere at the same addresses            |
 * | `sources`       | `/api/v1/sources`, `/{locale}/sources`             | yes    | no        | yes | few addresses, read everywhere, changes rarely                     |
 * | `sitemap`       | `/sitemap.xml`, `/sitemap-news.xml`, `/sitemaps/*` | yes    | no        | yes | costly to build (thousands of rows), read by several crawlers      |
 * | `detail`        | `/api/v1/articles/{id}`, `/{locale}/news/*`        | yes    | yes       | no  | thousands of addresses, each read by few; a miss is one lookup by key; every change of `all` would rewrite each |
 * | `search`        | `/api/v1/search`, `/{locale}/search*`              | yes    | yes       | no  | most queries are unique: a KV write ($5 a million) that is never read |
 *
 * Every kind has one shared tier below isolate memory. Isolate memory and the Cache API cost
 * nothing per write (memory is a bounded LRU; the Cache API is this location's own), so a kind
 * not worth a KV write is kept there. KV is paid per write, global, and takes one write a second
 * per key, so it keeps only what many locations read; those kinds are NOT also kept in the Cache
 * API: KV already serves a key read often at a location from that location's cache (its
 * `cacheTtl`, 60 s by default), so a Cache API copy in front of it held the same bytes twice and
 * cost every miss one more lookup. The price is a KV read ($0.50 a million) where a Cache API
 * read was free, paid only on a memory miss of these few addresses. On the local stack that
 * lookup was also the longest tail of a miss (BENCHMARKS.md, "One shared tier per kind"). A kind
 * is not looked up in a tier it is not kept in (a read that cannot find anything still costs).
 *
 * When the shared tiers get an answer (`onSecond`, admission.ts): memory keeps a miss's answer
 * at once; its shared tier gets it on its SECOND request in that isolate (its first memory
 * hit while fresh schedules the write, after the answer). A shared write is the largest cost of
 * a miss after D1 (a storage write costs more CPU than the D1 read itself on the local stack:
 * BENCHMARKS.md), and an answer asked for once is never read back from a shared tier. Every kind
 * does this, listings included: an address many read is asked for again within moments, so its
 * write is only moved, not lost, and another isolate that misses meanwhile costs one D1 read
 * (after a change, it serves its retired entry stale and rebuilds it, as above).
 * Written at once instead: the rebuild of a stale entry (it replaces what readers were served),
 * and an answer memory does not keep (over MEMORY_ENTRY_BYTES, or filed under another address),
 * whose second request would never reach memory.
 * Concurrent misses of one memory key are collapsed (coalesce.ts, serve.ts): one GET builds,
 * the others wait for it and are answered from the entry it filed in memory; the first of them
 * is that entry's second request, so it schedules the shared write, once.
 *
 * Writes: D1 holds the versions; KV gets a copy at most once per second however many writers
 * bump at once (version.ts, `publishVersions`); a copy that could not be written is written by
 * the next cron. Coherence: the isolate that bumps serves by the new versions at once. Other
 * isolates see them once KV does (KV propagates a write to other locations within about 60 s)
 * plus at most VERSION_TTL_MS, plus up to 1 s when another writer published just before, then
 * serve the retired entry while it is rebuilt (above); browsers may then keep a response for
 * its `max-age` (60 s), and up to its `stale-while-revalidate` (300 s) longer while they
 * revalidate in the background.
 */
export const CONTENT_VERSION_KEY = "meta:content-versions";
export const RESPONSE_TTL_SECONDS = 86_400;
/** How long an isolate trusts the versions it read, so hits cost no KV read. */
export const VERSION_TTL_MS = 5_000;
/** How long after the bump that retired it an entry may still be served while it is rebuilt. */
export const STALE_MAX_MS = 300_000;
/** Listing pages beyond this one are not written to KV (TIERS). */
export const DEEP_PAGE = 5;

export type AnswerKind = "listing" | "listing-deep" | "feed" | "sources" | "sitemap" | "detail" | "search";

export interface Tiers {
  memory: boolean;
  edge: boolean;
  kv: boolean;
  /** Written to the shared tiers (edge, KV) on the second request in an isolate, not the first (admission.ts). */
  onSecond: boolean;
}

/** The one decision of which tiers keep which kind of answer (the table above). */
export const TIERS: Readonly<Record<AnswerKind, Tiers>> = {
  listing: { memory: true, edge: false, kv: true, onSecond: true },
  "listing-deep": { memory: true, edge: true, kv: false, onSecond: true },
  feed: { memory: true, edge: false, kv: true, onSecond: true },
  sources: { memory: true, edge: false, kv: true, onSecond: true },
  sitemap: { memory: true, edge: false, kv: true, onSecond: true },
  detail: { memory: true, edge: true, kv: false, onSecond: true },
  search: { memory: true, edge: true, kv: false, onSecond: true },
};

const LOCALE = `/(?:${LOCALES.map((l) => l.code).join("|")})`;
const KINDS: [RegExp, AnswerKind][] = [
  [new RegExp(`^(?:/api/v1/search|${LOCALE}/search(?:/.*)?)$`), "search"],
  [new RegExp(`^(?:/api/v1/sources|${LOCALE}/sources)$`), "sources"],
  [new RegExp(`^(?:/api/v1/articles|${LOCALE}/)$`), "listing"],
  [/^\/feeds\//, "feed"],
  [/^\/(?:sitemap\.xml|sitemap-news\.xml|sitemaps\/.*)$/, "sitemap"],
];

/** The kind of answer at this URL; an address no rule names is treated as a detail (kept out of KV). */
export function kindOf(url: URL): AnswerKind {
  const kind = KINDS.find(([pattern]) => pattern.test(url.pathname))?.[1] ?? "detail";
  if (kind !== "listing") return kind;
  const page = Number(url.searchParams.get("page") ?? 1);
  return Number.isFinite(page) && page > DEEP_PAGE ? "listing-deep" : "listing";
}

/** Which tiers keep the answer at this URL. */
export function tiersOf(url: URL): Tiers {
  return TIERS[kindOf(url)];
}

/** Whether every kind is kept in isolate memory: then no address needs parsing to say so. */
export const EVERY_KIND_IN_MEMORY = Object.values(TIERS).every((tiers) => tiers.memory);

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
export async function sharedKeys(locale: string, url: URL): Promise<{ kv: string; edge: string }> {
  const path = sortedPath(url);
  const whole = `${url.origin}${path}`;
  // A UTF-16 unit is at most 3 bytes of UTF-8: most addresses are known short without encoding them.
  const long = whole.length * 3 > LONG_PATH_BYTES && encoder.encode(whole).length > LONG_PATH_BYTES;
  const digest = long ? await sha256Hex(whole) : null;
  return {
    kv: `resp:${locale}:${digest ? `#${digest}` : whole}`,
    edge: `${url.origin}/__response-cache/${locale}${digest ? `/%23${digest}` : path}`,
  };
}
