import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { entryFrom, type CachedEntry } from "./entry";
import { deferWrite, type SharedWrite } from "./admission";
import { sharedKeys, tiersOf, type Tiers } from "./keys";
import { dependenciesOf, stampOf } from "./partitions";
import { admitted, location, tooManyRequests, withoutUnknownParams } from "./policy";
import { readShared, writeEdge, writeKv, type SharedKeys, type SharedTier } from "./shared-tiers";
import { freshness, isRebuild } from "./stale";
import { CACHE_STATUS_HEADER, hitStatus, missStatus, staleStatus, type CacheFault } from "./status";
import { contentVersions } from "./version";

function replay(entry: CachedEntry, tier: SharedTier, stale: boolean): Response {
  const headers = new Headers(entry.headers);
  headers.set(CACHE_STATUS_HEADER, stale ? staleStatus(tier) : hitStatus(tier));
  return new Response(entry.body, { status: 200, headers });
}

async function entityTag(body: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", body));
  return `"${[...digest].map((b) => b.toString(16).padStart(2, "0")).join("")}"`;
}

/** Where a miss's answer is filed in the shared tiers. */
interface Filing {
  kv: KVNamespace;
  keys: SharedKeys;
  tiers: Tiers;
}

/**
 * The write of an entry to the shared tiers its kind uses. Built here, outside the middleware:
 * it may wait in isolate memory for a second request (admission.ts), and a closure made inside
 * the middleware would keep the whole request's context alive with it.
 */
function sharedWrite({ kv, keys, tiers }: Filing, entry: CachedEntry): SharedWrite {
  return () => Promise.all([tiers.edge ? writeEdge(keys, entry) : null, tiers.kv ? writeKv(kv, keys, entry) : null]);
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
 * Serves successful GET responses from the shared tier their kind is kept in (this location's
 * Cache API, or KV) when the entry there was built under the current version of what the
 * answer depends on (key schema and which kinds each tier keeps: keys.ts; partitions.ts), or
 * was retired so lately that it may answer while it is rebuilt (stale.ts: the response says
 * `fwd=stale`, and the Worker's fetch handler starts the rebuild). Otherwise the handler runs,
 * and its 200 response gets a content ETag and is stored in the tiers its kind uses after it
 * has been sent, or on its second request (admission.ts). `Cache-Status` marks every response
 * that went through here, which is what the isolate memory tier in front of the app
 * (memory-tier.ts) keeps. A tier that fails or is slow is passed over; with no content version
 * to key on, the handler answers uncached.
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
    const filed = canonical ?? url;
    const answer = async (fault: CacheFault | null, store: Filing | null, version: number) => {
      await admit(c, request, "miss");
      await next();
      if (c.res.status !== 200) return;
      const body = new Uint8Array(await c.res.arrayBuffer());
      const headers = new Headers(c.res.headers);
      if (!headers.has("etag")) headers.set("etag", await entityTag(body));
      if (store) {
        const write = sharedWrite(store, entryFrom(version, headers, body));
        // Left to the answer's second request where its kind says so (admission.ts).
        if (!(store.tiers.onSecond && deferWrite(request, write))) c.executionCtx.waitUntil(write());
      }
      headers.set(CACHE_STATUS_HEADER, missStatus(fault, store !== null));
      c.res = new Response(body, { status: 200, headers });
    };

    const now = Date.now();
    const { versions, fault: versionFault } = await contentVersions(c.env.CACHE, now);
    if (versions === null) await answer(versionFault, null, 0);
    else {
      const deps = dependenciesOf(filed.href);
      const version = stampOf(versions, deps);
      const tiers = tiersOf(filed);
      const keys = await sharedKeys(c.get("locale"), filed);
      const shared = await readShared(c.env.CACHE, keys, tiers, (entry) => freshness(entry.version, versions, deps, now) === "fresh");
      const fresh = shared.entry ? freshness(shared.entry.version, versions, deps, now) : "retired";
      // A rebuild is what replaces a stale entry: it never answers with it.
      if (shared.entry && (fresh === "fresh" || (fresh === "stale" && !isRebuild(request)))) {
        await admit(c, request, "hit");
        if (shared.tier === "kv" && fresh === "fresh" && tiers.edge) c.executionCtx.waitUntil(writeEdge(keys, shared.entry));
        c.res = replay(shared.entry, shared.tier, fresh === "stale");
      } else {
        const fault = shared.entry ? null : shared.fault;
        await answer(fault, { kv: c.env.CACHE, keys, tiers }, version);
      }
    }
    if (canonical && c.res.status === 200) c.res.headers.set("content-location", location(canonical));
  };
}
