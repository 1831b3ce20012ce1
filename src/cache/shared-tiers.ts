import { bounded } from "./bounded";
import { decodeEntry, encodeEntry, type CachedEntry } from "./entry";
import { RESPONSE_TTL_SECONDS, type Tiers } from "./keys";
import type { CacheFault, CacheTier } from "./status";

/** The tiers below isolate memory: this location's Cache API, and KV (global). */
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

type EdgeLookup = { entry: CachedEntry | null; fault: CacheFault | null };
const NOTHING: EdgeLookup = { entry: null, fault: null };

async function readEdge(keys: SharedKeys): Promise<EdgeLookup> {
  const edge = edgeCache();
  if (!edge) return NOTHING;
  const found = await bounded(async () => {
    const res = await edge.match(keys.edge);
    return res ? decodeEntry(new Uint8Array(await res.arrayBuffer())) : null;
  }, TIER_READ_TIMEOUT_MS);
  return found.ok ? { entry: found.value, fault: null } : { entry: null, fault: `edge-${found.fault}` };
}

/**
 * Looks an entry up in the shared tier the answer's kind is kept in (keys.ts, TIERS: the Cache
 * API or KV; a kind kept in both would be looked up in the Cache API first, and an entry there
 * that is not `current` (stale.ts) returned only when KV has none newer). A tier that fails or is
 * slow is passed over; the fault is reported (a KV fault before a Cache API one: it is the tier
 * every location shares).
 */
export async function readShared(kv: KVNamespace, keys: SharedKeys, tiers: Pick<Tiers, "edge" | "kv">, current: (entry: CachedEntry) => boolean): Promise<SharedLookup> {
  const edge = tiers.edge ? await readEdge(keys) : NOTHING;
  if (edge.entry && (current(edge.entry) || !tiers.kv)) return { entry: edge.entry, tier: "edge" };
  if (!tiers.kv) return { entry: null, fault: edge.fault };
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
