/**
 * The one header that says how the response cache handled a response: RFC 9211 `Cache-Status`,
 * the standard successor of the ad-hoc `X-Cache`. A hit names the tier that answered in
 * `detail` (`memory`, `edge` for this location's Cache API, `kv`); a miss went to the handler
 * (`fwd=uri-miss`) and its answer was stored. Responses the cache does not handle carry none.
 * One header rather than two: every header is sent with every cached hit.
 */
export const CACHE_STATUS_HEADER = "cache-status";

/** The cache's name in the header (RFC 9211 §2: an identifier of the cache). */
const CACHE_NAME = "edge-news";

export type CacheTier = "memory" | "edge" | "kv";

export function hitStatus(tier: CacheTier): string {
  return `${CACHE_NAME}; hit; detail=${tier}`;
}

export const MISS_STATUS = `${CACHE_NAME}; fwd=uri-miss; stored`;
