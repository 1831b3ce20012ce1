import type { ArticleFilter, PageRequest, ResultPage, SearchHit } from "../domain";
import { highlight } from "../search/highlight";
import { searchStatements, type SearchPlanInput, type SearchScope } from "../search/plan";
import { parseSearchQuery } from "../search/query";
import { filterTimes, toSummary } from "./articles";
import type { D1Reader } from "./client";
import { datedSearch, spanRelevance, type HitRow } from "./shard-search";
import { spanDated } from "./shard-pages";
import { nameSources, periodsOf } from "./shard-read";
import { NO_SHARDS, parseShardMap, shardMapStatement, shardsMeeting } from "./shards";

export interface SearchRequest {
  q: string;
  sort: "relevance" | "date";
  filter: ArticleFilter;
  page: PageRequest;
  /** The plan's test overrides (search/plan.ts), so tests reach its tiers with few rows. */
  tuning?: SearchPlanInput["tuning"];
}

const SUMMARY_SNIPPET = 240;

/** Both lists apply (`lang=en,fr` and `lang:fr` in q mean fr); null when nothing can match. */
function intersect(a: string[], b: string[]): string[] | null {
  if (!a.length || !b.length) return [...new Set([...a, ...b])];
  const both = a.filter((x) => b.includes(x));
  return both.length ? [...new Set(both)] : null;
}

/**
 * Ranked full-text search with exact totals. The user's query is parsed into a safe FTS5
 * expression (src/search/query.ts), so nothing typed can make MATCH fail; the statements are
 * planned so their cost stays bounded for very common words (see src/search/plan.ts).
 */
export async function searchArticles(db: D1Reader, req: SearchRequest): Promise<ResultPage<SearchHit>> {
  const parsed = parseSearchQuery(req.q, { inflect: true });
  const empty: ResultPage<SearchHit> = { items: [], total: 0, page: req.page.page, perPage: req.page.perPage };
  const languages = intersect(req.filter.lang, parsed.languages);
  const sources = intersect(req.filter.source, parsed.sources);
  const expression = parsed.match ?? parsed.exclude;
  if (!languages || !sources || !expression) return empty;

  const scope: SearchScope = { languages, sources, from: req.filter.from, to: req.filter.to };
  const offset = (req.page.page - 1) * req.page.perPage;
  const limit = req.page.perPage;
  const plan = (over: Partial<SearchPlanInput> = {}) =>
    searchStatements({ expression, exclude: parsed.match === null, sort: req.sort, scope, limit, offset, tuning: req.tuning, ...over });
  const { page, total } = plan();
  const statements = [db.prepare(page.sql).bind(...page.params), db.prepare(total.sql).bind(...total.params)];
  const periods = periodsOf(db);
  // Across periods, the shard map rides in the same batch (db/shard-read.ts).
  const results = await db.batch(periods ? [shardMapStatement(db), ...statements] : statements);
  const map = periods ? parseShardMap(results.shift()!.results[0] as Parameters<typeof parseShardMap>[0]) : NO_SHARDS;
  const [rows, count] = results as [D1Result<HitRow>, D1Result<{ n: number }>];
  const liveTotal = Math.max(0, count.results[0]?.n ?? 0);
  const shards = map.boundary ? shardsMeeting(map, ...filterTimes(scope)) : [];
  let found: { rows: HitRow[]; total: number } = { rows: rows.results, total: liveTotal };
  if (periods && map.boundary && shards.length) {
    const span = { db, periods, boundary: map.boundary, shards, plan };
    found = parsed.match !== null && req.sort === "relevance"
      ? await spanRelevance(span, found, offset, limit, req.tuning?.rankWindow)
      : await spanDated(db, periods, map.boundary, shards, datedSearch(plan, JSON.stringify({ expression, exclude: parsed.match === null, scope })), found, offset, limit);
    found.rows = await nameSources(db, found.rows);
  }
  const hits = found.rows.map((r) => ({
    ...toSummary(r),
    highlight: {
      title: highlight(r.title, parsed.terms),
      summary: highlight(r.summary, parsed.terms, { maxLength: SUMMARY_SNIPPET }),
    },
  }));
  return { ...empty, items: hits, total: found.total };
}
