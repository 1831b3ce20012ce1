import type { MiddlewareHandler } from "hono";
import { responseKey } from "../cache/keys";
import { responseCache } from "../cache/response-cache";
import type { AppEnv } from "../env";

/** KV refuses keys over 512 bytes; the version part of a key is at most this long. */
const KV_KEY_LIMIT = 512;
const VERSION_ALLOWANCE = "0".repeat(16);
const encoder = new TextEncoder();

/**
 * The shared KV response cache, skipped for addresses too long to be a KV key (a long search,
 * or an article whose slug is in a non-Latin script): those pages are rendered each time
 * rather than failing.
 */
export function pageCache(): MiddlewareHandler<AppEnv> {
  const cache = responseCache();
  return async function pageCacheMiddleware(c, next) {
    const key = responseKey(VERSION_ALLOWANCE, c.get("locale"), new URL(c.req.url));
    if (encoder.encode(key).length > KV_KEY_LIMIT) return next();
    return cache(c, next);
  };
}
