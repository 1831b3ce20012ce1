/** What the live database holds, as the budget check reads it (archive/budget.ts). */
export interface DatabaseFigures {
  /** D1's own size of the database (`size_after`, the figure its size limit and billing count). */
  bytes: number;
  articles: number;
  /** Articles published at or after `since`. */
  recent: number;
}

/**
 * Two reads in one batch: the article total from the per-(language, source) counters (a
 * handful of rows), and the articles published since `since` on the publication index (about
 * a day of ingest). The database's size comes with the answer's metadata.
 */
export async function databaseFigures(db: D1Database, since: string): Promise<DatabaseFigures> {
  const [total, recent] = await db.batch<{ n: number }>([
    db.prepare("SELECT coalesce(sum(n), 0) AS n FROM article_counts"),
    db.prepare("SELECT count(*) AS n FROM articles INDEXED BY articles_published_idx WHERE published_at >= ?").bind(since),
  ]);
  return { bytes: recent!.meta.size_after ?? 0, articles: total!.results[0]?.n ?? 0, recent: recent!.results[0]?.n ?? 0 };
}
