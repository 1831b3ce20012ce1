import { FTS_FIELDS, indexStatement, indexText, jsonChunks, unindexChangedStatement } from "./fts";
import type { Boundary } from "./shards";

/**
 * The mover's reads and writes (archive/move.ts runs them): the oldest live rows, copied with
 * every column and the same pk into their period's database, checked there, then deleted from
 * the live database in ONE batch that also advances the boundary (docs/CAPACITY.md).
 */

/** Every column of an article row, in the order the copy sends them. */
const COLUMNS = [
  "pk", "id", "source_id", "guid", "dedupe_key", "url", "title", "slug", "summary", "content_html", "content_text", "image", "author",
  "tags", "language", "published_at", "updated_at", "fetched_at", "first_seen_at", "content_hash", "story_group", "body_ref",
] as const;

/** An article row as the mover reads and copies it. */
export interface MovingRow {
  pk: number;
  id: string;
  source_id: string;
  guid: string | null;
  dedupe_key: string;
  url: string | null;
  title: string;
  slug: string;
  summary: string;
  content_html: string;
  content_text: string;
  image: string | null;
  author: string | null;
  tags: string;
  language: string;
  published_at: string;
  updated_at: string;
  fetched_at: string;
  first_seen_at: string;
  content_hash: string;
  story_group: string | null;
  body_ref: string | null;
}

const LIST = COLUMNS.join(", ");

/**
 * The oldest live rows published before `before`, in keyset order (published_at, pk): rows
 * already before the boundary (stragglers a feed brought after their period moved) come first
 * by that order. At most `limit` rows, cut where their text passes `maxChars` (the first row
 * always goes), so a slice of large bodies still fits one statement's bound JSON.
 */
export async function readDueRows(db: D1Database, before: string, limit: number, maxChars: number): Promise<MovingRow[]> {
  const { results } = await db
    .prepare(
      `SELECT ${LIST} FROM (SELECT ${LIST}, row_number() OVER w AS n,
          sum(length(title) + length(summary) + length(content_html) + length(content_text)) OVER w AS running
        FROM (SELECT ${LIST} FROM articles INDEXED BY articles_published_idx WHERE published_at < ?1 ORDER BY published_at, pk LIMIT ?2)
        WINDOW w AS (ORDER BY published_at, pk ROWS UNBOUNDED PRECEDING))
      WHERE n = 1 OR running <= ?3 ORDER BY published_at, pk`,
    )
    .bind(before, limit, maxChars)
    .all<MovingRow>();
  return results;
}

/** The first live row due to move, for the capacity report (which date needs a period). */
export async function firstDueRow(db: D1Database, before: string): Promise<{ published_at: string; pk: number } | null> {
  return db
    .prepare("SELECT published_at, pk FROM articles INDEXED BY articles_published_idx WHERE published_at < ? ORDER BY published_at, pk LIMIT 1")
    .bind(before)
    .first();
}

const CHUNK_BYTES = 1_000_000;
const at = (i: number) => `j.value ->> '$[${i}]'`;

/**
 * The copy as an upsert on pk: a repeated slice, or a row a refresh changed since an earlier
 * copy, overwrites the period's row in full.
 */
const COPY = `INSERT INTO articles (${LIST}) SELECT ${COLUMNS.map((_, i) => at(i)).join(", ")} FROM json_each(?1) AS j WHERE true
  ON CONFLICT (pk) DO UPDATE SET ${COLUMNS.filter((c) => c !== "pk").map((c) => `${c} = excluded.${c}`).join(", ")}`;

/** How many of the rows (pk, content hash) are in the database with that content and a search entry. */
const VERIFY = `SELECT count(*) AS n FROM json_each(?1) AS j JOIN articles AS a ON a.pk = ${at(0)} AND a.content_hash = ${at(1)}
  WHERE EXISTS (SELECT 1 FROM articles_fts AS f WHERE f.rowid = a.pk)`;

/** The (pk, content hash) pairs that identify a slice's rows as copied. */
export const keysOf = (rows: readonly MovingRow[]) => JSON.stringify(rows.map((r) => [r.pk, r.content_hash]));

/**
 * Writes rows and their search entries into a period's database in ONE batch (a transaction),
 * then reads back that every row is there with the copied content hash and an entry. The
 * entry is built by the index writer the store uses (db/fts.ts) from title, summary and body
 * (`bodies`: the text of archived bodies, read back from R2; a row missing from it is indexed
 * by title and summary, as the reindex does). Throws when the check fails; returns the
 * statements it sent (D1 counts each toward an invocation's queries).
 */
export async function copyRows(db: D1Database, rows: readonly MovingRow[], bodies: ReadonlyMap<string, string>): Promise<number> {
  const entries = rows.map((r) => {
    const entry: unknown[] = [];
    entry[FTS_FIELDS.id] = r.id;
    entry[FTS_FIELDS.contentHash] = r.content_hash;
    const text = r.body_ref === null ? r.content_text : (bodies.get(r.id) ?? "");
    [entry[FTS_FIELDS.indexTitle], entry[FTS_FIELDS.indexBody]] = indexText({ title: r.title, summary: r.summary, contentText: text });
    return JSON.stringify(entry);
  });
  const entryChunks = jsonChunks(entries, CHUNK_BYTES);
  const rowChunks = jsonChunks(rows.map((r) => JSON.stringify(COLUMNS.map((c) => r[c]))), CHUNK_BYTES);
  const statements = [
    // A row of the same id under another pk is a stale copy (its live row went, and the article
    // came back under a new pk): the row being moved is the article. Its trigger drops its entry.
    db.prepare(`DELETE FROM articles WHERE id IN (SELECT ${at(1)} FROM json_each(?1) AS j) AND pk NOT IN (SELECT ${at(0)} FROM json_each(?1) AS j)`).bind(
      JSON.stringify(rows.map((r) => [r.pk, r.id])),
    ),
    // An earlier copy of a row whose content changed since loses its entry before the row is overwritten.
    ...entryChunks.map((chunk) => unindexChangedStatement(db, chunk)),
    ...rowChunks.map((chunk) => db.prepare(COPY).bind(chunk)),
    ...entryChunks.map((chunk) => indexStatement(db, chunk)),
  ];
  await db.batch(statements);
  const found = await db.prepare(VERIFY).bind(keysOf(rows)).first<{ n: number }>();
  if ((found?.n ?? 0) !== rows.length) throw new Error(`period database holds ${found?.n ?? 0} of ${rows.length} copied rows`);
  return statements.length + 1;
}

/** Copies in a period database read per sweep at most: after a failed run, a slice or two. */
const SWEEP_LIMIT = 1000;

/**
 * Copies at or past `boundary` in a period database (readers do not read them): rows copied
 * whose live delete has not committed yet. `boundary` may be older than the live one; the
 * live check below tells the rows moved since apart.
 */
export async function copiesPast(db: D1Database, boundary: Boundary | null): Promise<{ pk: number; published_at: string }[]> {
  const { results } = await db
    .prepare(
      `SELECT pk, published_at FROM articles INDEXED BY articles_published_idx
        WHERE published_at > ?1 OR (published_at = ?1 AND pk >= ?2) ORDER BY published_at, pk LIMIT ${SWEEP_LIMIT}`,
    )
    .bind(boundary?.publishedAt ?? "", boundary?.pk ?? 0)
    .all<{ pk: number; published_at: string }>();
  return results;
}

/**
 * Of those copies, the ones whose live row went (a source purged between a copy and its live
 * batch, whose guard then rolled back): orphans that readers would list once the boundary
 * passed them. The live boundary is read in the same statement, so a copy that another move
 * has meanwhile made readable is not one of them. A row gone from live is never moved again,
 * so its copy stays an orphan until deleted.
 */
export async function orphanedCopies(live: D1Database, copies: readonly { pk: number; published_at: string }[]): Promise<number[]> {
  if (!copies.length) return [];
  const { results } = await live
    .prepare(
      `SELECT ${at(0)} AS pk FROM json_each(?1) AS j
        WHERE NOT EXISTS (SELECT 1 FROM articles AS a WHERE a.pk = ${at(0)})
          AND NOT EXISTS (SELECT 1 FROM shard_boundary AS b WHERE b.id = 1 AND (b.published_at > ${at(1)} OR (b.published_at = ${at(1)} AND b.pk > ${at(0)})))`,
    )
    .bind(JSON.stringify(copies.map((c) => [c.pk, c.published_at])))
    .all<{ pk: number }>();
  return results.map((r) => r.pk);
}

/** Deletes orphaned copies from a period database (their triggers drop entries and counters). */
export async function deleteCopies(db: D1Database, pks: readonly number[]): Promise<void> {
  await db.prepare("DELETE FROM articles WHERE pk IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(pks)).run();
}

/** Thrown when the live batch rolled back because a row changed (or went) since it was copied. */
export class MoveSuperseded extends Error {}

/**
 * ONE live batch: the guard (how many of the rows changed or went since the copy: anything but
 * 0 fails move_guard's CHECK and rolls the whole batch back), the deletes (their triggers drop
 * the search entries and the counters), and the boundary advanced to just past the last row,
 * never back. Readers read the boundary in the same batch as their live rows, so they see each
 * row either here or in its period's database, never both and never neither.
 */
/** Statements of the live batch below. */
export const LIVE_BATCH_STATEMENTS = 4;

export async function deleteMoved(db: D1Database, rows: readonly MovingRow[], boundary: Boundary, now: string): Promise<void> {
  const keys = keysOf(rows);
  try {
    await db.batch([
      db
        .prepare(
          `INSERT INTO move_guard (changed) SELECT count(*) FROM json_each(?1) AS j LEFT JOIN articles AS a ON a.pk = ${at(0)}
            WHERE a.content_hash IS NOT ${at(1)}`,
        )
        .bind(keys),
      db.prepare("DELETE FROM move_guard"),
      db.prepare(`DELETE FROM articles WHERE pk IN (SELECT ${at(0)} FROM json_each(?1) AS j)`).bind(keys),
      db
        .prepare(
          `INSERT INTO shard_boundary (id, published_at, pk, updated_at) VALUES (1, ?1, ?2, ?3)
            ON CONFLICT (id) DO UPDATE SET published_at = excluded.published_at, pk = excluded.pk, updated_at = excluded.updated_at
            WHERE (excluded.published_at, excluded.pk) > (shard_boundary.published_at, shard_boundary.pk)`,
        )
        .bind(boundary.publishedAt, boundary.pk, now),
    ]);
  } catch (err) {
    if (/CHECK constraint failed/i.test(String(err))) throw new MoveSuperseded("a row changed since it was copied; the slice is copied again");
    throw err;
  }
}
