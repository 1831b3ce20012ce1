import { bumpPartitions, claimPublish, markPublished, prunePartitions, storedVersions } from "../db/content-state";
import type { Bindings } from "../env";
import { bounded } from "./bounded";
import { CONTENT_VERSION_KEY, RESPONSE_TTL_SECONDS, STALE_MAX_MS, VERSION_TTL_MS } from "./keys";
import { NO_VERSIONS, versionOf, withPrevious, type Partition, type Versions } from "./partitions";
import type { CacheFault } from "./status";

/** KV shows a write to other locations within about this long (and usually far sooner). */
const KV_PROPAGATION_MS = 60_000;
/** A version read slower than this is given up on: the request is answered without the cache. */
const VERSION_READ_TIMEOUT_MS = 1_000;
/**
 * KV takes one write a second per key. Claims are spaced by D1's clock, from the last claim and
 * from the moment the last KV write returned, so a writer held up between its claim and its
 * write cannot bring the next write closer; the margin covers D1's round trip.
 */
export const PUBLISH_SPACING_MS = 1_100;
/**
 * Partitions kept by name; older ones are folded into the floor. About 30 bytes each in the one
 * KV value every isolate reads every VERSION_TTL_MS: 2,000 keep it near 60 KB.
 */
export const MAX_PARTITIONS = 2_000;
/** Claims a writer tries before leaving its bump to the cron repair. */
const PUBLISH_ATTEMPTS = 3;

/** The partition versions, or null when KV could not say and this isolate knows none. */
export interface VersionsRead {
  versions: Versions | null;
  fault: CacheFault | null;
}

/** What this isolate last read, and what it last learnt from D1 itself (see keys.ts, coherence). */
let known: { read: VersionsRead; readAt: number; mine: { versions: Versions; at: number } | null } | null = null;

/**
 * The newer of each partition's version. A previous version (stale.ts) is kept only from the
 * side that alone has the newer version: where both agree, one of them is this isolate's own
 * write, which it serves fresh at once (keys.ts).
 */
function merge(a: Versions, b: Versions): Versions {
  const parts = { ...a.parts };
  for (const [name, v] of Object.entries(b.parts)) parts[name] = Math.max(parts[name] ?? 0, v);
  const prev: Record<string, number> = {};
  for (const [side, other] of [
    [a, b],
    [b, a],
  ] as const) {
    for (const [name, v] of Object.entries(side.prev ?? {})) if ((side.parts[name] ?? 0) > (other.parts[name] ?? -1)) prev[name] = v;
  }
  return { floor: Math.max(a.floor, b.floor), parts, ...(Object.keys(prev).length ? { prev } : {}) };
}

/** The published value, or null when it is not one this code wrote. */
function parseVersions(value: string | null): Versions | null {
  if (value === null) return NO_VERSIONS;
  try {
    const parsed = JSON.parse(value) as Partial<Versions>;
    const parts = parsed.parts ?? {};
    const numbers = (o: unknown) => typeof o === "object" && o !== null && Object.values(o).every((v) => typeof v === "number");
    if (typeof parsed.floor !== "number" || !numbers(parts)) return null;
    // Previous versions only allow serving stale: a value without them (or with a malformed one) serves none.
    return { floor: parsed.floor, parts, ...(numbers(parsed.prev) ? { prev: parsed.prev } : {}) };
  } catch {
    return null;
  }
}

/**
 * Every partition's version, read from KV at most once per VERSION_TTL_MS per isolate: all of
 * them in ONE value, so a cache hit costs no KV read and a miss at most one, whatever it depends
 * on. When KV fails or is slow, the versions this isolate knew are kept; with none known (or a
 * value this code did not write), they are null and requests go uncached. Either way the next
 * read is tried after VERSION_TTL_MS, so a degraded KV delays few requests.
 */
export async function contentVersions(kv: KVNamespace, now = Date.now()): Promise<VersionsRead> {
  if (known && now - known.readAt < VERSION_TTL_MS) return known.read;
  const mine = known?.mine && now - known.mine.at < KV_PROPAGATION_MS ? known.mine : null;
  const outcome = await bounded(() => kv.get(CONTENT_VERSION_KEY), VERSION_READ_TIMEOUT_MS);
  if (!outcome.ok) {
    known = { read: { versions: known?.read.versions ?? null, fault: `kv-${outcome.fault}` }, readAt: now, mine };
    return known.read;
  }
  let versions = parseVersions(outcome.value);
  // What this isolate itself bumped may not have reached this location's copy of KV yet:
  // going back to older versions would serve the very entries the bump retired.
  if (versions && mine) versions = merge(versions, mine.versions);
  known = { read: { versions, fault: null }, readAt: now, mine };
  return known.read;
}

/** The version of what depends on these partitions, or null when unknown. */
export async function partitionsVersion(kv: KVNamespace, deps: readonly Partition[], now = Date.now()): Promise<{ version: string | null; fault: CacheFault | null }> {
  const { versions, fault } = await contentVersions(kv, now);
  return { version: versions ? versionOf(versions, deps) : null, fault };
}

/** Versions read from D1 are the truth: this isolate serves by them at once. */
function learn(versions: Versions, now: number): void {
  const mine = { versions: known?.mine ? merge(known.mine.versions, versions) : versions, at: now };
  const current = known?.read.versions ?? NO_VERSIONS;
  known = { read: { versions: merge(current, versions), fault: null }, readAt: now, mine };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Copies D1's versions to KV, at most once per PUBLISH_SPACING_MS across every isolate, however
 * many writers bump at once (queue consumers in parallel, the cron). A writer that finds the
 * right to publish taken waits for it to free and claims again; if that claim is taken too, it
 * was made after this writer's bump, and the versions it publishes include that bump. True
 * when the versions are published; false leaves them to the cron repair.
 */
export async function publishVersions(env: Pick<Bindings, "DB" | "CACHE">, clock: () => number = Date.now): Promise<boolean> {
  let seen: number | null = null;
  for (let attempt = 0; attempt < PUBLISH_ATTEMPTS; attempt++) {
    // What readers know now, so each partition this publication bumps carries the version its
    // retired entries were filed under (stale.ts). Read before the claim: between a claim and
    // its write nothing may wait, or two writes could land closer than a second. Unreadable:
    // published without previous versions, and nothing is served stale.
    const read = await bounded(() => env.CACHE.get(CONTENT_VERSION_KEY), VERSION_READ_TIMEOUT_MS);
    const before = read.ok ? parseVersions(read.value) : null;
    const claim = await claimPublish(env.DB, PUBLISH_SPACING_MS);
    learn(claim.versions, clock());
    if (claim.claimed) {
      const published = before ? withPrevious(before, claim.versions, clock() - STALE_MAX_MS) : claim.versions;
      try {
        await env.CACHE.put(CONTENT_VERSION_KEY, JSON.stringify(published));
      } finally {
        await markPublished(env.DB).catch(() => {});
      }
      return true;
    }
    if (seen !== null && claim.at !== seen) return true;
    seen = claim.at;
    await sleep(claim.waitMs + 1);
  }
  return false;
}

/** What a write changed, as the code that wrote it reports it. */
export type ContentChange =
  /**
   * A refresh (or another writer) stored this many new or edited articles: in these languages
   * (their old language too, when an edit moved them) and of these sources. Without both lists
   * every cached answer is retired. `health`: in this many sources the refresh failed, recovered
   * or fetched for the first time (GET /sources shows that health).
   */
  | { kind: "articles"; stored: number; languages?: readonly string[]; sources?: readonly string[]; health?: number }
  | { kind: "source-created"; id: string }
  /** A source's settings changed (the fields named). */
  | { kind: "source-updated"; id: string; fields: string[] }
  | { kind: "source-deleted"; id: string }
  /** An OPML import added and updated this many sources (their names may have changed). */
  | { kind: "sources-imported"; updated: number; added?: number }
  /** The search index was rebuilt: cached searches were answered from the old one. */
  | { kind: "search-index" };

export type ArticlesChange = Extract<ContentChange, { kind: "articles" }>;

/** Source fields that cached answers of articles show: listings, feeds and pages name each article's source. */
const SHOWN_SOURCE_FIELDS = new Set(["name"]);

/** The partitions a change retires (partitions.ts); none when it changed nothing shown. */
export function partitionsOf(change: ContentChange): Partition[] {
  switch (change.kind) {
    case "articles": {
      // The source list shows article counts and ingestion health.
      const sources: Partition[] = change.stored > 0 || (change.health ?? 0) > 0 ? ["sources"] : [];
      if (change.stored <= 0) return sources;
      if (!change.languages || !change.sources) return ["*"];
      return ["all", ...new Set(change.languages.map((l) => `lang:${l}` as const)), ...new Set(change.sources.map((s) => `src:${s}` as const)), ...sources];
    }
    case "source-created":
      return ["sources"];
    case "source-updated":
      // A source's name shows on articles of any language, and on every reader page's filter
      // form; the source list shows every field.
      if (change.fields.some((field) => SHOWN_SOURCE_FIELDS.has(field))) return ["*"];
      return change.fields.length ? ["sources"] : [];
    case "sources-imported":
      if (change.updated > 0) return ["*"];
      return (change.added ?? 0) > 0 ? ["sources"] : [];
    case "source-deleted":
    case "search-index":
      return ["*"];
  }
}

/** Several changes reported together (a run of many sources) as one. */
export function combined(changes: readonly ArticlesChange[]): ArticlesChange {
  const stored = changes.reduce((n, c) => n + c.stored, 0);
  if (changes.some((c) => c.stored > 0 && (!c.languages || !c.sources))) return { kind: "articles", stored };
  const changed = changes.filter((c) => c.stored > 0);
  return { kind: "articles", stored, languages: [...new Set(changed.flatMap((c) => c.languages!))], sources: [...new Set(changed.flatMap((c) => c.sources!))] };
}

function logFailure(step: string, err: unknown): void {
  console.error(JSON.stringify({ level: "warn", msg: `content change: ${step} failed`, error: String(err) }));
}

/**
 * The one place that decides which cached answers a write retires, and retires them. Best
 * effort: the change is already stored, so a failure here is logged, not thrown. The new
 * versions are written to D1 first, and this isolate serves by them at once; publishing them to
 * KV may wait up to a second for its turn (one write a second), so a request handler passes
 * `defer` (its `waitUntil`) to answer without that wait. When publishing fails (or is left to a
 * later writer that never comes), the next cron finds KV behind D1 and publishes
 * (`repairContentVersion`).
 */
export async function contentChanged(
  env: Pick<Bindings, "DB" | "CACHE">,
  change: ContentChange,
  now = Date.now(),
  defer?: (publication: Promise<unknown>) => void,
): Promise<void> {
  const partitions = partitionsOf(change);
  if (!partitions.length) return;
  try {
    await bumpPartitions(env.DB, partitions, now);
    learn(await storedVersions(env.DB), now);
  } catch (err) {
    return logFailure("bumping the versions in D1", err);
  }
  const publication = publishVersions(env).catch((err) => logFailure("publishing the versions to KV", err));
  if (defer) defer(publication);
  else await publication;
}

/** True when KV holds exactly D1's versions: none missing, none D1 has since folded into the floor. */
function same(published: Versions, stored: Versions): boolean {
  const names = Object.keys(stored.parts);
  return published.floor === stored.floor && names.length === Object.keys(published.parts).length && names.every((name) => published.parts[name] === stored.parts[name]);
}

/**
 * Publishes D1's versions if KV differs from them (a publication that failed or was left over),
 * after folding partitions not bumped for a day (or beyond MAX_PARTITIONS) into the floor so
 * the value stays small. Reads KV directly, not this isolate's copy: the question is what every
 * isolate sees.
 */
export async function repairContentVersion(env: Pick<Bindings, "DB" | "CACHE">, now = Date.now()): Promise<boolean> {
  await prunePartitions(env.DB, now - RESPONSE_TTL_SECONDS * 1000, MAX_PARTITIONS);
  const stored = await storedVersions(env.DB);
  const published = parseVersions(await env.CACHE.get(CONTENT_VERSION_KEY));
  if (published && same(published, stored)) return false;
  return publishVersions(env);
}
