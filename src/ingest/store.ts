import { analyzeForIndex } from "../search/analyze";
import type { NormalizedArticle } from "./normalize";

/** Fetch state written with the articles, in the same atomic batch. */
export interface SourceStateUpdate {
  sourceId: string;
  etag: string | null;
  lastModified: string | null;
  httpStatus: number;
  status: "ok" | "not_modified";
  nextFetchAt: string;
}

export interface StoreCounts {
  new: number;
  updated: number;
  unchanged: number;
}

interface ExistingRow {
  id: string;
  content_hash: string;
  published_at: string;
}

const ID_CHUNK = 90; // D1 binds at most 100 parameters per statement.

async function existingRows(db: D1Database, ids: string[]): Promise<Map<string, ExistingRow>> {
  const found = new Map<string, ExistingRow>();
  const chunks: D1PreparedStatement[] = [];
  for (let i = 0; i < ids.length; i += ID_CHUNK) {
    const chunk = ids.slice(i, i + ID_CHUNK);
    chunks.push(
      db.prepare(`SELECT id, content_hash, published_at FROM articles WHERE id IN (${chunk.map(() => "?").join(",")})`).bind(...chunk),
    );
  }
  if (!chunks.length) return found;
  for (const result of await db.batch<ExistingRow>(chunks)) {
    for (const row of result.results) found.set(row.id, row);
  }
  return found;
}

function indexStatements(db: D1Database, a: NormalizedArticle): D1PreparedStatement[] {
  const body = `${a.summary}\n${a.contentText}`;
  return [
    db.prepare("DELETE FROM articles_fts WHERE rowid = (SELECT pk FROM articles WHERE id = ?)").bind(a.id),
    db
      .prepare("INSERT INTO articles_fts (rowid, title, body) SELECT pk, ?, ? FROM articles WHERE id = ?")
      .bind(analyzeForIndex(a.title), analyzeForIndex(body), a.id),
  ];
}

/**
 * Writes a source's items and its fetch state in ONE D1 batch (a transaction): either all of
 * it lands or none does. Unchanged items cost no write; a changed item is updated in place
 * (same id) with `updated_at` set, never duplicated. The unique (source, dedupe key) index is
 * the last line of defence against a concurrent run inserting the same item.
 */
export async function storeArticles(db: D1Database, items: NormalizedArticle[], state: SourceStateUpdate, now: string): Promise<StoreCounts> {
  const existing = await existingRows(db, items.map((a) => a.id));
  const counts: StoreCounts = { new: 0, updated: 0, unchanged: 0 };
  const statements: D1PreparedStatement[] = [];
  for (const a of items) {
    const before = existing.get(a.id);
    if (before && before.content_hash === a.contentHash) {
      counts.unchanged++;
      continue;
    }
    const tags = JSON.stringify(a.tags);
    if (before) {
      counts.updated++;
      statements.push(
        db
          .prepare(
            `UPDATE articles SET url = ?, title = ?, slug = ?, summary = ?, content_html = ?, content_text = ?, image = ?,
               author = ?, tags = ?, language = ?, published_at = ?, updated_at = ?, fetched_at = ?, content_hash = ?,
               story_group = ? WHERE id = ?`,
          )
          .bind(a.url, a.title, a.slug, a.summary, a.contentHtml, a.contentText, a.image, a.author, tags, a.language,
            a.publishedAt ?? before.published_at, now, now,
            a.contentHash, a.storyGroup, a.id),
        ...indexStatements(db, a),
      );
    } else {
      counts.new++;
      const published = a.publishedAt ?? now;
      statements.push(
        db
          .prepare(
            `INSERT INTO articles (id, source_id, guid, dedupe_key, url, title, slug, summary, content_html, content_text,
               image, author, tags, language, published_at, updated_at, fetched_at, first_seen_at, content_hash, story_group)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
          )
          .bind(a.id, state.sourceId, a.guid, a.dedupeKey, a.url, a.title, a.slug, a.summary, a.contentHtml, a.contentText,
            a.image, a.author, tags, a.language, published, a.updatedAt ?? published, now, now, a.contentHash, a.storyGroup),
        ...indexStatements(db, a),
      );
    }
  }
  statements.push(
    db
      .prepare(
        `UPDATE sources SET etag = ?, last_modified = ?, last_fetched_at = ?, last_status = ?, last_http_status = ?,
           last_error = NULL, consecutive_errors = 0, next_fetch_at = ? WHERE id = ?`,
      )
      .bind(state.etag, state.lastModified, now, state.status, state.httpStatus, state.nextFetchAt, state.sourceId),
  );
  await db.batch(statements);
  return counts;
}

export interface SourceFailure {
  sourceId: string;
  httpStatus: number | null;
  message: string;
  consecutiveErrors: number;
  nextFetchAt: string;
}

export async function recordSourceFailure(db: D1Database, failure: SourceFailure, now: string): Promise<void> {
  await db
    .prepare(
      `UPDATE sources SET last_fetched_at = ?, last_status = 'error', last_http_status = ?, last_error = ?,
         consecutive_errors = ?, next_fetch_at = ? WHERE id = ?`,
    )
    .bind(now, failure.httpStatus, failure.message.slice(0, 500), failure.consecutiveErrors, failure.nextFetchAt, failure.sourceId)
    .run();
}
