/**
 * The one header that says how the response cache handled a response: RFC 9211 `Cache-Status`.
 * A hit names the tier that answered in `detail` (`memory`, `edge` for this location's Cache
 * API, `kv`). A miss went to the handler: `fwd=uri-miss` when the tiers had no entry,
 * `fwd=miss` with `detail` naming the fault when a tier could not be read (`kv-error`,
 * `kv-timeout`, `edge-error`, `edge-timeout`), answered from the next tier or from D1; `stored`
 * when the answer was filed for the next request. `hit; fwd=stale` (with the tier in
 * `detail`): the entry answered was retired by a change less than STALE_MAX_MS ago, and the
 * request that replaces it went forward in the background (keys.ts). Responses the cache does
 * not handle carry none. One header rather than several: every header is sent with every cached hit.
 */
export const CACHE_STATUS_HEADER = "cache-status";

/** The cache's name in the header (RFC 9211 §2: an identifier of the cache). */
const CACHE_NAME = "edge-news";

export type CacheTier = "memory" | "edge" | "kv";

/** A tier that failed or did not answer in time; the request went on without it. */
export type CacheFault = `${Exclude<CacheTier, "memory">}-${"error" | "timeout"}`;

export function hitStatus(tier: CacheTier): string {
  return `${CACHE_NAME}; hit; detail=${tier}`;
}

export function staleStatus(tier: CacheTier): string {
  return `${CACHE_NAME}; hit; fwd=stale; detail=${tier}`;
}

/** Whether a response was served stale (a rebuild is due). */
export function servedStale(response: Response): boolean {
  return response.headers.get(CACHE_STATUS_HEADER)?.includes("fwd=stale") ?? false;
}

export const MISS_STATUS = `${CACHE_NAME}; fwd=uri-miss; stored`;

export function missStatus(fault: CacheFault | null, stored: boolean): string {
  if (!fault) return stored ? MISS_STATUS : `${CACHE_NAME}; fwd=uri-miss`;
  return `${CACHE_NAME}; fwd=miss${stored ? "; stored" : ""}; detail=${fault}`;
}
