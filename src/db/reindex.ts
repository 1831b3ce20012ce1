import { analyzeForIndex } from "../search/analyze";
import { scopeSqlOf } from "../search/scope";

/**
 * Rebuilds the FTS index (derived data) from the articles table, a bounded slice per call so
 * any corpus fits D1's limits: at most 100 bound parameters per statement and 1,000 queries
 * per invocation. Articles are visited in pk order from a cursor; each chunk is one atomic
 * batch that also drops index rows whose article is gone. Search keeps working meanwhile.
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
  content_hash: string;
  title: string;
  summary: string;
  content_text: string;
}

const CHUNK = 100;
/** Bound parameters per row: pk, hash (+ title, body when inserting); 100 per statement at most. */
const DELETE_ROWS = 50;
const INSERT_ROWS = 25;
export const MAX_REINDEX_LIMIT = 5000;

function groups<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const placeholders = (rows: number, width: number) =>
  Array.from({ length: rows }, () => `(${Array.from({ length: width }, () => "?").join(", ")})`).join(", ");

/**
 * Statements that replace the index rows of `rows`. Each write is guarded by the content hash
 * read with the text: an article that a refresh changed in between keeps the row the refresh
 * wrote (same batch semantics as ingest), rather than getting this older analysis.
 */
function chunkStatements(db: D1Database, rows: ArticleText[], after: number): D1PreparedStatement[] {
  const last = rows[rows.length - 1]!.pk;
  const statements = [
    db
      .prepare(
        "DELETE FROM articles_fts WHERE rowid > ?1 AND rowid <= ?2 AND rowid NOT IN (SELECT pk FROM articles WHERE pk > ?1 AND pk <= ?2)",
      )
      .bind(after, last),
  ];
  for (const group of groups(rows, DELETE_ROWS)) {
    statements.push(
      db
        .prepare(
          `WITH v(pk, hash) AS (VALUES ${placeholders(group.length, 2)}) ` +
            "DELETE FROM articles_fts WHERE rowid IN (SELECT a.pk FROM articles a JOIN v ON a.pk = v.pk AND a.content_hash = v.hash)",
        )
        .bind(...group.flatMap((r) => [r.pk, r.content_hash])),
    );
  }
  for (const group of groups(rows, INSERT_ROWS)) {
    statements.push(
      db
        .prepare(
          `WITH v(pk, hash, title, body) AS (VALUES ${placeholders(group.length, 4)}) ` +
            `INSERT INTO articles_fts (rowid, title, body, scope) SELECT v.pk, v.title, v.body, ${scopeSqlOf("a")} FROM v JOIN articles a ON a.pk = v.pk AND a.content_hash = v.hash`,
        )
        // Same analysis and columns as ingest (src/ingest/store.ts).
        .bind(...group.flatMap((r) => [r.pk, r.content_hash, analyzeForIndex(r.title), analyzeForIndex(`${r.summary}\n${r.content_text}`)])),
    );
  }
  return statements;
}

export async function reindexArticles(db: D1Database, options: ReindexOptions): Promise<ReindexReport> {
  const limit = Math.min(Math.max(1, Math.floor(options.limit)), MAX_REINDEX_LIMIT);
  let after = Math.max(0, Math.floor(options.cursor));
  let indexed = 0;
  while (indexed < limit) {
    const size = Math.min(CHUNK, limit - indexed);
    const { results: rows } = await db
      .prepare("SELECT pk, content_hash, title, summary, content_text FROM articles WHERE pk > ? ORDER BY pk LIMIT ?")
      .bind(after, size)
      .all<ArticleText>();
    if (rows.length === 0) break;
    await db.batch(chunkStatements(db, rows, after));
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
