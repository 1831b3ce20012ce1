import { BOOKMARK_HEADER } from "../db/client";
import type { Bindings } from "../env";
import { Problem } from "../errors/problem";
import { LOCALES } from "../i18n/locales";
import { retryAfterSeconds, withinLimit } from "./rate-limit";
import { isRebuild } from "./stale";
import { CACHE_STATUS_HEADER } from "./status";

/**
 * The serving policy: what selects a cached answer, what of it is replayed, how a conditional
 * request is answered from it, and which requests count against a client's rate limit. The
 * memory tier in front of the app (memory-tier.ts) and the response-cache middleware inside it
 * (response-cache.ts) both follow this module, so the two tiers cannot disagree.
 */

/** Headers that are part of a cached response's meaning: stored in the shared tiers and replayed. */
export const REPLAYED_HEADERS = ["content-type", "cache-control", "etag", "last-modified", "link", "x-total-count", "x-total-pages", "content-language", "vary"];

/** Headers about one particular answer, never replayed from any tier. */
export const NEVER_REPLAYED: ReadonlySet<string> = new Set([CACHE_STATUS_HEADER, BOOKMARK_HEADER, "set-cookie", "content-location"]);

/** Headers that describe a body, which a 304 has none of. */
export const BODY_HEADERS: ReadonlySet<string> = new Set(["content-type", "content-length", "content-encoding", "link", "x-total-count", "x-total-pages", "last-modified"]);

const LOCALE_PREFIX = new RegExp(`^/(?:${LOCALES.map((l) => l.code).join("|")})/`);
const SEARCH = new RegExp(`^/(?:api/v1|${LOCALES.map((l) => l.code).join("|")})/search(?:/|$)`);

/**
 * Paths whose GET answers go through the response cache (mounted in app.ts and the reader
 * pages' routes): the listing and articles, search, sources, feeds and reader pages.
 */
export function servedFromCache(method: string, path: string): boolean {
  if (method !== "GET" && method !== "HEAD") return false;
  return path === "/api/v1/articles" || path.startsWith("/api/v1/articles/") || path === "/api/v1/search" || path === "/api/v1/sources" || path.startsWith("/feeds/") || LOCALE_PREFIX.test(path);
}

/**
 * Whether the answer at this URL depends on Accept-Language: the API negotiates its locale from
 * it; pages and feeds carry theirs in the path. Takes the raw URL string: this runs on every
 * memory hit, where finding the path is cheaper than parsing the URL.
 */
export function negotiatesLocale(url: string): boolean {
  return url.startsWith("/api/", url.indexOf("/", url.indexOf("//") + 2));
}

/** True when all a response varies on is part of its key (compression is the runtime's). */
export function keyCoversVary(vary: string | null, negotiated: boolean): boolean {
  return (vary ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .every((name) => name === "" || name === "accept-encoding" || (negotiated && name === "accept-language"));
}

/** RFC 9110 weak comparison of an entity tag with If-None-Match. */
export function notModified(etag: string | null, ifNoneMatch: string | null): boolean {
  if (!etag || !ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  const bare = etag.replace(/^W\//, "");
  return ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === bare);
}

/**
 * The URL without the query parameters the route does not read, or null when it has none.
 * Unknown parameters (tracking tags, typos, cache busters) are ignored, as news APIs commonly
 * do: a shared link with `utm_source` still works, and answers the same as the link without it,
 * from the same cache entry, so no parameter a client invents creates an entry.
 */
export function withoutUnknownParams(url: URL, known: ReadonlySet<string>): URL | null {
  const names = [...new Set(url.searchParams.keys())];
  if (names.every((name) => known.has(name))) return null;
  const kept = new URL(url);
  for (const name of names) if (!known.has(name)) kept.searchParams.delete(name);
  return kept;
}

/** The path and query a canonical URL is reported under (`Content-Location`). */
export function location(url: URL): string {
  return `${url.pathname}${url.search}`;
}

/** Whether the request at this URL searches: a search costs work even when its answer is cached. */
export function countsWhenCached(url: string): boolean {
  const path = url.slice(url.indexOf("/", url.indexOf("//") + 2)).split("?")[0] ?? "";
  return SEARCH.test(path);
}

/** Each request is counted once, whichever tier asks first; later tiers reuse the decision. */
const decisions = new WeakMap<Request, boolean>();

/**
 * The rate-limit decision. Work counts: a cache miss, any search, a failed admin login.
 * A cache hit costs no more than a static file, so it does not count: readers behind one
 * address (a school, a carrier-grade NAT) share only the work they cause. The rebuild of a
 * stale entry (stale.ts) is the cache's work, not the reader's: it does not count.
 */
export async function admitted(env: Bindings, request: Request, answer: "hit" | "miss"): Promise<boolean> {
  if (isRebuild(request)) return true;
  const known = decisions.get(request);
  if (known !== undefined) return known;
  if (answer === "hit" && !countsWhenCached(request.url)) return true;
  const decision = await withinLimit(env, request);
  decisions.set(request, decision);
  return decision;
}

/** The 429 answer; its Retry-After is the limiter's window from wrangler.toml. */
export function tooManyRequests(): Problem {
  const seconds = retryAfterSeconds();
  return new Problem({
    status: 429,
    code: "rate_limited",
    title: "Too many requests",
    detail: `Too many requests from this address; retry after ${seconds} seconds.`,
    headers: { "retry-after": String(seconds) },
  });
}
