import type { ArticleFilter, PageRequest, ResultPage, SearchHit } from "../domain";
import { highlight } from "../search/highlight";
import { searchStatements, type SearchScope } from "../search/plan";
import { parseSearchQuery } from "../search/query";
import { toSummary, type SummaryRow } from "./articles";
import type { D1Reader } from "./client";

export interface SearchRequest {
  q: string;
  sort: "relevance" | "date";
  filter: ArticleFilter;
  page: PageRequest;
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
  const { page, total } = searchStatements({
    expression,
    exclude: parsed.match === null,
    sort: req.sort,
    scope,
    limit: req.page.perPage,
    offset: (req.page.page - 1) * req.page.perPage,
  });
  const [rows, count] = await db.batch([db.prepare(page.sql).bind(...page.params), db.prepare(total.sql).bind(...total.params)]);
  const hits = (rows!.results as unknown as SummaryRow[]).map((r) => ({
    ...toSummary(r),
    highlight: {
      title: highlight(r.title, parsed.terms),
      summary: highlight(r.summary, parsed.terms, { maxLength: SUMMARY_SNIPPET }),
    },
  }));
  return { ...empty, items: hits, total: Math.max(0, (count!.results[0] as { n: number } | undefined)?.n ?? 0) };
}
