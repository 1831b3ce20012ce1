import { analyzeForIndex } from "../search/analyze";
import { scopeSqlOf } from "../search/scope";

/** The stored text of an article that a re-sanitize pass reads and may rewrite. */
export interface ArticleBody {
  pk: number;
  content_hash: string;
  url: string | null;
  title: string;
  summary: string;
  content_html: string;
  content_text: string;
}

/** A rewritten body; `content_hash` is the one read with it (the write is guarded by it). */
export type ArticleBodyUpdate = Pick<ArticleBody, "pk" | "content_hash" | "title" | "summary" | "content_html" | "content_text">;

export async function readArticleBodies(db: D1Database, after: number, limit: number): Promise<ArticleBody[]> {
  const { results } = await db
    .prepare("SELECT pk, content_hash, url, title, summary, content_html, content_text FROM articles WHERE pk > ? ORDER BY pk LIMIT ?")
    .bind(after, limit)
    .all<ArticleBody>();
  return results;
}

/** Rows travel as JSON in one bound string (as in the ingest store); groups stay under D1's 2 MB per string. */
const GROUP_BYTES = 1_000_000;
const encoder = new TextEncoder();
const field = (i: number) => `j.value ->> '$[${i}]'`;
/** Rows of the group whose stored hash is still the one read (a refresh in between wins). */
const MATCHED = `SELECT a.pk FROM json_each(?1) AS j JOIN articles AS a ON a.pk = ${field(0)} AND a.content_hash = ${field(1)}`;

/**
 * Rewrites bodies and their search index rows in ONE atomic batch. Each row is written only if
 * its content hash is unchanged since it was read: an article a refresh rewrote meanwhile keeps
 * what the refresh (with the current sanitizer) wrote.
 */
export async function rewriteArticleBodies(db: D1Database, updates: readonly ArticleBodyUpdate[]): Promise<void> {
  if (!updates.length) return;
  const groups: string[] = [];
  let parts: string[] = [];
  let bytes = 0;
  for (const u of updates) {
    const row = [u.pk, u.content_hash, u.content_html, u.content_text, u.summary, analyzeForIndex(u.title), analyzeForIndex(`${u.summary}\n${u.content_text}`)];
    const json = JSON.stringify(row);
    const size = encoder.encode(json).length + 1;
    if (parts.length && bytes + size > GROUP_BYTES) {
      groups.push(`[${parts.join(",")}]`);
      parts = [];
      bytes = 0;
    }
    parts.push(json);
    bytes += size;
  }
  groups.push(`[${parts.join(",")}]`);
  const statements: D1PreparedStatement[] = [];
  for (const group of groups) {
    statements.push(
      db.prepare(`DELETE FROM articles_fts WHERE rowid IN (${MATCHED})`).bind(group),
      db.prepare(`INSERT INTO articles_fts (rowid, title, body, scope)
          SELECT a.pk, ${field(5)}, ${field(6)}, ${scopeSqlOf("a")} FROM json_each(?1) AS j JOIN articles AS a ON a.pk = ${field(0)} AND a.content_hash = ${field(1)}`).bind(group),
      db.prepare(`UPDATE articles SET content_html = ${field(2)}, content_text = ${field(3)}, summary = ${field(4)}
          FROM json_each(?1) AS j WHERE articles.pk = ${field(0)} AND articles.content_hash = ${field(1)}`).bind(group),
    );
  }
  await db.batch(statements);
}
