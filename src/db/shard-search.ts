import { RANK_WINDOW, type SearchPlanInput, type Statement } from "../search/plan";
import type { SummaryRow } from "./articles";
import type { D1Reader } from "./client";
import { openPeriods, periodCounts, type DatedQueries } from "./shard-pages";
import type { PeriodDatabases } from "./shard-read";
import type { Boundary, Shard } from "./shards";

/** A search row as the plan's page statements give it: the summary, its key and its rank. */
export type HitRow = SummaryRow & { pk: number; tier?: number; score?: number };

/** The plan of one statement pair, with some of its inputs changed (search.ts's closure over the request). */
type Plan = (over?: Partial<SearchPlanInput>) => { page: Statement; total: Statement };

const prepare = (db: D1Reader, s: Statement) => db.prepare(s.sql).bind(...s.params);
const before = (b: Boundary | null) => (b ? { bound: { publishedAt: b.publishedAt, pk: b.pk } } : {});

/** Search by date (or everything but a word) across periods: the listing's parts, planned by search/plan.ts. */
export function datedSearch(plan: Plan, filterKey: string): DatedQueries<HitRow> {
  return {
    filterKey: `search:${filterKey}`,
    // All matches less those before the boundary (few: stragglers), rather than counting the
    // live matches after it one by one.
    liveAfterCount: (db, b) => {
      const all = plan().total;
      const before = plan({ bound: { publishedAt: b.publishedAt, pk: b.pk } }).total;
      return prepare(db, { sql: `SELECT (${all.sql}) - (${before.sql}) AS n`, params: before.params.length >= all.params.length ? before.params : all.params });
    },
    liveBefore: (db, b, limit) => prepare(db, plan({ sort: "date", offset: 0, limit, ...before(b) }).page),
    liveTotal: (db) => prepare(db, plan().total),
    periodCount: (db, b) => prepare(db, plan(before(b)).total),
    periodPage: (db, b, offset, limit) => prepare(db, plan({ sort: "date", offset, limit, ...before(b) }).page),
  };
}

interface Span {
  db: D1Reader;
  periods: PeriodDatabases;
  boundary: Boundary;
  shards: Shard[];
  plan: Plan;
}

/** A window no database reaches: every match in one tier, ranked by score alone. */
const WHOLE = 2 ** 31 - 1;

/**
 * Search by relevance across periods. The newest RANK_WINDOW matches rank first (search/plan.ts);
 * across databases that window is live's matches, then the periods' newest first (a moved row is
 * older than live's, the periods newest first), so each period is told how many of its newest
 * matches are still inside it (from the counts: usually cached), and a period wholly outside is
 * ranked as one tier and placed after. Each database gives its top offset+limit in that order;
 * they are merged on (tier, score) and the page cut from the merge. The set of matches and the
 * total are exact; the order across databases is approximate: bm25 scores rest on each
 * database's own word statistics.
 */
export async function spanRelevance(span: Span, first: { rows: HitRow[]; total: number }, offset: number, limit: number, window = RANK_WINDOW): Promise<{ rows: HitRow[]; total: number }> {
  const open = openPeriods(span.periods, span.boundary, span.shards);
  const top = { offset: 0, limit: offset + limit };
  const filterKey = `search:relevance:${JSON.stringify(span.plan().total)}`;
  const [counts, live] = await Promise.all([
    periodCounts(open, span.boundary, filterKey, (p) => prepare(p.db, span.plan(before(p.bound)).total)),
    offset === 0 ? first.rows : prepare(span.db, span.plan(top).page).all<HitRow>().then((r) => r.results),
  ]);
  let newer = first.total;
  const lists = await Promise.all(
    open.map((p, i) => {
      const inside = window - newer;
      newer += counts[i]!;
      // Wholly inside or wholly outside the window: one tier, by score; else its own split.
      const tuning = { rankWindow: inside > 0 && inside < counts[i]! ? inside : WHOLE };
      const tier = inside > 0 ? null : 1;
      return prepare(p.db, span.plan({ ...top, ...before(p.bound), tuning }).page)
        .all<HitRow>()
        .then((r) => (tier === null ? r.results : r.results.map((row) => ({ ...row, tier }))));
    }),
  );
  const merged = [live, ...lists]
    .flat()
    .sort((x, y) => (x.tier ?? 0) - (y.tier ?? 0) || (x.score ?? 0) - (y.score ?? 0) || y.pk - x.pk);
  return { rows: merged.slice(offset, offset + limit), total: first.total + counts.reduce((a, b) => a + b, 0) };
}
