import { decodeEntry, encodeEntry, type CachedEntry } from "./entry";
import { RESPONSE_TTL_SECONDS } from "./keys";
import type { CacheTier } from "./status";

/** The tiers below isolate memory: this location's Cache API, then KV (global). */
export type SharedTier = Exclude<CacheTier, "memory">;

export interface SharedKeys {
  kv: string;
  edge: string;
}

/** The location's HTTP cache; absent where the runtime offers none (a failure is a miss). */
function edgeCache(): Cache | null {
  try {
    return typeof caches === "undefined" ? null : caches.default;
  } catch {
    return null;
  }
}

/** Looks an entry up in the Cache API, then in KV; null when neither has it. */
export async function readShared(kv: KVNamespace, keys: SharedKeys): Promise<{ entry: CachedEntry; tier: SharedTier } | null> {
  const edge = edgeCache();
  if (edge) {
    const found = await edge.match(keys.edge).catch(() => undefined);
    const entry = found ? decodeEntry(new Uint8Array(await found.arrayBuffer())) : null;
    if (entry) return { entry, tier: "edge" };
  }
  const value = await kv.get(keys.kv, "arrayBuffer").catch(() => null);
  const entry = value ? decodeEntry(new Uint8Array(value)) : null;
  return entry ? { entry, tier: "kv" } : null;
}

/** Stores an entry in this location's Cache API. Failures only cost a later miss. */
export async function writeEdge(keys: SharedKeys, entry: CachedEntry): Promise<void> {
  const edge = edgeCache();
  if (!edge) return;
  const stored = new Response(encodeEntry(entry), {
    headers: { "content-type": "application/octet-stream", "cache-control": `public, max-age=${RESPONSE_TTL_SECONDS}` },
  });
  await edge.put(keys.edge, stored).catch(() => {});
}

/** Stores an entry in KV for every location. Failures (e.g. a write-rate limit) only cost a later miss. */
export async function writeKv(kv: KVNamespace, keys: SharedKeys, entry: CachedEntry): Promise<void> {
  await kv.put(keys.kv, encodeEntry(entry), { expirationTtl: RESPONSE_TTL_SECONDS }).catch(() => {});
}
