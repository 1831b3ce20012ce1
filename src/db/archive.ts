import { jsonChunks } from "./fts";

/** An article whose body is due to leave D1. */
export interface BodyRow {
  pk: number;
  id: string;
  content_hash: string;
  content_html: string;
  content_text: string;
}

/** Where an archived body went ("<key> <offset> <length>", see archive/packs.ts). */
export interface ArchivedBody {
  id: string;
  content_hash: string;
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
      `SELECT pk, id, content_hash, content_html, content_text FROM articles INDEXED BY articles_unarchived_idx
        WHERE body_ref IS NULL AND published_at < ? ORDER BY published_at, pk LIMIT ?`,
    )
    .bind(before, limit)
    .all<BodyRow>();
  return results;
}

const CHUNK_BYTES = 1_000_000;

/**
 * Clears the bodies now safe in R2, in ONE batch: each row's body columns are emptied and its
 * address set, only while its content hash is the one archived and it has no body_ref yet. A
 * refresh that rewrote the article in between keeps its new body in D1. The search entry is
 * left as it is: the index is contentless (migration 0011), so it holds the body's words
 * without a copy of the body, and an archived article stays found by any word of it.
 * Returns the number of rows cleared.
 */
export async function clearArchivedBodies(db: D1Database, rows: readonly ArchivedBody[]): Promise<number> {
  if (!rows.length) return 0;
  const json = rows.map((r) => JSON.stringify([r.id, r.content_hash, r.ref]));
  const statements = jsonChunks(json, CHUNK_BYTES).map((chunk) =>
    db
      .prepare(
        `UPDATE articles SET content_html = '', content_text = '', body_ref = j.value ->> '$[2]' FROM json_each(?1) AS j
          WHERE articles.id = j.value ->> '$[0]' AND articles.content_hash = j.value ->> '$[1]'
            AND articles.body_ref IS NULL RETURNING articles.pk`,
      )
      .bind(chunk),
  );
  const results = await db.batch(statements);
  return results.reduce((n, r) => n + r.results.length, 0);
}
