import type { ArticleDetail, ArticleFilter, ArticleSummary, PageRequest, ResultPage } from "../domain";
import type { D1Reader } from "./client";
import { findInPeriods, mergeTranslations, nearTranslations } from "./shard-detail";
import { openPeriods, periodCounts, spanDated, type DatedQueries } from "./shard-pages";
import { boundSql, nameSources, periodsOf } from "./shard-read";
import { NO_SHARDS, parseShardMap, shardMapStatement, shardsMeeting, type Boundary } from "./shards";

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
  const limit = Math.max(1, Math.floor(page.perPage));
  const offset = Math.max(0, Math.floor((page.page - 1) * page.perPage));
  return listingSql(filter, offset, limit);
}

/**
 * As listingStatements, by offset and limit, and optionally only the rows before the period
 * boundary (db/shard-read.ts): a bounded total is a count, since the counters cannot be bounded.
 */
function listingSql(
  filter: ArticleFilter,
  offset: number,
  limit: number,
  before?: Boundary,
  /** False: the page's rows without the total (a period's is counted apart, and cached). */
  pageTotal = true,
): { page: string; total: string; params: unknown[] } {
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
  if (before) where.push(boundSql(before, bind));
  const conditions = where.length ? ` WHERE ${where.join(" AND ")}` : "";
  const total =
    filter.from || filter.to || before
      ? `SELECT count(*) FROM articles${conditions}`
      : `SELECT coalesce(sum(n), 0) FROM article_counts${counters.length ? ` WHERE ${counters.join(" AND ")}` : ""}`;
  const keys = `SELECT pk FROM articles${conditions} ORDER BY published_at DESC, pk DESC LIMIT ${limit} OFFSET ${offset}`;
  return {
    page:
      `SELECT ${pageTotal ? `(${total})` : "NULL"} AS total, a.pk, ${SUMMARY_SQL} FROM (${keys}) p CROSS JOIN articles a ON a.pk = p.pk ` +
      "LEFT JOIN sources s ON s.id = a.source_id ORDER BY a.published_at DESC, a.pk DESC",
    total: `SELECT (${total}) AS n`,
    params,
  };
}

type ListedRow = SummaryRow & { pk: number; total: number };

/** The listing's parts for a page across periods (db/shard-pages.ts). */
function listingQueries(filter: ArticleFilter): DatedQueries<ListedRow> {
  const prepared = (s: { params: unknown[] }, sql: string, db: D1Reader) => db.prepare(sql).bind(...s.params);
  return {
    filterKey: `list:${JSON.stringify(filter)}`,
    // The live total (the counters, without dates) less the rows before the boundary (few:
    // stragglers, on the date index), rather than counting every live row after it.
    liveAfterCount: (db, boundary) => {
      const all = listingSql(filter, 0, 1);
      const before = listingSql(filter, 0, 1, boundary);
      return prepared(before, `SELECT (${all.total}) - (${before.total}) AS n`, db);
    },
    liveBefore: (db, boundary, limit) => {
      const s = listingSql(filter, 0, limit, boundary, false);
      return prepared(s, s.page, db);
    },
    liveTotal: (db) => {
      const s = listingSql(filter, 0, 1);
      return prepared(s, s.total, db);
    },
    periodCount: (db, boundary) => {
      const s = listingSql(filter, 0, 1, boundary ?? undefined);
      return prepared(s, s.total, db);
    },
    periodPage: (db, boundary, offset, limit) => {
      const s = listingSql(filter, offset, limit, boundary ?? undefined, false);
      return prepared(s, s.page, db);
    },
  };
}

/** A filter's date range as the instants the shard map compares. */
export const filterTimes = (filter: { from: string | null; to: string | null }) =>
  [filter.from ? `${filter.from}T00:00:00Z` : null, filter.to ? `${filter.to}T23:59:59Z` : null] as const;

/**
 * Newest first, with the exact total for the same filters: one statement (two past the last
 * page). Given a reader that spans periods, the shard map rides in the same batch, and nothing
 * more is read while nothing has moved.
 */
export async function listArticles(db: D1Reader, filter: ArticleFilter, page: PageRequest): Promise<ResultPage<ArticleSummary>> {
  const statements = listingStatements(filter, page);
  const periods = periodsOf(db);
  const pageStatement = db.prepare(statements.page).bind(...statements.params);
  let results: ListedRow[];
  let map = NO_SHARDS;
  if (periods) {
    const [mapResult, pageResult] = await db.batch([shardMapStatement(db), pageStatement]);
    map = parseShardMap(mapResult!.results[0] as Parameters<typeof parseShardMap>[0]);
    results = pageResult!.results as ListedRow[];
  } else {
    results = (await pageStatement.all<ListedRow>()).results;
  }
  const shards = map.boundary ? shardsMeeting(map, ...filterTimes(filter)) : [];
  if (periods && map.boundary && shards.length) {
    const limit = Math.max(1, Math.floor(page.perPage));
    const offset = Math.max(0, Math.floor((page.page - 1) * page.perPage));
    const spanned = await spanDated(db, periods, map.boundary, shards, listingQueries(filter), { rows: results, total: results[0]?.total ?? null }, offset, limit);
    const named = await nameSources(db, spanned.rows);
    return { items: named.map(toSummary), total: spanned.total, page: page.page, perPage: page.perPage };
  }
  const total = results[0]?.total ?? (await db.prepare(statements.total).bind(...statements.params).first<{ n: number }>())?.n ?? 0;
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
const detailSql = (bounded = "") =>
  `SELECT ${SUMMARY_SQL}, a.content_html, a.content_text, a.updated_at, a.fetched_at, a.tags, a.body_ref, a.content_hash, a.story_group, ` +
  "(SELECT json_group_array(json_object('language', t.language, 'id', t.id, 'slug', t.slug)) FROM " +
  `(SELECT language, id, slug FROM articles WHERE story_group = a.story_group AND language <> a.language ORDER BY language, id LIMIT ${MAX_TRANSLATIONS}) t) AS translations ` +
  `FROM articles a LEFT JOIN sources s ON s.id = a.source_id WHERE a.id = ?1${bounded} LIMIT 1`;
const DETAIL_SQL = detailSql();

/** The detail's statement in a period database, bounded when the boundary is inside the period. */
function periodDetail(db: D1Reader, id: string, bound: Boundary | null): D1PreparedStatement {
  if (!bound) return db.prepare(DETAIL_SQL).bind(id);
  const params: unknown[] = [id];
  return db.prepare(detailSql(` AND ${boundSql(bound, (v) => `?${params.push(v)}`, "a.")}`)).bind(...params);
}

interface DetailRow extends SummaryRow {
  content_html: string;
  content_text: string;
  updated_at: string;
  fetched_at: string;
  tags: string;
  body_ref: string | null;
  content_hash: string;
  story_group: string | null;
  translations: string;
}

/**
 * Live first, with the shard map in the same batch when the reader spans periods; an id not in
 * live is looked for in the periods (db/shard-detail.ts). Translations in other databases than
 * the article's are added from those within TRANSLATION_REACH_MS of it.
 */
export async function getStoredArticle(db: D1Reader, id: string): Promise<StoredArticle | null> {
  const periods = periodsOf(db);
  if (!periods) {
    const found = await db.prepare(DETAIL_SQL).bind(id).first<DetailRow>();
    return found ? toStored(found) : null;
  }
  const [mapResult, rowResult] = await db.batch([shardMapStatement(db), db.prepare(DETAIL_SQL).bind(id)]);
  const map = parseShardMap(mapResult!.results[0] as Parameters<typeof parseShardMap>[0]);
  const live = (rowResult!.results[0] as DetailRow | undefined) ?? null;
  const hit = live ? { row: live, period: "live" } : map.boundary ? await findInPeriods<DetailRow>(periods, map, (d, bound) => periodDetail(d, id, bound)) : null;
  if (!hit) return null;
  const found = hit.row;
  // The source's name (a period's sources table is empty) and the story's languages in the
  // databases near the article, in one round trip.
  const story = found.story_group && map.boundary ? { group: found.story_group, language: found.language, publishedAt: found.published_at } : null;
  const [[named], more] = await Promise.all([
    nameSources(db, [found]),
    story ? nearTranslations(db, periods, map, story, hit.period, MAX_TRANSLATIONS) : null,
  ]);
  const stored = toStored(named!);
  if (more) stored.article.translations = mergeTranslations([stored.article.translations, more], MAX_TRANSLATIONS);
  return stored;
}

function toStored(found: DetailRow): StoredArticle {
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

/**
 * Every stored article: a sum over the per-(language, source) counters (migration 0003), in live
 * and, given a reader that spans them, in the periods (bounded in the boundary's period).
 */
export async function countArticles(db: D1Reader): Promise<number> {
  const periods = periodsOf(db);
  const counters = db.prepare("SELECT coalesce(sum(n), 0) AS n FROM article_counts");
  if (!periods) return (await counters.first<{ n: number }>())?.n ?? 0;
  const [mapResult, liveResult] = await db.batch([shardMapStatement(db), counters]);
  const map = parseShardMap(mapResult!.results[0] as Parameters<typeof parseShardMap>[0]);
  const live = (liveResult!.results[0] as { n: number } | undefined)?.n ?? 0;
  if (!map.boundary) return live;
  const all: ArticleFilter = { lang: [], source: [], from: null, to: null };
  const open = openPeriods(periods, map.boundary, shardsMeeting(map));
  const counts = await periodCounts(open, map.boundary, `list:${JSON.stringify(all)}`, (p) => listingQueries(all).periodCount(p.db, p.bound));
  return counts.reduce((a, b) => a + b, live);
}
