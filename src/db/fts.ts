import { analyzeForIndex } from "../search/analyze";
import { scopeSqlOf } from "../search/scope";

/**
 * The one writer of the full-text index, shared by the article store (db/store.ts) and the
 * reindex (db/reindex.ts). Articles reach it as JSON arrays in one bound parameter per chunk
 * (D1 binds at most 100 parameters per statement); every row starts with these fields:
 */
export const FTS_FIELDS = { id: 0, contentHash: 1, indexTitle: 2, indexBody: 3 } as const;

/** SQL reading field `pos` of the current json_each row. */
export const jsonField = (pos: number, alias = "j") => `${alias}.value ->> '$[${pos}]'`;

/** The analyzed text an article is indexed under (search/analyze.ts), same for both writers. */
export function indexText(a: { title: string; summary: string; contentText: string }): [title: string, body: string] {
  return [analyzeForIndex(a.title), analyzeForIndex(`${a.summary}\n${a.contentText}`)];
}

const id = jsonField(FTS_FIELDS.id);
const hash = jsonField(FTS_FIELDS.contentHash);

/**
 * Every article of the chunk that has no index entry gets one, from the analyzed text and the
 * scope tokens of its language and source (search/scope.ts), as long as the article still has
 * the content the text was analyzed from: a row changed in between keeps what its writer wrote.
 */
const INDEX = `INSERT INTO articles_fts (rowid, title, body, scope)
  SELECT a.pk, ${jsonField(FTS_FIELDS.indexTitle)}, ${jsonField(FTS_FIELDS.indexBody)}, ${scopeSqlOf("a")}
  FROM json_each(?1) AS j JOIN articles AS a ON a.id = ${id}
  WHERE a.content_hash IS ${hash} AND NOT EXISTS (SELECT 1 FROM articles_fts AS f WHERE f.rowid = a.pk)`;

/** Drops the entries of the chunk's articles whose content differs from the chunk's (about to be rewritten). */
const UNINDEX_CHANGED = `DELETE FROM articles_fts WHERE rowid IN (
  SELECT a.pk FROM json_each(?1) AS j JOIN articles AS a ON a.id = ${id} WHERE a.content_hash IS NOT ${hash})`;

/** Drops the entries of the chunk's articles whose content is the chunk's (about to be rebuilt). */
const UNINDEX_SAME = `DELETE FROM articles_fts WHERE rowid IN (
  SELECT a.pk FROM json_each(?1) AS j JOIN articles AS a ON a.id = ${id} WHERE a.content_hash IS ${hash})`;

export const indexStatement = (db: D1Database, chunk: string) => db.prepare(INDEX).bind(chunk);
/**
 * With `sourceId` (the store's, in the live database), entries are dropped only while the source
 * exists: the upsert then writes nothing for a source deleted meanwhile, and its kept articles
 * must stay findable under the text they still have.
 */
export const unindexChangedStatement = (db: D1Database, chunk: string, sourceId?: string) =>
  sourceId === undefined
    ? db.prepare(UNINDEX_CHANGED).bind(chunk)
    : db.prepare(`${UNINDEX_CHANGED} AND EXISTS (SELECT 1 FROM sources WHERE id = ?2)`).bind(chunk, sourceId);
export const unindexSameStatement = (db: D1Database, chunk: string) => db.prepare(UNINDEX_SAME).bind(chunk);

const encoder = new TextEncoder();

/** UTF-8 size of a string: D1's limits are in bytes, and CJK text takes 3 per character. */
export const byteLength = (text: string) => encoder.encode(text).length;

/** JSON arrays of rows, each under `limit` bytes (a row larger than that goes alone). */
export function jsonChunks(rows: readonly string[], limit: number): string[] {
  const chunks: string[] = [];
  let parts: string[] = [];
  let bytes = 2;
  for (const json of rows) {
    const size = byteLength(json) + 1;
    if (parts.length && bytes + size > limit) {
      chunks.push(`[${parts.join(",")}]`);
      parts = [];
      bytes = 2;
    }
    parts.push(json);
    bytes += size;
  }
  if (parts.length) chunks.push(`[${parts.join(",")}]`);
  return chunks;
}
