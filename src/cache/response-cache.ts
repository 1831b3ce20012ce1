import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { entryFrom, type CachedEntry } from "./entry";
import { sharedKeys } from "./keys";
import { readShared, writeEdge, writeKv, type SharedTier } from "./shared-tiers";
import { CACHE_STATUS_HEADER, hitStatus, MISS_STATUS } from "./status";
import { contentVersion } from "./version";

function replay(entry: CachedEntry, tier: SharedTier): Response {
  const headers = new Headers(entry.headers);
  headers.set(CACHE_STATUS_HEADER, hitStatus(tier));
  return new Response(entry.body, { status: 200, headers });
}

async function entityTag(body: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", body));
  return `"${[...digest].map((b) => b.toString(16).padStart(2, "0")).join("")}"`;
}

/**
 * Serves successful GET responses from this location's Cache API, then KV, under the current
 * content version (key schema in keys.ts); on a miss the handler runs, and its 200 response
 * gets a content ETag and is stored in both after it has been sent. `Cache-Status` marks
 * every response that went through here, which is what the isolate memory tier in front of
 * the app (memory-tier.ts) keeps.
 */
export function responseCache(): MiddlewareHandler<AppEnv> {
  return async function responseCacheMiddleware(c, next) {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") return next();
    const keys = await sharedKeys(await contentVersion(c.env.CACHE), c.get("locale"), new URL(c.req.url));
    const shared = await readShared(c.env.CACHE, keys);
    if (shared) {
      if (shared.tier === "kv") c.executionCtx.waitUntil(writeEdge(keys, shared.entry));
      c.res = replay(shared.entry, shared.tier);
      return;
    }

    await next();
    if (c.res.status !== 200) return;
    const body = new Uint8Array(await c.res.arrayBuffer());
    const headers = new Headers(c.res.headers);
    if (!headers.has("etag")) headers.set("etag", await entityTag(body));
    const entry = entryFrom(headers, body);
    headers.set(CACHE_STATUS_HEADER, MISS_STATUS);
    c.res = new Response(body, { status: 200, headers });
    c.executionCtx.waitUntil(Promise.all([writeEdge(keys, entry), writeKv(c.env.CACHE, keys, entry)]));
  };
}
