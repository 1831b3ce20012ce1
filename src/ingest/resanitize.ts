import { type ArticleBodyUpdate, readArticleBodies, rewriteArticleBodies } from "../db/article-bodies";
import { SUMMARY_MAX, truncateText } from "./normalize";
import { sanitizeHtml } from "./sanitize";

/**
 * Runs stored article bodies through the current sanitizer, a bounded slice per call (like
 * the reindex), so articles stored by an older, laxer sanitizer are cleaned without a refetch.
 * A summary that was derived from the body (the feed gave none) is derived again; one the feed
 * gave is plain text already and stays.
 */

export interface ResanitizeOptions {
  /** Continue after this article pk (0: from the start). */
  cursor: number;
  /** Articles to visit in this call. */
  limit: number;
}

export interface ResanitizeReport {
  processed: number;
  /** Articles whose stored HTML, text or summary changed. */
  changed: number;
  /** Pass as `cursor` to continue; null when the whole table has been visited. */
  next_cursor: number | null;
}

const CHUNK = 100;
/** Bodies are up to 200 KB each: a call stays well inside a Worker's memory and CPU time. */
export const MAX_RESANITIZE_LIMIT = 1000;

const summaryOf = (text: string) => truncateText(text.replace(/\s+/g, " "), SUMMARY_MAX);

export async function resanitizeArticles(db: D1Database, options: ResanitizeOptions): Promise<ResanitizeReport> {
  const limit = Math.min(Math.max(1, Math.floor(options.limit)), MAX_RESANITIZE_LIMIT);
  let after = Math.max(0, Math.floor(options.cursor));
  let processed = 0;
  let changed = 0;
  while (processed < limit) {
    const size = Math.min(CHUNK, limit - processed);
    const rows = await readArticleBodies(db, after, size);
    if (rows.length === 0) break;
    const updates: ArticleBodyUpdate[] = [];
    for (const row of rows) {
      const clean = sanitizeHtml(row.content_html, row.url);
      const derived = row.summary === summaryOf(row.content_text);
      const summary = derived ? summaryOf(clean.text) : row.summary;
      if (clean.html === row.content_html && clean.text === row.content_text && summary === row.summary) continue;
      updates.push({ pk: row.pk, content_hash: row.content_hash, title: row.title, summary, content_html: clean.html, content_text: clean.text });
    }
    await rewriteArticleBodies(db, updates);
    changed += updates.length;
    processed += rows.length;
    after = rows[rows.length - 1]!.pk;
    if (rows.length < size) return { processed, changed, next_cursor: null };
  }
  return { processed, changed, next_cursor: processed < limit ? null : after };
}
