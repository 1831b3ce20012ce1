import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { entryFrom, type CachedEntry } from "./entry";
import { sharedKeys } from "./keys";
import { admitted, location, tooManyRequests, withoutUnknownParams } from "./policy";
import { readShared, writeEdge, writeKv, type SharedTier } from "./shared-tiers";
import { CACHE_STATUS_HEADER, hitStatus, missStatus, type CacheFault } from "./status";
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

/** Counts the request as work (policy.ts), or answers 429. */
async function admit(c: Context<AppEnv>, request: Request, answer: "hit" | "miss"): Promise<void> {
  if (!(await admitted(c.env, request, answer))) throw tooManyRequests();
}

export interface ResponseCacheOptions {
  /** The query parameters the routes behind this cache read; others are ignored (policy.ts). */
  params?: readonly string[];
}

/**
 * Serves successful GET responses from this location's Cache API, then KV, under the current
 * version of what the answer depends on (key schema in keys.ts, partitions.ts); on a miss the
 * handler runs, and its 200 response gets a content ETag and is stored in both after it has been sent. `Cache-Status` marks
 * every response that went through here, which is what the isolate memory tier in front of
 * the app (memory-tier.ts) keeps. A tier that fails or is slow is passed over; with no content
 * version to key on, the handler answers uncached.
 */
export function responseCache(options: ResponseCacheOptions = {}): MiddlewareHandler<AppEnv> {
  const known = options.params ? new Set(options.params) : null;
  return async function responseCacheMiddleware(c, next) {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") return next();
    const request = c.req.raw;
    const url = new URL(c.req.url);
    // The handler sees only what the key holds, so the answer is the same for every request
    // filed under it; `Content-Location` tells the client which address that is.
    const canonical = known ? withoutUnknownParams(url, known) : null;
    if (canonical) c.req.raw = new Request(canonical, request);
    const answer = async (fault: CacheFault | null, store: ((entry: CachedEntry) => Promise<unknown>) | null) => {
      await admit(c, request, "miss");
      await next();
      if (c.res.status !== 200) return;
      const body = new Uint8Array(await c.res.arrayBuffer());
      const headers = new Headers(c.res.headers);
      if (!headers.has("etag")) headers.set("etag", await entityTag(body));
      if (store) c.executionCtx.waitUntil(store(entryFrom(headers, body)));
      headers.set(CACHE_STATUS_HEADER, missStatus(fault, store !== null));
      c.res = new Response(body, { status: 200, headers });
    };

    const { version, fault: versionFault } = await contentVersion(c.env.CACHE, (canonical ?? url).href);
    if (version === null) await answer(versionFault, null);
    else {
      const keys = await sharedKeys(version, c.get("locale"), canonical ?? url);
      const shared = await readShared(c.env.CACHE, keys);
      if (shared.entry) {
        await admit(c, request, "hit");
        if (shared.tier === "kv") c.executionCtx.waitUntil(writeEdge(keys, shared.entry));
        c.res = replay(shared.entry, shared.tier);
      } else {
        await answer(shared.fault, (entry) => Promise.all([writeEdge(keys, entry), writeKv(c.env.CACHE, keys, entry)]));
      }
    }
    if (canonical && c.res.status === 200) c.res.headers.set("content-location", location(canonical));
  };
}
