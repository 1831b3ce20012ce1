import { FTS_FIELDS, indexStatement, indexText, jsonChunks, unindexSameStatement } from "./fts";

/**
 * Rebuilds the FTS index (derived data) from the articles table and the archived bodies in
 * R2, a bounded slice per call so any corpus fits D1's limits: at most 100 bound parameters
 * per statement and 1,000 queries per invocation. Articles are visited in pk order from a
 * cursor; each chunk is one atomic batch that also drops index rows whose article is gone.
 * Search keeps working meanwhile.
 */

export interface ReindexOptions {
  /** Continue after this article pk (0: from the start). */
  cursor: number;
  /** Articles to visit in this call. */
  limit: number;
}

export interface ReindexReport {
  /** Articles (re)indexed by this call. */
  indexed: number;
  /** Pass as `cursor` to continue; null when the whole table has been visited. */
  next_cursor: number | null;
}

interface ArticleText {
  pk: number;
  id: string;
  content_hash: string;
  title: string;
  summary: string;
  content_text: string;
  body_ref: string | null;
}

/** An article whose body is archived in R2 (src/archive/), as the reindex asks for its text. */
export interface ArchivedRow {
  id: string;
  content_hash: string;
  body_ref: string;
}

/**
 * The body text of archived articles by article id (src/archive/texts.ts reads it from R2). An
 * article left out of the map is indexed by its title and summary.
 */
export type ArchivedTexts = (rows: readonly ArchivedRow[]) => Promise<Map<string, string>>;

const CHUNK = 100;
/** Bytes of analyzed text per write statement, as in the article store (db/store.ts). */
const CHUNK_BYTES = 1_000_000;
export const MAX_REINDEX_LIMIT = 5000;

/**
 * Statements that replace the index rows of `rows`, through the same index writer as the
 * article store (db/fts.ts). Each write is guarded by the content hash read with the text: an
 * article that a refresh changed in between keeps the row the refresh wrote, rather than
 * getting this older analysis.
 */
function chunkStatements(db: D1Database, rows: ArticleText[], after: number, archived: Map<string, string>): D1PreparedStatement[] {
  const last = rows[rows.length - 1]!.pk;
  const statements = [
    db
      .prepare(
        "DELETE FROM articles_fts WHERE rowid > ?1 AND rowid <= ?2 AND rowid NOT IN (SELECT pk FROM articles WHERE pk > ?1 AND pk <= ?2)",
      )
      .bind(after, last),
  ];
  const json = rows.map((r) => {
    const row: unknown[] = [];
    row[FTS_FIELDS.id] = r.id;
    row[FTS_FIELDS.contentHash] = r.content_hash;
    [row[FTS_FIELDS.indexTitle], row[FTS_FIELDS.indexBody]] = indexText({
      title: r.title,
      summary: r.summary,
      contentText: r.body_ref === null ? r.content_text : (archived.get(r.id) ?? ""),
    });
    return JSON.stringify(row);
  });
  for (const chunk of jsonChunks(json, CHUNK_BYTES)) statements.push(unindexSameStatement(db, chunk), indexStatement(db, chunk));
  return statements;
}

/**
 * The index is contentless (migration 0011): an entry can only be rebuilt from the text itself,
 * so the body of an archived article is read back from R2 through `archivedTexts`, and its new
 * entry holds every word of the body, like the one archival left in place.
 */
export async function reindexArticles(db: D1Database, options: ReindexOptions, archivedTexts: ArchivedTexts): Promise<ReindexReport> {
  const limit = Math.min(Math.max(1, Math.floor(options.limit)), MAX_REINDEX_LIMIT);
  let after = Math.max(0, Math.floor(options.cursor));
  let indexed = 0;
  while (indexed < limit) {
    const size = Math.min(CHUNK, limit - indexed);
    const { results: rows } = await db
      .prepare("SELECT pk, id, content_hash, title, summary, content_text, body_ref FROM articles WHERE pk > ? ORDER BY pk LIMIT ?")
      .bind(after, size)
      .all<ArticleText>();
    if (rows.length === 0) break;
    const archived = rows.filter((r): r is ArticleText & ArchivedRow => r.body_ref !== null);
    const texts = archived.length ? await archivedTexts(archived) : new Map<string, string>();
    await db.batch(chunkStatements(db, rows, after, texts));
    indexed += rows.length;
    after = rows[rows.length - 1]!.pk;
    if (rows.length < size) break;
  }
  if (indexed < limit) {
    // The end of the table: index rows past the last article belong to deleted articles.
    await db.prepare("DELETE FROM articles_fts WHERE rowid > ?").bind(after).run();
    return { indexed, next_cursor: null };
  }
  return { indexed, next_cursor: after };
}
