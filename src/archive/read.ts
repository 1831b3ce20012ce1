import { getStoredArticle } from "../db/articles";
import { database, type D1Reader } from "../db/client";
import type { ArticleDetail } from "../domain";
import { readPackedBody } from "./packs";

/**
 * An article with its body wherever the body is: in its row, or (archived) in R2, read back
 * byte for byte. Readers of the API and the reader pages see no difference.
 */
export async function readArticle(db: D1Reader, bucket: R2Bucket, id: string): Promise<ArticleDetail | null> {
  const stored = await getStoredArticle(database(db), id);
  if (!stored?.bodyRef) return stored?.article ?? null;
  const body = await readPackedBody(bucket, stored.bodyRef, stored.contentHash);
  return { ...stored.article, content_html: body.content_html, content_text: body.content_text };
}
