import type { ArticleDetail, ArticleFilter, ArticleSummary, PageRequest, ResultPage } from "../domain";
import type { D1Reader } from "./client";

/**
 * An article summary as stored: the one row shape the listing, the detail (SUMMARY_SQL, below)
 * and search (search/plan.ts, same column names) read, and the one mapping to the API's summary.
 */
export type SummaryRow = Omit<ArticleSummary, "source"> & { source_id: string; source_name: string | null };

/** Field by field: a row may carry more columns (ranking, keys) that are not the API's. */
export function toSummary(row: SummaryRow): ArticleSummary {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    summary: row.summary,
    language: row.language,
    published_at: row.published_at,
    url: row.url,
    image: row.image,
    source: { id: row.source_id, name: row.source_name ?? row.source_id },
  };
}

/** The summary columns in raw SQL, `a` the articles and `s` the sources (search/plan.ts reads them too). */
export const SUMMARY_SQL = "a.id, a.slug, a.title, a.summary, a.language, a.published_at, a.url, a.image, a.source_id, s.name AS source_name";

/**
 * One page of the listing with its exact total in the same statement: the total is a sum over
 * the per-(language, source) counters (a handful of rows whatever the corpus size), or a count
 * when a date range is asked, read once as a scalar subquery. The page's keys are read from
 * the index that orders them (the offset is walked there, not in the table) and only the
 * page's rows are then read in full. `total` alone is for a page past the end, which has no
 * row to carry it. Raw SQL rather than the query builder: on a miss, building and mapping
 * the builder's two statements cost more CPU in the isolate than the database spent on them.
 * Both statements use every parameter (D1 refuses extra bindings).
 */
export function listingStatements(filter: ArticleFilter, page: PageRequest): { page: string; total: string; params: unknown[] } {
  const params: unknown[] = [];
  const bind = (value: unknown) => `?${params.push(value)}`;
  const where: string[] = [];
  const counters: string[] = [];
  if (filter.lang.length) {
    const list = filter.lang.map(bind).join(", ");
    where.push(`language IN (${list})`);
    counters.push(`language IN (${list})`);
  }
  if (filter.source.length) {
    const list = filter.source.map(bind).join(", ");
    where.push(`source_id IN (${list})`);
    counters.push(`source_id IN (${list})`);
  }
  // Dates are inclusive calendar days in UTC; ISO strings compare in time order.
  if (filter.from) where.push(`published_at >= ${bind(`${filter.from}T00:00:00Z`)}`);
  if (filter.to) where.push(`published_at <= ${bind(`${filter.to}T23:59:59Z`)}`);
  const conditions = where.length ? ` WHERE ${where.join(" AND ")}` : "";
  const total =
    filter.from || filter.to
      ? `SELECT count(*) FROM articles${conditions}`
      : `SELECT coalesce(sum(n), 0) FROM article_counts${counters.length ? ` WHERE ${counters.join(" AND ")}` : ""}`;
  const limit = Math.max(1, Math.floor(page.perPage));
  const offset = Math.max(0, Math.floor((page.page - 1) * page.perPage));
  const keys = `SELECT pk FROM articles${conditions} ORDER BY published_at DESC, pk DESC LIMIT ${limit} OFFSET ${offset}`;
  return {
    page:
      `SELECT (${total}) AS total, ${SUMMARY_SQL} FROM (${keys}) p CROSS JOIN articles a ON a.pk = p.pk ` +
      "LEFT JOIN sources s ON s.id = a.source_id ORDER BY a.published_at DESC, a.pk DESC",
    total: `SELECT (${total}) AS total`,
    params,
  };
}

/** Newest first, with the exact total for the same filters: one statement (two past the last page). */
export async function listArticles(db: D1Reader, filter: ArticleFilter, page: PageRequest): Promise<ResultPage<ArticleSummary>> {
  const statements = listingStatements(filter, page);
  const { results } = await db.prepare(statements.page).bind(...statements.params).all<SummaryRow & { total: number }>();
  const total = results[0]?.total ?? (await db.prepare(statements.total).bind(...statements.params).first<{ total: number }>())?.total ?? 0;
  return { items: results.map(toSummary), total, page: page.page, perPage: page.perPage };
}

/** An article as its row holds it: with an archived body (archive/), where the body went instead. */
export interface StoredArticle {
  article: ArticleDetail;
  /** Null while the body is in the row; else "<key> <offset> <length>" in the body archive. */
  bodyRef: string | null;
  /** Ties an archived body to this version of the article. */
  contentHash: string;
}

export async function getArticle(db: D1Reader, id: string): Promise<ArticleDetail | null> {
  return (await getStoredArticle(db, id))?.article ?? null;
}

/** How many other languages of its story a detail lists. */
const MAX_TRANSLATIONS = 50;

/**
 * The article and its story's other languages in ONE statement: the translations are a JSON
 * array built by a subquery of the same row, so a detail miss waits for one round trip rather
 * than two in series (the second needed the first's story group). The sitemaps read a story's
 * translations in this same order and bound (db/sitemaps.ts).
 */
const DETAIL_SQL =
  `SELECT ${SUMMARY_SQL}, a.content_html, a.content_text, a.updated_at, a.fetched_at, a.tags, a.body_ref, a.content_hash, ` +
  "(SELECT json_group_array(json_object('language', t.language, 'id', t.id, 'slug', t.slug)) FROM " +
  `(SELECT language, id, slug FROM articles WHERE story_group = a.story_group AND language <> a.language ORDER BY language, id LIMIT ${MAX_TRANSLATIONS}) t) AS translations ` +
  "FROM articles a LEFT JOIN sources s ON s.id = a.source_id WHERE a.id = ?1 LIMIT 1";

interface DetailRow extends SummaryRow {
  content_html: string;
  content_text: string;
  updated_at: string;
  fetched_at: string;
  tags: string;
  body_ref: string | null;
  content_hash: string;
  translations: string;
}

export async function getStoredArticle(db: D1Reader, id: string): Promise<StoredArticle | null> {
  const found = await db.prepare(DETAIL_SQL).bind(id).first<DetailRow>();
  if (!found) return null;
  const article: ArticleDetail = {
    ...toSummary(found),
    content_html: found.content_html,
    content_text: found.content_text,
    updated_at: found.updated_at,
    fetched_at: found.fetched_at,
    tags: parseTags(found.tags),
    translations: parseTranslations(found.translations),
  };
  return { article, bodyRef: found.body_ref, contentHash: found.content_hash };
}

/** json_group_array keeps the subquery's order; an article without a story group has none. */
function parseTranslations(json: string): ArticleDetail["translations"] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? (value as ArticleDetail["translations"]) : [];
  } catch {
    return [];
  }
}

function parseTags(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((t): t is string => typeof t === "string") : [];
  } catch {
    return [];
  }
}

/** Every stored article: a sum over the per-(language, source) counters (migration 0003). */
export async function countArticles(db: D1Reader): Promise<number> {
  return (await db.prepare("SELECT coalesce(sum(n), 0) AS n FROM article_counts").first<{ n: number }>())?.n ?? 0;
}
