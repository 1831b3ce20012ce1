import { and, asc, count, desc, eq, inArray, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import type { PageRequest, ResultPage, SourceHealth } from "../domain";
import type { Db } from "./articles";
import { articleCounts, articles, sources } from "./schema";

export type SourceRow = typeof sources.$inferSelect;
export type NewSource = Pick<typeof sources.$inferInsert, "id" | "name" | "url" | "homepage" | "language" | "storyScope" | "storyKey">;
export type SourceChanges = Partial<Pick<SourceRow, "name" | "url" | "homepage" | "language" | "enabled" | "storyScope" | "storyKey">>;

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

function sourceConditions(filter: SourceFilter): SQL | undefined {
  const conditions: SQL[] = [];
  if (filter.lang.length) {
    const tags = filter.lang.map((tag) => sql`(lower(${sources.language}) = ${tag} OR lower(${sources.language}) LIKE ${`${tag}-%`})`);
    conditions.push(sql`(${sql.join(tags, sql` OR `)})`);
  }
  if (filter.prefix !== null) {
    const pattern = likePrefix(filter.prefix);
    conditions.push(sql`(${sources.id} LIKE ${pattern} ESCAPE '\\' OR ${sources.name} LIKE ${pattern} ESCAPE '\\')`);
  }
  if (filter.enabled !== null) conditions.push(eq(sources.enabled, filter.enabled));
  return conditions.length ? and(...conditions) : undefined;
}

/**
 * One page of sources in id order, with the exact number that match. Article counts are read
 * for the page's sources only, so a page costs the same at 10 sources or 10,000.
 */
export async function listSourcesPage(db: Db, filter: SourceFilter, page: PageRequest): Promise<ResultPage<SourceHealth>> {
  const where = sourceConditions(filter);
  const [rows, totals] = await db.batch([
    db
      .select()
      .from(sources)
      .where(where)
      .orderBy(asc(sources.id))
      .limit(page.perPage)
      .offset((page.page - 1) * page.perPage),
    db.select({ n: count() }).from(sources).where(where),
  ]);
  const ids = rows.map((row) => row.id);
  const counts = ids.length
    ? await db
        .select({ sourceId: articleCounts.sourceId, n: sql<number>`sum(${articleCounts.n})` })
        .from(articleCounts)
        .where(sql`${articleCounts.sourceId} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`)
        .groupBy(articleCounts.sourceId)
    : [];
  const bySource = new Map(counts.map((c) => [c.sourceId, c.n]));
  return { items: rows.map((row) => toHealth(row, bySource.get(row.id) ?? 0)), total: totals[0]?.n ?? 0, page: page.page, perPage: page.perPage };
}

/** A source as a reader's filter form offers it. */
export interface SourceChoice {
  id: string;
  name: string;
}

/**
 * The `limit` sources with the most articles (ties by id), for the reader's filter forms: one
 * bounded query however many sources there are.
 */
export async function busiestSources(db: Db, limit: number): Promise<SourceChoice[]> {
  const totals = db
    .select({ sourceId: articleCounts.sourceId, n: sql<number>`sum(${articleCounts.n})`.as("n") })
    .from(articleCounts)
    .groupBy(articleCounts.sourceId)
    .as("totals");
  return db
    .select({ id: sources.id, name: sources.name })
    .from(sources)
    .leftJoin(totals, eq(totals.sourceId, sources.id))
    .orderBy(desc(sql`coalesce(${totals.n}, 0)`), asc(sources.id))
    .limit(limit);
}

/** The named sources that exist (for at most 50 ids, as a filter holds). */
export async function sourcesByIds(db: Db, ids: string[]): Promise<SourceChoice[]> {
  if (!ids.length) return [];
  return db.select({ id: sources.id, name: sources.name }).from(sources).where(inArray(sources.id, ids.slice(0, 50)));
}

/** Every language some source declares (a short list: one row per distinct tag). */
export async function sourceLanguages(db: Db): Promise<string[]> {
  const rows = await db.selectDistinct({ language: sources.language }).from(sources).where(sql`${sources.language} IS NOT NULL`).orderBy(asc(sources.language)).limit(200);
  return rows.flatMap((row) => (row.language ? [row.language] : []));
}

export async function getSourceHealth(db: Db, id: string): Promise<SourceHealth | null> {
  const [rows, counts] = await db.batch([
    db.select().from(sources).where(eq(sources.id, id)),
    db.select({ n: sql<number>`coalesce(sum(${articleCounts.n}), 0)` }).from(articleCounts).where(eq(articleCounts.sourceId, id)),
  ]);
  const row = rows[0];
  return row ? toHealth(row, counts[0]?.n ?? 0) : null;
}

export async function getSource(db: Db, id: string): Promise<SourceRow | null> {
  const [row] = await db.select().from(sources).where(eq(sources.id, id));
  return row ?? null;
}

/** Inserts a source; false when the id is taken. */
export async function insertSource(db: Db, source: NewSource): Promise<boolean> {
  const inserted = await db.insert(sources).values(source).onConflictDoNothing().returning({ id: sources.id });
  return inserted.length === 1;
}

export async function updateSource(db: Db, id: string, changes: SourceChanges): Promise<boolean> {
  const urlChanged = changes.url !== undefined;
  const updated = await db
    .update(sources)
    .set({
      ...changes,
      // A changed translation mapping regroups items only as they are normalized again: forget
      // validators and make the source due now, so the next refresh re-reads the whole feed.
      ...mappingChangeReset(changes),
      // A new URL is a new upstream: forget validators and make it due now.
      ...(urlChanged ? { etag: null, lastModified: null, nextFetchAt: null, consecutiveErrors: 0 } : {}),
      updatedAt: sql`(strftime('%Y-%m-%dT%H:%M:%SZ','now'))`,
    })
    .where(eq(sources.id, id))
    .returning({ id: sources.id });
  return updated.length === 1;
}

/** Resets of the fetch state that apply only where the stored mapping differs from `changes`. */
function mappingChangeReset(changes: SourceChanges) {
  const differs = [
    ...(changes.storyScope !== undefined ? [sql`${sources.storyScope} IS NOT ${changes.storyScope}`] : []),
    ...(changes.storyKey !== undefined ? [sql`${sources.storyKey} IS NOT ${changes.storyKey}`] : []),
  ];
  if (!differs.length) return {};
  const changed = sql.join(differs, sql` OR `);
  // SET expressions see the row as it was before the update, so this compares old and new.
  const unlessChanged = (column: typeof sources.etag | typeof sources.lastModified | typeof sources.nextFetchAt) =>
    sql`CASE WHEN ${changed} THEN NULL ELSE ${column} END`;
  return { etag: unlessChanged(sources.etag), lastModified: unlessChanged(sources.lastModified), nextFetchAt: unlessChanged(sources.nextFetchAt) };
}

/** Removes a source; its articles stay unless `purge` (the FTS rows follow by trigger). */
export async function deleteSource(db: Db, id: string, purge: boolean): Promise<boolean> {
  const statements = [db.delete(sources).where(eq(sources.id, id)).returning({ id: sources.id })] as const;
  if (!purge) {
    const [deleted] = await db.batch(statements);
    return deleted.length === 1;
  }
  const [deleted] = await db.batch([...statements, db.delete(articles).where(eq(articles.sourceId, id))]);
  return deleted.length === 1;
}

/** Enabled sources whose next fetch time has come (all enabled ones when forced). */
export async function dueSources(db: Db, now: string, opts: { force: boolean; sourceId?: string; limit: number }): Promise<SourceRow[]> {
  const conditions = [eq(sources.enabled, true)];
  if (opts.sourceId) conditions.push(eq(sources.id, opts.sourceId));
  if (!opts.force) conditions.push(or(isNull(sources.nextFetchAt), lte(sources.nextFetchAt, now))!);
  return db
    .select()
    .from(sources)
    .where(and(...conditions))
    .orderBy(sql`coalesce(${sources.nextFetchAt}, '')`, asc(sources.id))
    .limit(opts.limit);
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
