import { contentChangedAt, markContentChanged } from "../db/content-state";
import type { Bindings } from "../env";
import { bounded } from "./bounded";
import { CONTENT_VERSION_KEY, VERSION_TTL_MS } from "./keys";
import type { CacheFault } from "./status";

/** KV shows a write to other locations within about this long (and usually far sooner). */
const KV_PROPAGATION_MS = 60_000;
/** A version read slower than this is given up on: the request is answered without the cache. */
const VERSION_READ_TIMEOUT_MS = 1_000;

/** The content version, or null when KV could not say and this isolate knows none. */
export interface VersionRead {
  version: string | null;
  fault: CacheFault | null;
}

/** What this isolate last read or wrote (see the coherence rule in keys.ts). */
let known: { read: VersionRead; readAt: number; bumpedAt: number | null } | null = null;

/** Versions are base-36 millisecond times; anything else (hand-written) compares as unknown. */
function stamp(version: string | null): number | null {
  return version && /^[0-9a-z]{1,12}$/.test(version) ? parseInt(version, 36) : null;
}

/**
 * The content version every cached response is keyed under ("0" before any change). Read from
 * KV at most once per VERSION_TTL_MS per isolate, so a cache hit costs no KV read. When KV
 * fails or is slow, the version this isolate knew is kept (nothing newer can be learnt until KV
 * answers); with none known, the version is null and requests go uncached. Either way the
 * next read is tried after VERSION_TTL_MS, so a degraded KV delays few requests.
 */
export async function contentVersion(kv: KVNamespace, now = Date.now()): Promise<VersionRead> {
  if (known && now - known.readAt < VERSION_TTL_MS) return known.read;
  const outcome = await bounded(() => kv.get(CONTENT_VERSION_KEY), VERSION_READ_TIMEOUT_MS);
  if (!outcome.ok) {
    const fault: CacheFault = `kv-${outcome.fault}`;
    known = { read: { version: known?.read.version ?? null, fault }, readAt: now, bumpedAt: known?.bumpedAt ?? null };
    return known.read;
  }
  let version = outcome.value ?? "0";
  // A version this isolate just wrote may not have reached this location's copy of KV yet:
  // going back to the older one would serve the very entries the bump retired.
  const previous = known?.read.version ?? null;
  if (known?.bumpedAt != null && now - known.bumpedAt < KV_PROPAGATION_MS && (stamp(version) ?? -1) < (stamp(previous) ?? 0)) {
    version = previous!;
  }
  known = { read: { version, fault: null }, readAt: now, bumpedAt: version === previous ? (known?.bumpedAt ?? null) : null };
  return known.read;
}

/** Writes a new content version: older cached responses become unreachable at once. */
export async function bumpContentVersion(kv: KVNamespace, now = Date.now()): Promise<string> {
  // Two bumps within one millisecond must still differ.
  const previous = stamp(known?.read.version ?? null);
  const version = (previous !== null && previous >= now ? previous + 1 : now).toString(36);
  await kv.put(CONTENT_VERSION_KEY, version);
  known = { read: { version, fault: null }, readAt: now, bumpedAt: now };
  return version;
}

/** What a write changed, as the code that wrote it reports it. */
export type ContentChange =
  /**
   * A refresh stored this many new or edited articles; `health`: in this many sources it failed,
   * recovered, or fetched for the first time (GET /sources shows that health).
   */
  | { kind: "articles"; stored: number; health?: number }
  | { kind: "source-created"; id: string }
  /** A source's settings changed (the fields named). */
  | { kind: "source-updated"; id: string; fields: string[] }
  | { kind: "source-deleted"; id: string }
  /** An OPML import added and updated this many sources (their names may have changed). */
  | { kind: "sources-imported"; updated: number; added?: number }
  /** The search index was rebuilt: cached searches were answered from the old one. */
  | { kind: "search-index" };

function retiresCachedAnswers(change: ContentChange): boolean {
  switch (change.kind) {
    case "articles":
      return change.stored > 0 || (change.health ?? 0) > 0;
    // GET /sources is cached and shows every field of every source.
    case "source-updated":
      return change.fields.length > 0;
    case "sources-imported":
      return change.updated + (change.added ?? 0) > 0;
    case "source-created":
    case "source-deleted":
    case "search-index":
      return true;
  }
}

function logFailure(step: string, err: unknown): void {
  console.error(JSON.stringify({ level: "warn", msg: `content change: ${step} failed`, error: String(err) }));
}

/**
 * The one place that decides whether a write retires cached answers, and retires them. Best
 * effort: the change is already stored, so a failure here is logged, not thrown. The moment of
 * the change is recorded in D1 first; when the KV version bump then fails, the next refresh
 * finds the version older than that mark and bumps it (`repairContentVersion`).
 */
export async function contentChanged(env: Pick<Bindings, "DB" | "CACHE">, change: ContentChange, now = Date.now()): Promise<void> {
  if (!retiresCachedAnswers(change)) return;
  await markContentChanged(env.DB, now).catch((err) => logFailure("marking D1", err));
  await bumpContentVersion(env.CACHE, now).catch((err) => logFailure("bumping the KV version", err));
}

/**
 * Bumps the content version if content changed after it was written (a bump that failed).
 * Reads KV directly, not this isolate's copy: the question is what every isolate sees.
 */
export async function repairContentVersion(env: Pick<Bindings, "DB" | "CACHE">, now = Date.now()): Promise<boolean> {
  const changedAt = await contentChangedAt(env.DB);
  if (changedAt === null) return false;
  const version = await env.CACHE.get(CONTENT_VERSION_KEY);
  if ((stamp(version) ?? -1) >= changedAt) return false;
  await bumpContentVersion(env.CACHE, Math.max(now, changedAt));
  return true;
}
