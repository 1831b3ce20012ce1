import type { D1Reader } from "./client";
import { openPeriods } from "./shard-pages";
import { KeptInIsolate, periodCountKey, type PeriodDatabases } from "./shard-read";
import { shardsMeeting, type Boundary, type ShardMap } from "./shards";

/**
 * Articles per source in the period databases, for the source list's counts and the reader
 * pages' busiest sources (docs/CAPACITY.md, "Reading across shards"). A period's counters
 * (`article_counts`, kept by its triggers) count every row it holds; in the period the boundary
 * is in, rows copied whose live delete has not committed yet sort at or after the boundary and
 * are still counted live, so they are taken off: a count over the `(published_at, pk)` index,
 * of the few rows past the boundary, rather than a count of every row before it.
 */

/** Every source's counter, summed over its languages. */
const COUNTERS_SQL = "SELECT source_id AS id, sum(n) AS n FROM article_counts GROUP BY source_id";
/** Rows at or after the boundary: copies the live database still counts. */
const PAST_BOUNDARY_SQL = "SELECT source_id AS id, count(*) AS n FROM articles WHERE published_at > ?1 OR (published_at = ?1 AND pk >= ?2) GROUP BY source_id";

type PerSource = ReadonlyMap<string, number>;

/**
 * Each period's counts per source, kept in the isolate under the key its other counts use
 * (period, version, and the boundary when it is inside the period): an entry is never stale,
 * only unused. One map holds every source of a period, so the bound is in periods, not rows.
 */
const kept = new KeptInIsolate<PerSource>(64);

type Row = { id: string; n: number };

async function readPeriod(db: D1Reader, bound: Boundary | null): Promise<PerSource> {
  if (!bound) return new Map((await db.prepare(COUNTERS_SQL).all<Row>()).results.map((r) => [r.id, r.n]));
  const [counters, past] = await db.batch<Row>([db.prepare(COUNTERS_SQL), db.prepare(PAST_BOUNDARY_SQL).bind(bound.publishedAt, bound.pk)]);
  const counts = new Map(counters!.results.map((r) => [r.id, r.n]));
  for (const r of past!.results) counts.set(r.id, (counts.get(r.id) ?? 0) - r.n);
  return counts;
}

/**
 * Articles per source in every period database, before the boundary of `map` (read in the same
 * batch as the live counts they are added to). Empty, with no round trip, when nothing has
 * moved; otherwise one parallel round trip for the periods not in the isolate's cache.
 */
export async function periodSourceCounts(periods: PeriodDatabases, map: ShardMap): Promise<PerSource> {
  const { boundary } = map;
  if (!boundary) return new Map();
  const open = openPeriods(periods, boundary, shardsMeeting(map));
  const each = await Promise.all(
    open.map(async (p) => {
      const key = periodCountKey(p.shard, boundary, "sources");
      const known = kept.get(key);
      if (known) return known;
      const counts = await readPeriod(p.db, p.bound);
      kept.keep(key, counts);
      return counts;
    }),
  );
  const total = new Map<string, number>();
  for (const counts of each) for (const [id, n] of counts) total.set(id, (total.get(id) ?? 0) + n);
  return total;
}
