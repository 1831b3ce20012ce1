/**
 * The one header that says how the response cache handled a response: RFC 9211 `Cache-Status`.
 * A hit names the tier that answered in `detail` (`memory`, `edge` for this location's Cache
 * API, `kv`). A miss went to the handler: `fwd=uri-miss` when the tiers had no entry,
 * `fwd=miss` with `detail` naming the fault when a tier could not be read (`kv-error`,
 * `kv-timeout`, `edge-error`, `edge-timeout`), answered from the next tier or from D1; `stored`
 * when the answer was filed for the next request. `hit; fwd=stale` (with the tier in
 * `detail`): the entry answered was retired by a change less than STALE_MAX_MS ago, and the
 * request that replaces it went forward in the background (keys.ts). `collapsed` (RFC 9211
 * §2.5): the request missed while another request for the same key was already going forward,
 * waited for it and was answered with its response (the leader's status, plus `collapsed`);
 * `collapsed=?0`: it waited, but that response could not be reused, so it went forward itself
 * (coalesce.ts). Responses the cache does not handle carry none. One header rather than several: every header is sent with every cached hit.
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

/**
 * The status of a follower answered with its leader's response: the leader's, which says what
 * that response was (RFC 9211's own example is `fwd=uri-miss; collapsed; stored`), plus
 * `collapsed`; null where the leader's request did not go forward (a shared-tier hit): the
 * parameter means nothing without `fwd` (RFC 9211 §2.5), and the follower is a memory hit.
 */
export function collapsedStatus(leader: string): string | null {
  return leader.includes("; fwd=") && !leader.includes("fwd=stale") ? `${leader}; collapsed` : null;
}

/** The status of a request that waited for a leader whose answer it could not reuse. */
export function notCollapsedStatus(own: string | null): string | null {
  return own?.includes("; fwd=") && !own.includes("fwd=stale") ? `${own}; collapsed=?0` : null;
}
