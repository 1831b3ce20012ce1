import type { Translation } from "../domain";
import type { D1Reader } from "./client";

/** One article as a sitemap lists it: its address parts, last change and story siblings. */
export interface SitemapArticle {
  id: string;
  slug: string;
  language: string;
  updated_at: string;
  /** Other languages of its story group, in the order and bound of `getArticle`'s. */
  translations: Translation[];
}

/** One article as the news sitemap lists it. */
export interface NewsArticle {
  id: string;
  slug: string;
  language: string;
  title: string;
  published_at: string;
}

/**
 * The highest `pk` in use, or 0 without articles: one step down the rowid tree. Sitemap files
 * are ranges of `pk`, so this alone says how many there are.
 */
export async function lastArticleKey(db: D1Reader): Promise<number> {
  const row = await db.prepare("SELECT coalesce(max(pk), 0) AS n FROM articles").first<{ n: number }>();
  return row?.n ?? 0;
}

// The translations come from the story-group index, one small lookup per article, in the
// order and bound the article page reads them in, so both compute the same hreflang set.
const RANGE = `SELECT a.id, a.slug, a.language, a.updated_at,
  CASE WHEN a.story_group IS NULL THEN '[]' ELSE (
    SELECT json_group_array(json_object('language', m.language, 'id', m.id, 'slug', m.slug)) FROM (
      SELECT language, id, slug FROM articles
      WHERE story_group = a.story_group AND language <> a.language
      ORDER BY language, id LIMIT 50) AS m
  ) END AS translations
FROM articles AS a WHERE a.pk > ?1 AND a.pk <= ?2 ORDER BY a.pk`;

/**
 * The articles with `after < pk <= upTo`: a range read on the rowid, so any sitemap file
 * costs the same however many articles precede it (no OFFSET), and a file's members never
 * move to another file as articles arrive.
 */
export async function sitemapArticles(db: D1Reader, after: number, upTo: number): Promise<SitemapArticle[]> {
  const { results } = await db.prepare(RANGE).bind(after, upTo).all<Omit<SitemapArticle, "translations"> & { translations: string }>();
  return results.map((row) => {
    const translations = (JSON.parse(row.translations) as Translation[]).sort((a, b) =>
      a.language === b.language ? (a.id < b.id ? -1 : 1) : a.language < b.language ? -1 : 1,
    );
    return { ...row, translations };
  });
}

/** The newest articles published since `since` (ISO), newest first, on the publication index. */
export async function newsArticles(db: D1Reader, since: string, limit: number): Promise<NewsArticle[]> {
  const { results } = await db
    .prepare("SELECT id, slug, language, title, published_at FROM articles WHERE published_at >= ?1 ORDER BY published_at DESC, pk DESC LIMIT ?2")
    .bind(since, limit)
    .all<NewsArticle>();
  return results;
}
