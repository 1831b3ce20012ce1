import { bounded } from "./bounded";
import { decodeEntry, encodeEntry, type CachedEntry } from "./entry";
import { RESPONSE_TTL_SECONDS } from "./keys";
import type { CacheFault, CacheTier } from "./status";

/** The tiers below isolate memory: this location's Cache API, then KV (global). */
export type SharedTier = Exclude<CacheTier, "memory">;

export interface SharedKeys {
  kv: string;
  edge: string;
}

/**
 * How long a tier may take to answer before the request goes on without it. A miss costs a D1
 * query of about this order, so waiting longer for a cache would be slower than not having one.
 */
const TIER_READ_TIMEOUT_MS = 500;

/** The location's HTTP cache; absent where the runtime offers none (a failure is a miss). */
function edgeCache(): Cache | null {
  try {
    return typeof caches === "undefined" ? null : caches.default;
  } catch {
    return null;
  }
}

export type SharedLookup = { entry: CachedEntry; tier: SharedTier } | { entry: null; fault: CacheFault | null };

async function readEdge(keys: SharedKeys): Promise<{ entry: CachedEntry | null; fault: CacheFault | null }> {
  const edge = edgeCache();
  if (!edge) return { entry: null, fault: null };
  const found = await bounded(async () => {
    const res = await edge.match(keys.edge);
    return res ? decodeEntry(new Uint8Array(await res.arrayBuffer())) : null;
  }, TIER_READ_TIMEOUT_MS);
  return found.ok ? { entry: found.value, fault: null } : { entry: null, fault: `edge-${found.fault}` };
}

/**
 * Looks an entry up in the Cache API, then in KV where the answer's kind is kept there
 * (keys.ts, TIERS). An entry of this location that is not `current` (stale.ts) is only
 * returned when KV has none newer. A tier that fails or is slow is passed over; the fault is
 * reported (a KV fault before a Cache API one: it is the tier every location shares).
 */
export async function readShared(kv: KVNamespace, keys: SharedKeys, inKv: boolean, current: (entry: CachedEntry) => boolean): Promise<SharedLookup> {
  const edge = await readEdge(keys);
  if (edge.entry && (current(edge.entry) || !inKv)) return { entry: edge.entry, tier: "edge" };
  if (!inKv) return { entry: null, fault: edge.fault };
  const value = await bounded(() => kv.get(keys.kv, "arrayBuffer"), TIER_READ_TIMEOUT_MS);
  const fromKv = value.ok && value.value ? decodeEntry(new Uint8Array(value.value)) : null;
  if (fromKv && (!edge.entry || fromKv.version > edge.entry.version)) return { entry: fromKv, tier: "kv" };
  if (edge.entry) return { entry: edge.entry, tier: "edge" };
  return { entry: null, fault: value.ok ? edge.fault : `kv-${value.fault}` };
}

/**
 * Stores an entry in this location's Cache API. Writes run after the answer was sent, so a slow
 * one delays nobody; failures only cost a later miss.
 */
export async function writeEdge(keys: SharedKeys, entry: CachedEntry): Promise<void> {
  const edge = edgeCache();
  if (!edge) return;
  const stored = new Response(encodeEntry(entry), {
    headers: { "content-type": "application/octet-stream", "cache-control": `public, max-age=${RESPONSE_TTL_SECONDS}` },
  });
  await Promise.resolve()
    .then(() => edge.put(keys.edge, stored))
    .catch(() => {});
}

/** Stores an entry in KV for every location. Failures (e.g. a write-rate limit) only cost a later miss. */
export async function writeKv(kv: KVNamespace, keys: SharedKeys, entry: CachedEntry): Promise<void> {
  await Promise.resolve()
    .then(() => kv.put(keys.kv, encodeEntry(entry), { expirationTtl: RESPONSE_TTL_SECONDS }))
    .catch(() => {});
}
