import { FTS_FIELDS, indexStatement, indexText, jsonChunks, jsonField, unindexSameStatement } from "./fts";

/** An article whose body is due to leave D1, with what its search entry is rebuilt from. */
export interface BodyRow {
  pk: number;
  id: string;
  content_hash: string;
  title: string;
  summary: string;
  content_html: string;
  content_text: string;
}

/** Where an archived body went ("<key> <offset> <length>", see archive/packs.ts). */
export interface ArchivedBody {
  id: string;
  content_hash: string;
  title: string;
  summary: string;
  ref: string;
}

/**
 * The oldest articles published before `before` that still hold their body. The partial index
 * of migration 0009 lists exactly those rows, so a slice reads about `limit` rows wherever the
 * archive has got to.
 */
export async function readUnarchived(db: D1Database, before: string, limit: number): Promise<BodyRow[]> {
  const { results } = await db
    .prepare(
      `SELECT pk, id, content_hash, title, summary, content_html, content_text FROM articles INDEXED BY articles_unarchived_idx
        WHERE body_ref IS NULL AND published_at < ? ORDER BY published_at, pk LIMIT ?`,
    )
    .bind(before, limit)
    .all<BodyRow>();
  return results;
}

const REF = FTS_FIELDS.indexBody + 1;
const CHUNK_BYTES = 1_000_000;

/**
 * Clears the bodies now safe in R2, in ONE batch: each row's search entry is rebuilt from its
 * title and summary (through the one index writer, db/fts.ts) and its body columns emptied,
 * only while its content hash is the one archived and it has no body_ref yet. A refresh that
 * rewrote the article in between keeps its new body in D1 (and its full search entry).
 * Returns the number of rows cleared.
 */
export async function clearArchivedBodies(db: D1Database, rows: readonly ArchivedBody[]): Promise<number> {
  if (!rows.length) return 0;
  const json = rows.map((r) => {
    const row: unknown[] = [];
    row[FTS_FIELDS.id] = r.id;
    row[FTS_FIELDS.contentHash] = r.content_hash;
    [row[FTS_FIELDS.indexTitle], row[FTS_FIELDS.indexBody]] = indexText({ title: r.title, summary: r.summary, contentText: "" });
    row[REF] = r.ref;
    return JSON.stringify(row);
  });
  const statements: D1PreparedStatement[] = [];
  const clears: number[] = [];
  for (const chunk of jsonChunks(json, CHUNK_BYTES)) {
    statements.push(unindexSameStatement(db, chunk), indexStatement(db, chunk));
    clears.push(statements.length);
    statements.push(
      db
        .prepare(
          `UPDATE articles SET content_html = '', content_text = '', body_ref = ${jsonField(REF)} FROM json_each(?1) AS j
            WHERE articles.id = ${jsonField(FTS_FIELDS.id)} AND articles.content_hash = ${jsonField(FTS_FIELDS.contentHash)}
              AND articles.body_ref IS NULL RETURNING articles.pk`,
        )
        .bind(chunk),
    );
  }
  // Counted from RETURNING: the change count of a statement also counts what its triggers wrote.
  const results = await db.batch(statements);
  return clears.reduce((n, i) => n + results[i]!.results.length, 0);
}
