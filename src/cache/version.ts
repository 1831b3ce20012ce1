import { CONTENT_VERSION_KEY, VERSION_TTL_MS } from "./keys";

/** KV shows a write to other locations within about this long (and usually far sooner). */
const KV_PROPAGATION_MS = 60_000;

/** The version this isolate last read or wrote (see the coherence rule in keys.ts). */
let known: { value: string; readAt: number; bumpedAt: number | null } | null = null;

/** Versions are base-36 millisecond times; anything else (hand-written) compares as unknown. */
function stamp(version: string): number | null {
  return /^[0-9a-z]{1,12}$/.test(version) ? parseInt(version, 36) : null;
}

/**
 * The content version every cached response is keyed under ("0" before any refresh). Read from
 * KV at most once per VERSION_TTL_MS per isolate, so a cache hit costs no KV read.
 */
export async function contentVersion(kv: KVNamespace, now = Date.now()): Promise<string> {
  if (known && now - known.readAt < VERSION_TTL_MS) return known.value;
  let value = (await kv.get(CONTENT_VERSION_KEY)) ?? "0";
  // A version this isolate just wrote may not have reached this location's copy of KV yet:
  // going back to the older one would serve the very entries the bump retired.
  if (known?.bumpedAt != null && now - known.bumpedAt < KV_PROPAGATION_MS && (stamp(value) ?? -1) < (stamp(known.value) ?? 0)) {
    value = known.value;
  }
  known = { value, readAt: now, bumpedAt: value === known?.value ? known.bumpedAt : null };
  return value;
}

/** Called after content changed: older cached responses become unreachable at once. */
export async function bumpContentVersion(kv: KVNamespace, now = Date.now()): Promise<string> {
  // Two bumps within one millisecond must still differ.
  const previous = known ? stamp(known.value) : null;
  const version = (previous !== null && previous >= now ? previous + 1 : now).toString(36);
  await kv.put(CONTENT_VERSION_KEY, version);
  known = { value: version, readAt: now, bumpedAt: now };
  return version;
}
