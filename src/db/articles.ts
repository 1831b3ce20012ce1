import { and, desc, eq, gte, inArray, lte, ne, sql, type SQL } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { ArticleDetail, ArticleFilter, ArticleSummary, PageRequest, ResultPage } from "../domain";
import { articleCounts, articles, sources } from "./schema";

export type Db = DrizzleD1Database<Record<string, never>>;

/**
 * An article summary as stored: the one row shape the listing (drizzle, below) and search (raw
 * SQL, search/plan.ts, same column names) read, and the one mapping to the API's summary.
 */
export type SummaryRow = Omit<ArticleSummary, "source"> & { source_id: string; source_name: string | null };

const summaryColumns = {
  id: articles.id,
  slug: articles.slug,
  title: articles.title,
  summary: articles.summary,
  language: articles.language,
  published_at: articles.publishedAt,
  url: articles.url,
  image: articles.image,
  source_id: articles.sourceId,
  source_name: sources.name,
} satisfies Record<keyof SummaryRow, unknown>;

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

/** SQL conditions for the filters shared by listing, search and feeds. */
export function filterConditions(filter: ArticleFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.lang.length) where.push(inArray(articles.language, filter.lang));
  if (filter.source.length) where.push(inArray(articles.sourceId, filter.source));
  // Dates are inclusive calendar days in UTC; ISO strings compare in time order.
  if (filter.from) where.push(gte(articles.publishedAt, `${filter.from}T00:00:00Z`));
  if (filter.to) where.push(lte(articles.publishedAt, `${filter.to}T23:59:59Z`));
  return where;
}

/**
 * The exact total for a filter: without a date range it is a sum over the per-(language,
 * source) counters, a handful of rows whatever the corpus size; a date range counts rows.
 */
function totalQuery(db: Db, filter: ArticleFilter) {
  if (filter.from || filter.to) return db.select({ total: sql<number>`count(*)` }).from(articles).where(and(...filterConditions(filter)));
  const where: SQL[] = [];
  if (filter.lang.length) where.push(inArray(articleCounts.language, filter.lang));
  if (filter.source.length) where.push(inArray(articleCounts.sourceId, filter.source));
  return db.select({ total: sql<number>`coalesce(sum(${articleCounts.n}), 0)` }).from(articleCounts).where(and(...where));
}

/** Newest first, with the exact total for the same filters. */
export async function listArticles(db: Db, filter: ArticleFilter, page: PageRequest): Promise<ResultPage<ArticleSummary>> {
  const where = and(...filterConditions(filter));
  const [rows, counted] = await db.batch([
    db
      .select(summaryColumns)
      .from(articles)
      .leftJoin(sources, eq(sources.id, articles.sourceId))
      .where(where)
      .orderBy(desc(articles.publishedAt), desc(articles.pk))
      .limit(page.perPage)
      .offset((page.page - 1) * page.perPage),
    totalQuery(db, filter),
  ]);
  return { items: rows.map(toSummary), total: counted[0]?.total ?? 0, page: page.page, perPage: page.perPage };
}

/** An article as its row holds it: with an archived body (archive/), where the body went instead. */
export interface StoredArticle {
  article: ArticleDetail;
  /** Null while the body is in the row; else "<key> <offset> <length>" in the body archive. */
  bodyRef: string | null;
  /** Ties an archived body to this version of the article. */
  contentHash: string;
}

export async function getArticle(db: Db, id: string): Promise<ArticleDetail | null> {
  return (await getStoredArticle(db, id))?.article ?? null;
}

export async function getStoredArticle(db: Db, id: string): Promise<StoredArticle | null> {
  const [found] = await db
    .select({
      ...summaryColumns,
      contentHtml: articles.contentHtml,
      contentText: articles.contentText,
      updatedAt: articles.updatedAt,
      fetchedAt: articles.fetchedAt,
      tags: articles.tags,
      storyGroup: articles.storyGroup,
      bodyRef: articles.bodyRef,
      contentHash: articles.contentHash,
    })
    .from(articles)
    .leftJoin(sources, eq(sources.id, articles.sourceId))
    .where(eq(articles.id, id))
    .limit(1);
  if (!found) return null;
  const translations = found.storyGroup
    ? await db
        .select({ language: articles.language, id: articles.id, slug: articles.slug })
        .from(articles)
        .where(and(eq(articles.storyGroup, found.storyGroup), ne(articles.language, found.language)))
        // The sitemaps read a story's translations in this same order (db/sitemaps.ts).
        .orderBy(articles.language, articles.id)
        .limit(50)
    : [];
  const article: ArticleDetail = {
    ...toSummary(found),
    content_html: found.contentHtml,
    content_text: found.contentText,
    updated_at: found.updatedAt,
    fetched_at: found.fetchedAt,
    tags: parseTags(found.tags),
    translations,
  };
  return { article, bodyRef: found.bodyRef, contentHash: found.contentHash };
}

function parseTags(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((t): t is string => typeof t === "string") : [];
  } catch {
    return [];
  }
}

export async function countArticles(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`coalesce(sum(${articleCounts.n}), 0)` }).from(articleCounts);
  return row?.n ?? 0;
}
