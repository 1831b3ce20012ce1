import type { Translation } from "../domain";
import type { D1Reader } from "./client";
import { mergeTranslations, TRANSLATION_REACH_MS } from "./shard-detail";
import { openPeriods, periodCounts } from "./shard-pages";
import { boundSql, periodsOf, type PeriodDatabases } from "./shard-read";
import { parseShardMap, shardMapStatement, shardsMeeting, type Boundary, type ShardMap } from "./shards";

/** As the detail's bound on a story's languages (db/articles.ts). */
const MAX_TRANSLATIONS = 50;

/** One article as a sitemap lists it: its address parts, last change and story siblings. */
export interface SitemapArticle {
  id: string;
  slug: string;
  language: string;
  updated_at: string;
  /** Other languages of its story group, in the order and bound of `getArticle`'s. */
  translations: Translation[];
}

/** One article as the news sitemap lists it. */
export interface NewsArticle {
  id: string;
  slug: string;
  language: string;
  title: string;
  published_at: string;
}

/**
 * The highest `pk` in use, or 0 without articles: one step down the rowid tree. Sitemap files
 * are ranges of `pk`, so this alone says how many there are.
 */
export async function lastArticleKey(db: D1Reader): Promise<number> {
  const periods = periodsOf(db);
  const last = db.prepare("SELECT coalesce(max(pk), 0) AS n FROM articles");
  if (!periods) return (await last.first<{ n: number }>())?.n ?? 0;
  // Moved articles keep their pks, so the files stay the same ranges: the highest pk anywhere.
  const [mapResult, lastResult] = await db.batch([shardMapStatement(db), last]);
  const n = (lastResult!.results[0] as { n: number } | undefined)?.n ?? 0;
  const map = parseShardMap(mapResult!.results[0] as Parameters<typeof parseShardMap>[0]);
  if (!map.boundary) return n;
  const spans = await periodSpans(openPeriods(periods, map.boundary, shardsMeeting(map)), map.boundary);
  return Math.max(n, ...spans.map((s) => s.hi));
}

// The translations come from the story-group index, one small lookup per article, in the
// order and bound the article page reads them in, so both compute the same hreflang set.
const rangeSql = (bounded = "") => `SELECT a.id, a.slug, a.language, a.updated_at, a.pk, a.story_group, a.published_at,
  CASE WHEN a.story_group IS NULL THEN '[]' ELSE (
    SELECT json_group_array(json_object('language', m.language, 'id', m.id, 'slug', m.slug)) FROM (
      SELECT language, id, slug FROM articles
      WHERE story_group = a.story_group AND language <> a.language
      ORDER BY language, id LIMIT ${MAX_TRANSLATIONS}) AS m
  ) END AS translations
FROM articles AS a WHERE a.pk > ?1 AND a.pk <= ?2${bounded} ORDER BY a.pk`;
const RANGE = rangeSql();

/**
 * The articles with `after < pk <= upTo`: a range read on the rowid, so any sitemap file
 * costs the same however many articles precede it (no OFFSET), and a file's members never
 * move to another file as articles arrive.
 */
export async function sitemapArticles(db: D1Reader, after: number, upTo: number): Promise<SitemapArticle[]> {
  const periods = periodsOf(db);
  const range = db.prepare(RANGE).bind(after, upTo);
  if (!periods) return (await range.all<RangeRow>()).results.map((row) => toSitemapArticle(row, []));
  const [mapResult, rangeResult] = await db.batch([shardMapStatement(db), range]);
  const map = parseShardMap(mapResult!.results[0] as Parameters<typeof parseShardMap>[0]);
  const live = rangeResult!.results as RangeRow[];
  if (!map.boundary) return live.map((row) => toSitemapArticle(row, []));
  return spanSitemap(db, periods, map, live, after, upTo);
}

/**
 * A sitemap file across databases: the same pk range read in live and in the periods whose pks
 * reach into it (bounded in the boundary's period), and each article's story languages from
 * the databases near it, as its page lists them (db/shard-detail.ts).
 */
async function spanSitemap(db: D1Reader, periods: PeriodDatabases, map: ShardMap, live: RangeRow[], after: number, upTo: number): Promise<SitemapArticle[]> {
  const boundary = map.boundary!;
  const open = openPeriods(periods, boundary, shardsMeeting(map));
  const spans = await periodSpans(open, boundary);
  const reached = open.filter((_, i) => spans[i]!.hi > after && spans[i]!.lo <= upTo);
  const moved = await Promise.all(
    reached.map((p) => {
      const params: unknown[] = [after, upTo];
      const bounded = p.bound ? ` AND ${boundSql(p.bound, (v) => `?${params.push(v)}`, "a.")}` : "";
      return p.db.prepare(rangeSql(bounded)).bind(...params).all<RangeRow>().then((r) => r.results.map((row) => ({ row, home: p.shard.period })));
    }),
  );
  const rows = [...live.map((row) => ({ row, home: "live" })), ...moved.flat()].sort((x, y) => x.row.pk - y.row.pk);
  const more = await storyNeighbours(db, periods, map, rows);
  return rows.map(({ row }, i) => toSitemapArticle(row, more[i]!));
}

/** Each period's lowest and highest pk, kept in the isolate like its counts (per version, and boundary inside it). */
async function periodSpans(open: ReturnType<typeof openPeriods>, boundary: Boundary): Promise<{ lo: number; hi: number }[]> {
  const [lo, hi] = await Promise.all([
    periodCounts(open, boundary, "pk:min", (p) => p.db.prepare("SELECT coalesce(min(pk), 0) AS n FROM articles")),
    periodCounts(open, boundary, "pk:max", (p) => p.db.prepare("SELECT coalesce(max(pk), 0) AS n FROM articles")),
  ]);
  return lo.map((l, i) => ({ lo: l, hi: hi[i]! }));
}

/**
 * For each row, its story's languages in the databases near it other than its own: one lookup
 * per database for all the story groups that need it (one round trip in all), then per row the
 * siblings of its group in another language.
 */
async function storyNeighbours(db: D1Reader, periods: PeriodDatabases, map: ShardMap, rows: { row: RangeRow; home: string }[]): Promise<Translation[][]> {
  const open = openPeriods(periods, map.boundary!, shardsMeeting(map));
  const wanted = new Map<string, { db: D1Reader; bound: Boundary | null; groups: Set<string> }>();
  const near = rows.map(({ row, home }) => {
    if (!row.story_group) return [];
    const at = Date.parse(row.published_at);
    const iso = (ms: number) => new Date(ms).toISOString();
    // The periods meeting [at - reach, at + reach], as shardsMeeting picks them.
    const [from, to] = [iso(at - TRANSLATION_REACH_MS), iso(at + TRANSLATION_REACH_MS)];
    const around = open.filter((p) => p.shard.endsAt > from && p.shard.startsAt <= to);
    const names = [...(home === "live" ? [] : ["live"]), ...around.map((p) => p.shard.period).filter((n) => n !== home)];
    for (const name of names) {
      const p = around.find((x) => x.shard.period === name);
      const entry = wanted.get(name) ?? { db: p ? p.db : db, bound: p ? p.bound : null, groups: new Set<string>() };
      entry.groups.add(row.story_group);
      wanted.set(name, entry);
    }
    return names;
  });
  const found = new Map<string, (Translation & { story_group: string })[]>();
  await Promise.all(
    [...wanted].map(async ([name, w]) => {
      const params: unknown[] = [JSON.stringify([...w.groups])];
      const bounded = w.bound ? ` AND ${boundSql(w.bound, (v) => `?${params.push(v)}`)}` : "";
      const { results } = await w.db
        .prepare(`SELECT story_group, language, id, slug FROM articles WHERE story_group IN (SELECT value FROM json_each(?1))${bounded}`)
        .bind(...params)
        .all<Translation & { story_group: string }>();
      found.set(name, results);
    }),
  );
  return rows.map(({ row }, i) =>
    near[i]!.flatMap((name) =>
      (found.get(name) ?? []).filter((t) => t.story_group === row.story_group && t.language !== row.language).map(({ language, id, slug }) => ({ language, id, slug })),
    ),
  );
}

type RangeRow = Omit<SitemapArticle, "translations"> & { translations: string; pk: number; story_group: string | null; published_at: string };

function toSitemapArticle(row: RangeRow, more: Translation[]): SitemapArticle {
  const own = JSON.parse(row.translations) as Translation[];
  return { id: row.id, slug: row.slug, language: row.language, updated_at: row.updated_at, translations: mergeTranslations([own, more], MAX_TRANSLATIONS) };
}

/** The newest articles published since `since` (ISO), newest first, on the publication index. */
export async function newsArticles(db: D1Reader, since: string, limit: number): Promise<NewsArticle[]> {
  const { results } = await db
    .prepare("SELECT id, slug, language, title, published_at FROM articles WHERE published_at >= ?1 ORDER BY published_at DESC, pk DESC LIMIT ?2")
    .bind(since, limit)
    .all<NewsArticle>();
  return results;
}
