import { getStoredArticle } from "../db/articles";
import type { D1Reader } from "../db/client";
import type { ArticleDetail } from "../domain";
import { Problem } from "../errors/problem";
import { xmlEscape } from "../http/xml";
import { ArchiveReadError, readPackedBody } from "./packs";

/** R2 recovers from a failed read within seconds; a client is told to come back then. */
const ARCHIVE_RETRY_AFTER_SECONDS = 5;

/** R2 could not be read (not: a body is gone), so the client is told to retry. */
export function archiveUnavailable(): Problem {
  return new Problem({
    status: 503,
    code: "archive_unavailable",
    title: "Service unavailable",
    detail: `Archived article bodies cannot be read at the moment; retry after ${ARCHIVE_RETRY_AFTER_SECONDS} seconds.`,
    headers: { "retry-after": String(ARCHIVE_RETRY_AFTER_SECONDS) },
  });
}

/**
 * An article with its body wherever the body is: in its row, or (archived) in R2, read back
 * byte for byte. Readers of the API and the reader pages see no difference. When R2 cannot be
 * read, the answer is a 503 to retry, never a 500; a body that is gone from R2 (or no longer the
 * article's) is logged and the article served with its summary as the body, so it stays readable.
 */
export async function readArticle(db: D1Reader, bucket: R2Bucket, id: string): Promise<ArticleDetail | null> {
  const stored = await getStoredArticle(db, id);
  if (!stored?.bodyRef) return stored?.article ?? null;
  try {
    const body = await readPackedBody(bucket, stored.bodyRef, stored.contentHash);
    return { ...stored.article, content_html: body.content_html, content_text: body.content_text };
  } catch (err) {
    if (!(err instanceof ArchiveReadError)) throw archiveUnavailable();
    console.error(JSON.stringify({ level: "error", msg: "archived body unreadable; serving the summary", article: id, error: err.message }));
    const summary = stored.article.summary;
    return { ...stored.article, content_html: summary ? `<p>${xmlEscape(summary)}</p>` : "", content_text: summary };
  }
}

