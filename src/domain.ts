/** The shapes the public API and the reader pages speak in (see the API contract). */

export interface SourceRef {
  id: string;
  name: string;
}

export interface ArticleSummary {
  id: string;
  slug: string;
  title: string;
  summary: string;
  language: string;
  published_at: string;
  url: string | null;
  image: string | null;
  source: SourceRef;
}

export interface Translation {
  language: string;
  id: string;
  slug: string;
}

export interface ArticleDetail extends ArticleSummary {
  content_html: string;
  content_text: string;
  updated_at: string;
  fetched_at: string;
  tags: string[];
  translations: Translation[];
}

export interface Highlight {
  title: string;
  summary: string;
}

export interface SearchHit extends ArticleSummary {
  highlight: Highlight;
}

/** No article is dated before this year: ingest refuses earlier dates as implausible. */
export const EARLIEST_ARTICLE_YEAR = 1990;
/** Nor later than this far ahead of the time it is stored (clock skew, early scheduling). */
export const MAX_DATE_AHEAD_MS = 2 * 24 * 3600 * 1000;

/** Filters shared by the listing, search and feeds. Dates are YYYY-MM-DD, inclusive. */
export interface ArticleFilter {
  lang: string[];
  source: string[];
  from: string | null;
  to: string | null;
}

export interface PageRequest {
  page: number;
  perPage: number;
}

export interface ResultPage<T> {
  items: T[];
  total: number;
  page: number;
  perPage: number;
}

export interface SourceHealth {
  id: string;
  name: string;
  url: string;
  homepage: string | null;
  language: string | null;
  /** Declared translation mapping (both set or both null): see ingest/identity.ts. */
  story_scope: string | null;
  story_key: string | null;
  enabled: boolean;
  last_fetched_at: string | null;
  last_status: string | null;
  last_error: string | null;
  consecutive_errors: number;
  next_fetch_at: string | null;
  article_count: number;
}
