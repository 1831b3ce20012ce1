import type { D1Reader } from "./client";
import { ahead, periodCountKey, periodCountsKept, wholePeriod, type Keyed, type PeriodDatabases } from "./shard-read";
import { beforeBoundary, type Boundary, type Shard } from "./shards";

/**
 * One newest-first page across the live database and the period databases, exact in order and
 * total (the listing, and search by date). The global order is: live rows at or after the
 * boundary, then, merged, live rows before it (stragglers: old-dated items a feed brought after
 * their period moved, few) and the periods' rows, newest period first (periods do not overlap,
 * so their rows are a plain concatenation, and counts per period say where an offset falls).
 *
 * What a reader supplies: its statements for each part, over one database each.
 */
export interface DatedQueries<R extends Keyed> {
  /** Identifies the filter within a period's cached counts. */
  filterKey: string;
  /** Live: rows at or after the boundary, as `{ n }`. */
  liveAfterCount(db: D1Reader, boundary: Boundary): D1PreparedStatement;
  /** Live: the newest `limit` rows before the boundary. */
  liveBefore(db: D1Reader, boundary: Boundary, limit: number): D1PreparedStatement;
  /** Live: every row, as `{ n }`. */
  liveTotal(db: D1Reader): D1PreparedStatement;
  /** A period: its rows (bounded by `boundary`, or all when null), as `{ n }`. */
  periodCount(db: D1Reader, boundary: Boundary | null): D1PreparedStatement;
  /** A period: rows `offset..offset+limit` newest first (bounded as above). */
  periodPage(db: D1Reader, boundary: Boundary | null, offset: number, limit: number): D1PreparedStatement;
}

interface Period {
  shard: Shard;
  db: D1Reader;
  /** Null: the whole period is moved and read without the bound. */
  bound: Boundary | null;
}

/** The periods that can hold rows, with their databases; a period this deploy has no binding for is skipped (and said). */
export function openPeriods(periods: PeriodDatabases, boundary: Boundary, shards: Shard[]): Period[] {
  const open: Period[] = [];
  for (const shard of shards) {
    const db = periods(shard);
    if (db) open.push({ shard, db, bound: wholePeriod(shard, boundary) ? null : boundary });
    else console.error(JSON.stringify({ level: "error", msg: "period database not bound; its articles are not read", period: shard.period, binding: shard.binding }));
  }
  return open;
}

/** Each period's count for the filter, from the isolate's cache where it has it; the rest in one parallel round trip. */
export async function periodCounts(open: Period[], boundary: Boundary, filterKey: string, count: (p: Period) => D1PreparedStatement): Promise<number[]> {
  return Promise.all(
    open.map(async (p) => {
      const key = periodCountKey(p.shard, boundary, filterKey);
      const known = periodCountsKept.get(key);
      if (known !== undefined) return known;
      const n = (await count(p).first<{ n: number }>())?.n ?? 0;
      periodCountsKept.keep(key, n);
      return n;
    }),
  );
}

const firstN = (r: D1Result) => (r.results[0] as { n: number } | undefined)?.n ?? 0;

/**
 * Completes a page whose live part (rows `offset..offset+limit` of the live database, read in
 * the batch that read the boundary) is known. `liveTotal` is the live count when that batch
 * carried it. Round trips: none more when the page is live alone and the periods' counts are
 * cached; else one for the counts (and the live parts below the boundary), one for the periods'
 * rows when the page reaches them.
 */
export async function spanDated<R extends Keyed>(
  live: D1Reader,
  periods: PeriodDatabases,
  boundary: Boundary,
  shards: Shard[],
  q: DatedQueries<R>,
  first: { rows: R[]; total: number | null },
  offset: number,
  limit: number,
): Promise<{ rows: R[]; total: number }> {
  const open = openPeriods(periods, boundary, shards);
  // Live rows at or after the boundary come first, so they are the page's head.
  const split = first.rows.findIndex((r) => beforeBoundary(boundary, r.published_at, r.pk));
  const k = split < 0 ? first.rows.length : split;
  const complete = k === limit;
  // Live statements still needed: the total (when the first batch had no row to carry it) and,
  // when the page reaches below the boundary without an after-boundary row to place it, where
  // the after-boundary rows end and the stragglers after that point.
  const extra: D1PreparedStatement[] = [];
  if (first.total === null) extra.push(q.liveTotal(live));
  const locate = !complete && k === 0;
  if (locate) extra.push(q.liveAfterCount(live, boundary), q.liveBefore(live, boundary, offset + limit));
  const [counts, results] = await Promise.all([
    periodCounts(open, boundary, q.filterKey, (p) => q.periodCount(p.db, p.bound)),
    extra.length ? live.batch(extra) : Promise.resolve([] as D1Result[]),
  ]);
  let next = 0;
  const liveTotal = first.total ?? firstN(results[next++]!);
  const total = liveTotal + counts.reduce((a, b) => a + b, 0);
  if (complete) return { rows: first.rows, total };

  // The page's remaining m rows are rows r0.. of the part below the boundary: the merge of the
  // stragglers (A) and the periods' concatenation (B).
  const afterCount = locate ? firstN(results[next++]!) : offset + k;
  const stragglers = locate ? (results[next++]!.results as R[]) : first.rows.slice(k);
  const r0 = Math.max(0, offset + k - afterCount);
  const m = limit - k;
  const a = stragglers.slice(0, r0 + m);
  // At most a.length stragglers precede row r0, so it is at least row r0 - a.length of B.
  const b0 = Math.max(0, r0 - a.length);
  const b = await readConcatenated<R>(open, counts, b0, r0 + m - b0, (p, o, n) => q.periodPage(p.db, p.bound, o, n));
  // Each row's place in the merge: its own index plus the other list's rows ahead of it (the
  // b0 rows of B skipped are ahead of any straggler placed at or after r0: see the bound above).
  const placed: { at: number; row: R }[] = [];
  a.forEach((row, i) => placed.push({ at: i + b0 + b.filter((y) => ahead(y, row)).length, row }));
  b.forEach((row, j) => placed.push({ at: b0 + j + a.filter((x) => ahead(x, row)).length, row }));
  const tail = placed
    .filter((p) => p.at >= r0 && p.at < r0 + m)
    .sort((x, y) => x.at - y.at)
    .map((p) => p.row);
  return { rows: [...first.rows.slice(0, k), ...tail], total };
}

/** Rows `from..from+length` of the periods' rows laid end to end (newest period first), read in parallel. */
async function readConcatenated<R>(open: Period[], counts: number[], from: number, length: number, page: (p: Period, offset: number, limit: number) => D1PreparedStatement): Promise<R[]> {
  const reads: Promise<R[]>[] = [];
  let start = 0;
  for (const [i, p] of open.entries()) {
    const n = counts[i]!;
    const lo = Math.max(from, start);
    const hi = Math.min(from + length, start + n);
    if (lo < hi) reads.push(page(p, lo - start, hi - lo).all<R>().then((r) => r.results));
    start += n;
  }
  return (await Promise.all(reads)).flat();
}
