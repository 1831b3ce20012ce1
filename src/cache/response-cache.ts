import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { RESPONSE_TTL_SECONDS, responseKey } from "./keys";
import { contentVersion } from "./version";

/** Headers that are part of a cached response's meaning and must be replayed on a hit. */
const REPLAYED = ["content-type", "link", "x-total-count", "x-total-pages", "content-language", "last-modified", "vary"];

interface CachedMeta {
  headers: [string, string][];
}

/**
 * Serves successful GET responses from KV under the current content version; on a miss the
 * handler runs and its 200 response is stored after it has been sent (waitUntil).
 */
export function responseCache(): MiddlewareHandler<AppEnv> {
  return async function responseCacheMiddleware(c, next) {
    if (c.req.method !== "GET") return next();
    const url = new URL(c.req.url);
    const key = responseKey(await contentVersion(c.env.CACHE), c.get("locale"), url);
    const hit = await c.env.CACHE.getWithMetadata<CachedMeta>(key, "text");
    if (hit.value !== null && hit.metadata) {
      const headers = new Headers(hit.metadata.headers);
      headers.set("x-cache", "HIT");
      c.res = new Response(hit.value, { status: 200, headers });
      return;
    }
    await next();
    if (c.res.status !== 200) return;
    const body = await c.res.clone().text();
    const headers: [string, string][] = [];
    for (const name of REPLAYED) {
      const value = c.res.headers.get(name);
      if (value !== null) headers.push([name, value]);
    }
    c.header("x-cache", "MISS");
    c.executionCtx.waitUntil(
      c.env.CACHE.put(key, body, { expirationTtl: RESPONSE_TTL_SECONDS, metadata: { headers } satisfies CachedMeta }).catch(() => {}),
    );
  };
}
