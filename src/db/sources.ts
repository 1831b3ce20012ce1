import type { PageRequest, ResultPage, SourceHealth } from "../domain";
import type { D1Reader } from "./client";
import { periodsOf } from "./shard-read";
import { periodSourceCounts } from "./shard-sources";
import { parseShardMap, shardMapStatement } from "./shards";

type MapRow = Parameters<typeof parseShardMap>[0];

/** A source as stored (table `sources`), its columns named as the code reads them. */
export interface SourceRow {
  id: string;
  name: string;
  url: string;
  homepage: string | null;
  language: string | null;
  /** Declared translation mapping (migration 0004), both set or both null. */
  storyScope: string | null;
  storyKey: string | null;
  enabled: boolean;
  etag: string | null;
  lastModified: string | null;
  lastFetchedAt: string | null;
  lastStatus: string | null;
  lastHttpStatus: number | null;
  lastError: string | null;
  consecutiveErrors: number;
  nextFetchAt: string | null;
  pushUntil: string | null;
  bodyDigest: string | null;
  createdAt: string;
  updatedAt: string;
}
export type NewSource = Pick<SourceRow, "id" | "name" | "url"> & Partial<Pick<SourceRow, "homepage" | "language" | "storyScope" | "storyKey">>;
export type SourceChanges = Partial<Pick<SourceRow, "name" | "url" | "homepage" | "language" | "enabled" | "storyScope" | "storyKey">>;

/** Every column of `sources`, aliased to SourceRow's names; `enabled` is 0 or 1 until toRow. */
const SOURCE_COLUMNS =
  "id, name, url, homepage, language, story_scope AS storyScope, story_key AS storyKey, enabled, etag, last_modified AS lastModified, " +
  "last_fetched_at AS lastFetchedAt, last_status AS lastStatus, last_http_status AS lastHttpStatus, last_error AS lastError, " +
  "consecutive_errors AS consecutiveErrors, next_fetch_at AS nextFetchAt, push_until AS pushUntil, body_digest AS bodyDigest, " +
  "created_at AS createdAt, updated_at AS updatedAt";

type StoredSource = Omit<SourceRow, "enabled"> & { enabled: number };

/** A row as D1 returns it (`enabled` is 0 or 1: SQLite has no booleans), as the code reads it. */
export const withEnabled = <T extends { enabled: number }>(row: T): Omit<T, "enabled"> & { enabled: boolean } => ({ ...row, enabled: row.enabled === 1 });
const toRow: (row: StoredSource) => SourceRow = withEnabled;

function toHealth(row: SourceRow, articleCount: number): SourceHealth {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    homepage: row.homepage,
    language: row.language,
    story_scope: row.storyScope,
    story_key: row.storyKey,
    enabled: row.enabled,
    last_fetched_at: row.lastFetchedAt,
    last_status: row.lastStatus,
    last_error: row.lastError,
    consecutive_errors: row.consecutiveErrors,
    next_fetch_at: row.nextFetchAt,
    article_count: articleCount,
  };
}

/** What GET /sources may narrow the list to; every field is optional. */
export interface SourceFilter {
  /** Primary language subtags: `zh` matches sources in `zh` and `zh-Hans`. */
  lang: string[];
  /** A prefix of the id or the name, compared without regard to ASCII case. */
  prefix: string | null;
  enabled: boolean | null;
}

/** `LIKE` treats `%` and `_` as wildcards; a prefix search means them literally. */
const likePrefix = (text: string) => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The WHERE clause of a filter (empty when it has none) and the parameters it binds. */
function sourceConditions(filter: SourceFilter): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const bind = (value: unknown) => `?${params.push(value)}`;
  const conditions: string[] = [];
  if (filter.lang.length) {
    const tags = filter.lang.map((tag) => {
      const p = bind(tag);
      return `(lower(language) = ${p} OR lower(language) LIKE ${p} || '-%')`;
    });
    conditions.push(`(${tags.join(" OR ")})`);
  }
  if (filter.prefix !== null) {
    const p = bind(likePrefix(filter.prefix));
    conditions.push(`(id LIKE ${p} ESCAPE '\\' OR name LIKE ${p} ESCAPE '\\')`);
  }
  if (filter.enabled !== null) conditions.push(`enabled = ${bind(filter.enabled ? 1 : 0)}`);
  return { where: conditions.length ? ` WHERE ${conditions.join(" AND ")}` : "", params };
}

/**
 * One page of sources in id order, with the exact number that match, in one round trip. Article
 * counts are read for the page's sources only, so a page costs the same at 10 sources or 10,000.
 * Given a reader that spans the period databases, the counts include theirs: the map rides in
 * the same batch as the live counters it agrees with.
 */
export async function listSourcesPage(db: D1Reader, filter: SourceFilter, page: PageRequest): Promise<ResultPage<SourceHealth>> {
  const { where, params } = sourceConditions(filter);
  // Integers, not parameters: every statement binds the same list (D1 refuses extra bindings).
  const limit = Math.max(1, Math.floor(page.perPage));
  const offset = Math.max(0, Math.floor((page.page - 1) * page.perPage));
  const onPage = `SELECT id FROM sources${where} ORDER BY id LIMIT ${limit} OFFSET ${offset}`;
  const periods = periodsOf(db);
  const results = await db.batch<unknown>([
    db.prepare(`SELECT ${SOURCE_COLUMNS} FROM sources${where} ORDER BY id LIMIT ${limit} OFFSET ${offset}`).bind(...params),
    db.prepare(`SELECT count(*) AS n FROM sources${where}`).bind(...params),
    db.prepare(`SELECT source_id AS sourceId, sum(n) AS n FROM article_counts WHERE source_id IN (${onPage}) GROUP BY source_id`).bind(...params),
    ...(periods ? [shardMapStatement(db)] : []),
  ]);
  const [rows, totals, counts, mapRow] = results;
  const found = (rows!.results as StoredSource[]).map(toRow);
  const moved = periods && mapRow ? await periodSourceCounts(periods, parseShardMap(mapRow.results[0] as MapRow)) : null;
  const live = new Map((counts!.results as { sourceId: string; n: number }[]).map((c) => [c.sourceId, c.n]));
  const total = (totals!.results[0] as { n: number } | undefined)?.n ?? 0;
  const count = (id: string) => (live.get(id) ?? 0) + (moved?.get(id) ?? 0);
  return { items: found.map((row) => toHealth(row, count(row.id))), total, page: page.page, perPage: page.perPage };
}

/** A source as a reader's filter form offers it. */
export interface SourceChoice {
  id: string;
  name: string;
}

const BUSIEST_SQL =
  "SELECT s.id, s.name FROM sources s LEFT JOIN (SELECT source_id, sum(n) AS n FROM article_counts GROUP BY source_id) totals " +
  "ON totals.source_id = s.id ORDER BY coalesce(totals.n, 0) DESC, s.id LIMIT ?1";
/** Every source with its live count: ranking with the periods' counts added needs them all. */
const EVERY_COUNT_SQL =
  "SELECT s.id, s.name, coalesce(totals.n, 0) AS n FROM sources s LEFT JOIN (SELECT source_id, sum(n) AS n FROM article_counts GROUP BY source_id) totals " +
  "ON totals.source_id = s.id";

/**
 * The `limit` sources with the most articles (ties by id), for the reader's filter forms: one
 * bounded query however many sources there are. Given a reader that spans the period databases,
 * the map rides along; once articles have moved, the ranking adds the periods' counts to every
 * source's live count (read again with the map, so the two agree): a second round trip, and rows
 * in the number of sources, only then.
 */
export async function busiestSources(db: D1Reader, limit: number): Promise<SourceChoice[]> {
  const periods = periodsOf(db);
  if (!periods) return (await db.prepare(BUSIEST_SQL).bind(limit).all<SourceChoice>()).results;
  const [first, top] = await db.batch<unknown>([shardMapStatement(db), db.prepare(BUSIEST_SQL).bind(limit)]);
  if (!parseShardMap(first!.results[0] as MapRow).boundary) return top!.results as SourceChoice[];
  const [again, every] = await db.batch<unknown>([shardMapStatement(db), db.prepare(EVERY_COUNT_SQL)]);
  const moved = await periodSourceCounts(periods, parseShardMap(again!.results[0] as MapRow));
  return (every!.results as (SourceChoice & { n: number })[])
    .map((s) => ({ id: s.id, name: s.name, n: s.n + (moved.get(s.id) ?? 0) }))
    .sort((a, b) => b.n - a.n || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, Math.max(0, limit))
    .map(({ id, name }) => ({ id, name }));
}

/** The named sources that exist (for at most 50 ids, as a filter holds). */
export async function sourcesByIds(db: D1Reader, ids: string[]): Promise<SourceChoice[]> {
  const wanted = ids.slice(0, 50);
  if (!wanted.length) return [];
  const list = wanted.map((_, i) => `?${i + 1}`).join(", ");
  return (await db.prepare(`SELECT id, name FROM sources WHERE id IN (${list})`).bind(...wanted).all<SourceChoice>()).results;
}

const LANGUAGES_SQL = "SELECT DISTINCT language FROM sources WHERE language IS NOT NULL ORDER BY language LIMIT 200";

/** Every language some source declares (a short list: one row per distinct tag). */
export async function sourceLanguages(db: D1Reader): Promise<string[]> {
  const { results } = await db.prepare(LANGUAGES_SQL).all<{ language: string | null }>();
  return results.flatMap((row) => (row.language ? [row.language] : []));
}

const SOURCE_SQL = `SELECT ${SOURCE_COLUMNS} FROM sources WHERE id = ?1`;
const SOURCE_COUNT_SQL = "SELECT coalesce(sum(n), 0) AS n FROM article_counts WHERE source_id = ?1";

/** One source with its article count (the periods' included given a reader that spans them, as listSourcesPage). */
export async function getSourceHealth(db: D1Reader, id: string): Promise<SourceHealth | null> {
  const periods = periodsOf(db);
  const [rows, counts, mapRow] = await db.batch<unknown>([
    db.prepare(SOURCE_SQL).bind(id),
    db.prepare(SOURCE_COUNT_SQL).bind(id),
    ...(periods ? [shardMapStatement(db)] : []),
  ]);
  const row = rows!.results[0] as StoredSource | undefined;
  if (!row) return null;
  const moved = periods && mapRow ? (await periodSourceCounts(periods, parseShardMap(mapRow.results[0] as MapRow))).get(id) ?? 0 : 0;
  return toHealth(toRow(row), ((counts!.results[0] as { n: number } | undefined)?.n ?? 0) + moved);
}

export async function getSource(db: D1Reader, id: string): Promise<SourceRow | null> {
  const row = await db.prepare(SOURCE_SQL).bind(id).first<StoredSource>();
  return row ? toRow(row) : null;
}

const INSERT_SQL =
  "INSERT INTO sources (id, name, url, homepage, language, story_scope, story_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING RETURNING id";

/** Inserts a source; false when the id is taken. */
export async function insertSource(db: D1Reader, source: NewSource): Promise<boolean> {
  const { results } = await db
    .prepare(INSERT_SQL)
    .bind(source.id, source.name, source.url, source.homepage ?? null, source.language ?? null, source.storyScope ?? null, source.storyKey ?? null)
    .all();
  return results.length === 1;
}

/** The column each changeable field is stored in. */
const CHANGE_COLUMNS: Record<keyof SourceChanges, string> = {
  name: "name",
  url: "url",
  homepage: "homepage",
  language: "language",
  enabled: "enabled",
  storyScope: "story_scope",
  storyKey: "story_key",
};

export async function updateSource(db: D1Reader, id: string, changes: SourceChanges): Promise<boolean> {
  const params: unknown[] = [id];
  const bind = (value: unknown) => `?${params.push(value)}`;
  const set = new Map<string, string>();
  for (const [field, column] of Object.entries(CHANGE_COLUMNS) as [keyof SourceChanges, string][]) {
    const value = changes[field];
    if (value !== undefined) set.set(column, bind(typeof value === "boolean" ? (value ? 1 : 0) : value));
  }
  // A changed translation mapping regroups items only as they are normalized again: forget
  // validators and make the source due now, so the next refresh re-reads the whole feed.
  // SET expressions see the row as it was before the update, so this compares old and new.
  const differs = [
    ...(changes.storyScope !== undefined ? [`story_scope IS NOT ${set.get("story_scope")}`] : []),
    ...(changes.storyKey !== undefined ? [`story_key IS NOT ${set.get("story_key")}`] : []),
  ];
  if (differs.length) {
    for (const column of ["etag", "last_modified", "next_fetch_at"]) set.set(column, `CASE WHEN ${differs.join(" OR ")} THEN NULL ELSE ${column} END`);
  }
  // A new URL is a new upstream: forget validators and make it due now.
  if (changes.url !== undefined) {
    for (const column of ["etag", "last_modified", "next_fetch_at"]) set.set(column, "NULL");
    set.set("consecutive_errors", "0");
  }
  set.set("updated_at", "strftime('%Y-%m-%dT%H:%M:%SZ','now')");
  const assignments = [...set].map(([column, value]) => `${column} = ${value}`).join(", ");
  const { results } = await db.prepare(`UPDATE sources SET ${assignments} WHERE id = ?1 RETURNING id`).bind(...params).all();
  return results.length === 1;
}

const DELETE_SQL = "DELETE FROM sources WHERE id = ?1 RETURNING id";
const PURGE_SQL = "DELETE FROM articles WHERE source_id = ?1";

/**
 * Removes a source from the live database; its live articles stay unless `purge` (the FTS rows
 * follow by trigger). `source`: whether it existed; `articles`: live articles purged (a purge
 * repeated after the source went still removes what is left of it). Articles in period
 * databases are the caller's (db/shard-purge.ts).
 */
export async function deleteSource(db: D1Reader, id: string, purge: boolean): Promise<{ source: boolean; articles: number }> {
  const statements = [db.prepare(DELETE_SQL).bind(id), ...(purge ? [db.prepare(PURGE_SQL).bind(id)] : [])];
  const [deleted, purged] = await db.batch(statements);
  return { source: deleted!.results.length === 1, articles: purged?.meta.changes ?? 0 };
}

/** Enabled sources whose next fetch time has come (all enabled ones when forced). */
export async function dueSources(db: D1Reader, now: string, opts: { force: boolean; sourceId?: string; limit: number }): Promise<SourceRow[]> {
  const params: unknown[] = [Math.max(0, Math.floor(opts.limit))];
  const bind = (value: unknown) => `?${params.push(value)}`;
  const conditions = ["enabled = 1"];
  if (opts.sourceId) conditions.push(`id = ${bind(opts.sourceId)}`);
  if (!opts.force) conditions.push(`(next_fetch_at IS NULL OR next_fetch_at <= ${bind(now)})`);
  const query = `SELECT ${SOURCE_COLUMNS} FROM sources WHERE ${conditions.join(" AND ")} ORDER BY coalesce(next_fetch_at, ''), id LIMIT ?1`;
  const { results } = await db.prepare(query).bind(...params).all<StoredSource>();
  return results.map(toRow);
}

/** Marks sources as not due until `until` (they have been handed to the refresh queue). */
export async function claimSources(d1: D1Database, ids: string[], until: string): Promise<void> {
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < ids.length; i += 90) {
    const chunk = ids.slice(i, i + 90);
    statements.push(d1.prepare(`UPDATE sources SET next_fetch_at = ? WHERE id IN (${chunk.map(() => "?").join(",")})`).bind(until, ...chunk));
  }
  if (statements.length) await d1.batch(statements);
}
