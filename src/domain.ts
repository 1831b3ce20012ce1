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

/** An item ready to store: sanitized, plain-text fields derived, identity computed. */
export interface NormalizedArticle {
  id: string;
  dedupeKey: string;
  guid: string | null;
  url: string | null;
  title: string;
  slug: string;
  summary: string;
  contentHtml: string;
  contentText: string;
  image: string | null;
  author: string | null;
  tags: string[];
  language: string;
  /** Null when the feed gave no usable date: the store falls back to first-seen time. */
  publishedAt: string | null;
  updatedAt: string | null;
  contentHash: string;
  storyGroup: string | null;
}

/** The run report of the contract (`POST /admin/refresh`, `GET /admin/runs`). */
export interface SourceOutcome {
  id: string;
  status: "ok" | "not_modified" | "error" | "skipped";
  http_status: number | null;
  new: number;
  updated: number;
  unchanged: number;
  error: { code: string; message: string } | null;
  duration_ms: number | null;
  /** What was stored differently from the feed, e.g. an item trimmed to fit a storage limit. */
  warnings?: string[];
}

export interface RefreshRunReport {
  id: string;
  started_at: string;
  finished_at: string | null;
  /** `push`: content a WebSub hub delivered (one source, no fetch). */
  trigger: "cron" | "manual" | "queue" | "push";
  /** `interrupted`: its lease lapsed before it finished (the runtime died or was stopped). */
  status: "running" | "finished" | "interrupted";
  sources: SourceOutcome[];
  /** Set when the run did nothing because another run held the refresh lease. */
  skipped?: string;
  /** Set with `skipped`: seconds until the running run's lease lapses at the latest. */
  retry_after?: number;
  /** Set when the run handed its sources to the refresh queue: how many. */
  queued?: number;
  /** Set when sources were left due for a later run (budget spent, or a host asked to wait). */
  deferred?: number;
}
