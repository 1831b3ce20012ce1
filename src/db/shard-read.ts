import type { D1Reader } from "./client";
import { shardDatabase, type Boundary, type Shard } from "./shards";

/**
 * Reading across the live database and the period databases (docs/CAPACITY.md, "Reading across
 * shards"). The invariant every reader here keeps: the live database is read unbounded, a period
 * database bounded to the rows that sort before the boundary, and the boundary comes from the
 * same batch as the live rows.
 */

/** The D1 database of a period, or null when this Worker has no binding for it. */
export type PeriodDatabases = (shard: Shard) => D1Reader | null;

/**
 * A reader of the live database that also knows where the period databases are. The readers in
 * db/ take a plain D1Reader and span periods only when given one of these, so callers that do not
 * (writers, admin) read the live database alone, as before periods existed.
 */
export type SpanningReader = D1Reader & { readonly periods?: PeriodDatabases };

/**
 * The request's live reader, able to reach the periods. Period databases are read through their
 * bindings, i.e. at their primary: a replica of a period database could lag the copy that the
 * live boundary already counts as moved, and an article would be in neither place.
 */
export function spanning(live: D1Reader, env: object): SpanningReader {
  return { prepare: live.prepare.bind(live), batch: live.batch.bind(live), periods: (shard) => shardDatabase(env, shard) };
}

export function periodsOf(db: D1Reader): PeriodDatabases | null {
  return (db as SpanningReader).periods ?? null;
}

/**
 * The SQL condition "sorts before the boundary" on `alias` (e.g. "a."), its two values bound once
 * each through `bind` (numbered parameters, used twice).
 */
export function boundSql(boundary: Boundary, bind: (value: unknown) => string, alias = ""): string {
  const at = bind(boundary.publishedAt);
  const pk = bind(boundary.pk);
  return `(${alias}published_at < ${at} OR (${alias}published_at = ${at} AND ${alias}pk < ${pk}))`;
}

/**
 * Whether a period lies wholly before the boundary: every row it holds is moved, so it is read
 * without the bound (and its counters can stand for its count). Otherwise it is the period the
 * boundary is in (or the one right after it, holding rows copied but not yet deleted from live).
 */
export const wholePeriod = (shard: Shard, boundary: Boundary) => shard.endsAt <= boundary.publishedAt;

/** What per-period counts are cached under: a count changes with the period's version and, inside it, the boundary. */
export function periodCountKey(shard: Shard, boundary: Boundary, filter: string): string {
  const bound = wholePeriod(shard, boundary) ? "" : `${boundary.publishedAt}/${boundary.pk}`;
  return `${shard.period}|${shard.version}|${bound}|${filter}`;
}

/**
 * What readers keep of the period databases in the isolate, under keys that hold everything the
 * value depends on (periodCountKey: a whole period's figures change only with its version, the
 * boundary period's only with the boundary): an entry is never stale, only unused, so past the
 * bound the one kept longest ago goes first.
 */
export class KeptInIsolate<V> {
  readonly #entries = new Map<string, V>();

  constructor(readonly max: number) {}

  get(key: string): V | undefined {
    return this.#entries.get(key);
  }

  keep(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.max) this.#entries.delete(this.#entries.keys().next().value as string);
  }
}

/** Per-period counts of a filter's rows (db/shard-pages.ts). */
export const periodCountsKept = new KeptInIsolate<number>(2_000);

/** The key every date-ordered reader sorts on, newest first: (published_at, pk) descending. */
export interface Keyed {
  published_at: string;
  pk: number;
}

/** Whether `x` comes before `y` newest first. */
export const ahead = (x: Keyed, y: Keyed) => x.published_at > y.published_at || (x.published_at === y.published_at && x.pk > y.pk);

/** Source names for rows read from period databases (their `sources` tables stay empty), from live. */
export async function nameSources<R extends { source_id: string; source_name: string | null }>(db: D1Reader, rows: R[]): Promise<R[]> {
  const missing = [...new Set(rows.filter((r) => r.source_name === null).map((r) => r.source_id))];
  if (!missing.length) return rows;
  // json_each takes any number of ids in one parameter (D1 binds at most 100).
  const { results } = await db
    .prepare("SELECT id, name FROM sources WHERE id IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(missing))
    .all<{ id: string; name: string }>();
  const names = new Map(results.map((r) => [r.id, r.name]));
  return rows.map((r) => (r.source_name === null && names.has(r.source_id) ? { ...r, source_name: names.get(r.source_id)! } : r));
}
