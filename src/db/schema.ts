import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** An upstream feed and the state of fetching it (Miniflux-style feed health). */
export const sources = sqliteTable("sources", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  url: text("url").notNull(),
  homepage: text("homepage"),
  /** Declared content language of the feed (BCP 47); used when items and the feed say nothing. */
  language: text("language"),
  /**
   * Declared translation mapping (migration 0004), both set or both null: sources that publish
   * translations of each other share a `story_scope`; `story_key` is a URLPattern pathname
   * pattern whose `:key` (and other named groups but `lang`) identify a story across them.
   */
  storyScope: text("story_scope"),
  storyKey: text("story_key"),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  etag: text("etag"),
  lastModified: text("last_modified"),
  lastFetchedAt: text("last_fetched_at"),
  lastStatus: text("last_status"),
  lastHttpStatus: integer("last_http_status"),
  lastError: text("last_error"),
  consecutiveErrors: integer("consecutive_errors").notNull().default(0),
  nextFetchAt: text("next_fetch_at"),
  /** While its hub pushes: the end of the active WebSub lease (migration 0008). */
  pushUntil: text("push_until"),
  /** Digest of the last body stored in full (migration 0009, src/ingest/digest.ts). */
  bodyDigest: text("body_digest"),
  createdAt: text("created_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%SZ','now'))`),
  updatedAt: text("updated_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%SZ','now'))`),
});

/**
 * One stored story. `pk` is the SQLite rowid that the FTS index points at; `id` is the stable
 * public id derived from (source, dedupe key), so re-ingesting never mints a new id.
 */
export const articles = sqliteTable(
  "articles",
  {
    pk: integer("pk").primaryKey({ autoIncrement: true }),
    id: text("id").notNull(),
    sourceId: text("source_id").notNull(),
    guid: text("guid"),
    dedupeKey: text("dedupe_key").notNull(),
    url: text("url"),
    title: text("title").notNull(),
    slug: text("slug").notNull(),
    summary: text("summary").notNull().default(""),
    contentHtml: text("content_html").notNull().default(""),
    contentText: text("content_text").notNull().default(""),
    image: text("image"),
    author: text("author"),
    tags: text("tags").notNull().default("[]"),
    language: text("language").notNull(),
    publishedAt: text("published_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    fetchedAt: text("fetched_at").notNull(),
    firstSeenAt: text("first_seen_at").notNull(),
    contentHash: text("content_hash").notNull(),
    storyGroup: text("story_group"),
    /** Where the body is when it moved to R2: "<key> <offset> <length>"; null: in this row (0009). */
    bodyRef: text("body_ref"),
  },
  (t) => [
    uniqueIndex("articles_id_unique").on(t.id),
    uniqueIndex("articles_source_dedupe_unique").on(t.sourceId, t.dedupeKey),
    index("articles_published_idx").on(t.publishedAt, t.pk),
    index("articles_language_published_idx").on(t.language, t.publishedAt, t.pk),
    index("articles_source_published_idx").on(t.sourceId, t.publishedAt, t.pk),
    index("articles_story_group_idx").on(t.storyGroup),
    /** The rows still holding their body, oldest first: what archival reads (0009). */
    index("articles_unarchived_idx").on(t.publishedAt, t.pk).where(sql`${t.bodyRef} IS NULL`),
  ],
);

/** One execution of the refresh pipeline (cron, manual or queue). */
export const refreshRuns = sqliteTable(
  "refresh_runs",
  {
    id: text("id").primaryKey(),
    trigger: text("trigger").notNull(),
    startedAt: text("started_at").notNull(),
    finishedAt: text("finished_at"),
    /** Running until then unless finished; past it without finishing: interrupted (0007). */
    leaseUntil: text("lease_until"),
    queued: integer("queued"),
    deferred: integer("deferred"),
  },
  (t) => [index("refresh_runs_started_idx").on(t.startedAt)],
);

/** The outcome of one source within one refresh run. */
export const refreshRunSources = sqliteTable(
  "refresh_run_sources",
  {
    runId: text("run_id").notNull(),
    sourceId: text("source_id").notNull(),
    status: text("status").notNull(),
    httpStatus: integer("http_status"),
    newCount: integer("new_count").notNull().default(0),
    updatedCount: integer("updated_count").notNull().default(0),
    unchangedCount: integer("unchanged_count").notNull().default(0),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    durationMs: integer("duration_ms"),
    /** JSON array of warnings, or null (0007). */
    warnings: text("warnings"),
  },
  (t) => [uniqueIndex("refresh_run_sources_pk").on(t.runId, t.sourceId)],
);

/** Small key/value facts the application keeps in D1 (e.g. the refresh lease). */
export const appState = sqliteTable("app_state", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  expiresAt: text("expires_at"),
});

/**
 * Articles per (language, source), kept exact by triggers (migration 0003), so listing totals
 * are a sum over a few rows instead of a count over every matching article.
 */
export const articleCounts = sqliteTable(
  "article_counts",
  {
    language: text("language").notNull(),
    sourceId: text("source_id").notNull(),
    n: integer("n").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.language, t.sourceId] })],
);

/** WebSub push subscriptions, one per source whose feed declares a hub (migration 0008). */
export const websubSubscriptions = sqliteTable(
  "websub_subscriptions",
  {
    /** Opaque random id: the last segment of the callback URL. */
    id: text("id").primaryKey(),
    sourceId: text("source_id").notNull(),
    hub: text("hub").notNull(),
    topic: text("topic").notNull(),
    /** HMAC key the hub signs deliveries with (hub.secret). */
    secret: text("secret").notNull(),
    /** pending | active | denied | failed | expired */
    state: text("state").notNull(),
    leaseSeconds: integer("lease_seconds").notNull(),
    requestedAt: text("requested_at").notNull(),
    verifiedAt: text("verified_at"),
    leaseExpiresAt: text("lease_expires_at"),
    retryAt: text("retry_at"),
    lastError: text("last_error"),
    lastPushAt: text("last_push_at"),
  },
  (t) => [uniqueIndex("websub_subscriptions_source_unique").on(t.sourceId), index("websub_subscriptions_lease_idx").on(t.state, t.leaseExpiresAt)],
);

/** Digests of recent content deliveries, so a replay is recognized (migration 0008). */
export const websubDeliveries = sqliteTable(
  "websub_deliveries",
  {
    subscriptionId: text("subscription_id").notNull(),
    digest: text("digest").notNull(),
    receivedAt: text("received_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.subscriptionId, t.digest] }), index("websub_deliveries_received_idx").on(t.receivedAt)],
);
