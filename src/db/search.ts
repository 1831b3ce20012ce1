import type { ArticleFilter, PageRequest, ResultPage, SearchHit } from "../domain";
import { highlight } from "../search/highlight";
import { parseSearchQuery } from "../search/query";
import type { D1Reader } from "./client";

export interface SearchRequest {
  q: string;
  sort: "relevance" | "date";
  filter: ArticleFilter;
  page: PageRequest;
}

interface HitRow {
  id: string;
  slug: string;
  title: string;
  summary: string;
  language: string;
  published_at: string;
  url: string | null;
  image: string | null;
  source_id: string;
  source_name: string | null;
}

/** Title matches weigh more than body matches in bm25. */
const TITLE_WEIGHT = 4;
const SUMMARY_SNIPPET = 240;

function filterClauses(filter: ArticleFilter, extra: { lang: string[]; source: string[] }): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const inList = (column: string, values: string[]) => {
    clauses.push(`${column} IN (${values.map(() => "?").join(",")})`);
    params.push(...values);
  };
  if (filter.lang.length) inList("a.language", filter.lang);
  if (extra.lang.length) inList("a.language", extra.lang);
  if (filter.source.length) inList("a.source_id", filter.source);
  if (extra.source.length) inList("a.source_id", extra.source);
  if (filter.from) {
    clauses.push("a.published_at >= ?");
    params.push(`${filter.from}T00:00:00Z`);
  }
  if (filter.to) {
    clauses.push("a.published_at <= ?");
    params.push(`${filter.to}T23:59:59Z`);
  }
  return { sql: clauses.map((c) => ` AND ${c}`).join(""), params };
}

/**
 * Ranked full-text search with exact totals. The user's query is parsed into a safe FTS5
 * expression (src/search/query.ts), so nothing typed can make MATCH fail.
 */
export async function searchArticles(db: D1Reader, req: SearchRequest): Promise<ResultPage<SearchHit>> {
  const parsed = parseSearchQuery(req.q);
  const empty: ResultPage<SearchHit> = { items: [], total: 0, page: req.page.page, perPage: req.page.perPage };
  const filters = filterClauses(req.filter, { lang: parsed.languages, source: parsed.sources });
  const limit = [req.page.perPage, (req.page.page - 1) * req.page.perPage];
  const columns = "a.id, a.slug, a.title, a.summary, a.language, a.published_at, a.url, a.image, a.source_id, s.name AS source_name";
  let statements: [D1PreparedStatement, D1PreparedStatement];
  if (parsed.match) {
    const order = req.sort === "date" ? "a.published_at DESC, a.pk DESC" : `bm25(articles_fts, ${TITLE_WEIGHT}, 1), a.published_at DESC`;
    const from = "FROM articles_fts JOIN articles a ON a.pk = articles_fts.rowid";
    statements = [
      db
        .prepare(`SELECT ${columns} ${from} LEFT JOIN sources s ON s.id = a.source_id WHERE articles_fts MATCH ?${filters.sql} ORDER BY ${order} LIMIT ? OFFSET ?`)
        .bind(parsed.match, ...filters.params, ...limit),
      filters.params.length
        ? db.prepare(`SELECT count(*) AS n ${from} WHERE articles_fts MATCH ?${filters.sql}`).bind(parsed.match, ...filters.params)
        : db.prepare("SELECT count(*) AS n FROM articles_fts WHERE articles_fts MATCH ?").bind(parsed.match),
    ];
  } else if (parsed.exclude) {
    // Only exclusions (`-war`): everything else, newest first; relevance has no meaning here.
    const where = `WHERE a.pk NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)${filters.sql}`;
    statements = [
      db
        .prepare(`SELECT ${columns} FROM articles a LEFT JOIN sources s ON s.id = a.source_id ${where} ORDER BY a.published_at DESC, a.pk DESC LIMIT ? OFFSET ?`)
        .bind(parsed.exclude, ...filters.params, ...limit),
      db.prepare(`SELECT count(*) AS n FROM articles a ${where}`).bind(parsed.exclude, ...filters.params),
    ];
  } else {
    return empty;
  }
  const [rows, count] = await db.batch(statements);
  const hits = (rows!.results as unknown as HitRow[]).map((r) => ({
    id: r.id,
    slug: r.slug,
    title: r.title,
    summary: r.summary,
    language: r.language,
    published_at: r.published_at,
    url: r.url,
    image: r.image,
    source: { id: r.source_id, name: r.source_name ?? r.source_id },
    highlight: {
      title: highlight(r.title, parsed.terms),
      summary: highlight(r.summary, parsed.terms, { maxLength: SUMMARY_SNIPPET }),
    },
  }));
  return { ...empty, items: hits, total: (count!.results[0] as { n: number } | undefined)?.n ?? 0 };
}
