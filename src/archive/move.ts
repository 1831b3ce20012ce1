import { copiesPast, copyRows, deleteCopies, deleteMoved, LIVE_BATCH_STATEMENTS, MoveSuperseded, orphanedCopies, readDueRows, type MovingRow } from "../db/shard-move";
import { REGISTRY_TTL_MS } from "../db/shard-registry";
import { beforeBoundary, parseShardMap, shardDatabase, shardMapStatement, shardOf, type Boundary, type ShardMap } from "../db/shards";
import type { Bindings } from "../env";
import { archivedTexts } from "./texts";

const DAY_MS = 86_400_000;
/**
 * Days an article stays in the live database once a period is registered: at the planned load
 * (50,000 articles a day) 13 days are 4.1 GB with bodies archived after 3 days, 4.7 GB with
 * every body still in D1, both inside the 5 GB budget (docs/CAPACITY.md).
 */
export const DEFAULT_LIVE_DAYS = 13;

/** LIVE_DAYS as configured: "off" (or anything not a positive number) is off; unset is off until a period is registered. */
export function liveDays(value: string | undefined, map: ShardMap): number | null {
  if (value === undefined || value === "") return map.shards.length ? DEFAULT_LIVE_DAYS : null;
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** The instant before which live articles are due to move. */
export const moveCutoff = (days: number, now: Date) => new Date(now.getTime() - days * DAY_MS).toISOString();

export interface MoveOptions {
  /** Articles published before this instant move. */
  before: string;
  /** Rows per slice (one live read, one copy and check per period, one live batch). */
  sliceSize: number;
  /** Slices in this call at most. */
  slices: number;
  /** D1 statements this call may send (each counts toward an invocation's 1,000 queries); a slice is not started unless its usual worst case fits. */
  queries: number;
  /** Characters of text per slice (title, summary, body), so a slice's rows fit the bound JSON of a few statements. */
  maxChars: number;
}

/** Why the mover stopped short of the cutoff: the date that needs a period (or a binding). */
export interface MoveBlocked {
  published_at: string;
  reason: string;
}

export interface MoveReport {
  moved: number;
  /** Rows copied but left live because a refresh changed them meanwhile (the next slice copies them again). */
  superseded: number;
  /** Copies deleted from period databases because their live row went before its move (a purge). */
  orphans: number;
  queries: number;
  /** True when nothing due is left live. */
  done: boolean;
  blocked: MoveBlocked | null;
}

interface Placed {
  row: MovingRow;
  db: D1Database;
}

/**
 * A period is used once it is this old: every isolate's copy of the registry (kept for
 * REGISTRY_TTL_MS by the refresh's writes) lists it before the first row moves into it, so a
 * refresh never misses an item there (db/store.ts).
 */
export const PERIOD_SETTLE_MS = 2 * REGISTRY_TTL_MS;

/**
 * PERIOD_SETTLE_SECONDS, or the default: shorter is safe only where one isolate serves every
 * request (a local stack), since an isolate's registry copy may be REGISTRY_TTL_MS old.
 */
export function periodSettleMs(value: string | undefined): number {
  const n = value === undefined || value === "" ? NaN : Number(value);
  return Number.isFinite(n) && n >= 0 ? n * 1000 : PERIOD_SETTLE_MS;
}

/** The periods registered too lately to use yet, and how long a period waits. */
export interface Settling {
  periods: ReadonlySet<string>;
  settleMs: number;
}

const SETTLED: Settling = { periods: new Set(), settleMs: PERIOD_SETTLE_MS };

/**
 * Where an article published at `publishedAt` can move to now: its period's database, or why it
 * cannot (no period covers the date, the period is too new, or this deploy lacks its binding).
 * The mover stops at the first such article; the capacity report names it.
 */
export function destination(env: object, map: ShardMap, young: Settling, publishedAt: string): { db: D1Database } | { blocked: MoveBlocked } {
  const shard = shardOf(map, publishedAt);
  const blocked = (reason: string) => ({ blocked: { published_at: publishedAt, reason } });
  if (!shard) return blocked("no period is registered for this date: register one (POST /api/v1/admin/shards)");
  if (young.periods.has(shard.period)) return blocked(`period ${shard.period} was registered less than ${young.settleMs / 1000} s ago; a run after that uses it`);
  const db = shardDatabase(env, shard);
  if (!db) return blocked(`period ${shard.period} is bound to ${shard.binding}, which this deploy does not have`);
  return { db };
}

/** The slice's leading rows whose period is registered, settled and bound; the first that is not stops it. */
function place(env: object, map: ShardMap, young: Settling, rows: readonly MovingRow[]): { placed: Placed[]; blocked: MoveBlocked | null } {
  const placed: Placed[] = [];
  for (const row of rows) {
    const to = destination(env, map, young, row.published_at);
    if ("blocked" in to) return { placed, blocked: to.blocked };
    placed.push({ row, db: to.db });
  }
  return { placed, blocked: null };
}

/**
 * D1 statements of one slice in the usual worst case: the live read, in each of two periods the
 * sweep's read, a copy of one chunk (the stale-copy delete, unindex, upsert, index) and its
 * check, the live batch. A slice of large bodies needs more chunks, a sweep that finds orphans
 * two more; its count is what it really sent.
 */
const SLICE_QUERIES = 1 + 2 * 6 + LIVE_BATCH_STATEMENTS;

/**
 * Deletes orphaned copies (db/shard-move.ts, `orphanedCopies`) from the bound periods between
 * the boundary and the slice's last row, before the slice's live batch moves the boundary past
 * them: a copy whose live row a purge deleted after the copy was made. Returns the statements
 * sent and the copies deleted.
 */
async function sweepOrphans(env: Bindings, map: ShardMap, boundary: Boundary | null, until: string): Promise<{ queries: number; deleted: number }> {
  const periods = map.shards.flatMap((s) => {
    const db = s.startsAt <= until && (!boundary || s.endsAt > boundary.publishedAt) ? shardDatabase(env, s) : null;
    return db ? [db] : [];
  });
  const copies = await Promise.all(periods.map((db) => copiesPast(db, boundary)));
  let queries = periods.length;
  const found = copies.flat();
  if (!found.length) return { queries, deleted: 0 };
  const orphans = new Set(await orphanedCopies(env.DB, found));
  queries++;
  let deleted = 0;
  await Promise.all(
    periods.map((db, i) => {
      const pks = copies[i]!.filter((c) => orphans.has(c.pk)).map((c) => c.pk);
      if (!pks.length) return;
      queries++;
      deleted += pks.length;
      return deleteCopies(db, pks);
    }),
  );
  return { queries, deleted };
}

/**
 * Moves the oldest live articles due (stragglers before the boundary first, by keyset order)
 * into their periods' databases, a slice at a time (db/shard-move.ts): copy, check, then one
 * live batch deleting them and advancing the boundary. Any failure (a period database or R2
 * down, a lost reply) leaves every article readable exactly once: before the live batch the
 * rows are still live and their copies lie past the boundary, which readers do not read; the
 * next run repeats the slice, and the copy is an upsert. A row a refresh changes in between
 * rolls the live batch back, and the next slice copies its new version.
 *
 * A move changes no answer: readers see the same articles with the same content, so it bumps
 * no content version and leaves every cached answer valid (the period's `version` counts
 * writes that change its content, which a move into it does not: readers do not read rows
 * past the boundary, and the boundary moves in the same transaction as the deletes).
 */
export async function moveArticles(env: Bindings, map: ShardMap, options: MoveOptions, now: string, young: Settling = SETTLED): Promise<MoveReport> {
  const report: MoveReport = { moved: 0, superseded: 0, orphans: 0, queries: 0, done: false, blocked: null };
  const texts = archivedTexts(env.ARCHIVE);
  let boundary = map.boundary;
  for (let i = 0; i < options.slices && report.queries + SLICE_QUERIES <= options.queries; i++) {
    const rows = await readDueRows(env.DB, options.before, options.sliceSize, options.maxChars);
    report.queries++;
    if (!rows.length) {
      report.done = true;
      break;
    }
    const { placed, blocked } = place(env, map, young, rows);
    report.blocked = blocked;
    if (!placed.length) break;
    const sweep = await sweepOrphans(env, map, boundary, placed[placed.length - 1]!.row.published_at);
    report.queries += sweep.queries;
    report.orphans += sweep.deleted;
    const archived = placed.map((p) => p.row).filter((r): r is MovingRow & { body_ref: string } => r.body_ref !== null);
    const bodies = archived.length ? await texts(archived) : new Map<string, string>();
    const byDb = new Map<D1Database, MovingRow[]>();
    for (const p of placed) byDb.set(p.db, [...(byDb.get(p.db) ?? []), p.row]);
    const sent = await Promise.all([...byDb].map(([db, group]) => copyRows(db, group, bodies)));
    report.queries += sent.reduce((n, q) => n + q, 0) + LIVE_BATCH_STATEMENTS;
    const moving = placed.map((p) => p.row);
    const last = moving[moving.length - 1]!;
    try {
      const next = { publishedAt: last.published_at, pk: last.pk + 1 };
      await deleteMoved(env.DB, moving, next, now);
      report.moved += moving.length;
      // The boundary never goes back (deleteMoved): a slice of stragglers leaves it where it was.
      if (!boundary || !beforeBoundary(next, boundary.publishedAt, boundary.pk)) boundary = next;
    } catch (err) {
      if (!(err instanceof MoveSuperseded)) throw err;
      report.superseded += moving.length;
    }
    if (blocked) break;
  }
  return report;
}

/** The registry, and the periods too young to use yet (PERIOD_SETTLE_SECONDS), in one round trip. */
export async function readRegistry(env: Bindings, now: Date): Promise<{ map: ShardMap; young: Settling }> {
  const db = env.DB;
  const settleMs = periodSettleMs(env.PERIOD_SETTLE_SECONDS);
  const [map, young] = await db.batch<Record<string, string | null>>([
    shardMapStatement(db),
    db.prepare("SELECT period FROM shards WHERE created_at > ?").bind(new Date(now.getTime() - settleMs).toISOString()),
  ]);
  return {
    map: parseShardMap(map!.results[0] as { shards: string | null; boundary: string | null }),
    young: { periods: new Set(young!.results.map((r) => r.period as string)), settleMs },
  };
}

/** The cron's step: reads the registry, and moves what LIVE_DAYS makes due (nothing when off). */
export async function moveDue(env: Bindings, now: Date, options: Omit<MoveOptions, "before">): Promise<MoveReport | null> {
  const { map, young } = await readRegistry(env, now);
  const days = liveDays(env.LIVE_DAYS, map);
  if (days === null) return null;
  const report = await moveArticles(env, map, { ...options, before: moveCutoff(days, now) }, now.toISOString(), young);
  report.queries += 2;
  return report;
}
