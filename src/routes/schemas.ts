import * as z from "zod/mini";
import type { ArticleDetail, ArticleSummary, SearchHit, SourceHealth } from "../domain";
import type { ProblemBody } from "../errors/problem";
import { problemExample as shapedProblem } from "../http/openapi";
import type { RefreshRunReport } from "../domain";

/**
 * Response schemas, for the OpenAPI document. The `satisfies` checks below tie each one to
 * the domain type the handlers return, so the documentation cannot drift from the code.
 */
const isoTime = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/));

export const articleSummary = z.object({
  id: z.string().check(z.regex(/^[0-9a-f]{16}$/)),
  slug: z.string(),
  title: z.string(),
  summary: z.string(),
  language: z.string(),
  published_at: isoTime,
  url: z.nullable(z.string()),
  image: z.nullable(z.string()),
  source: z.object({ id: z.string(), name: z.string() }),
});

export const searchHit = z.object({
  ...articleSummary.shape,
  highlight: z.object({ title: z.string(), summary: z.string() }),
});

export const articleDetail = z.object({
  ...articleSummary.shape,
  content_html: z.string(),
  content_text: z.string(),
  updated_at: isoTime,
  fetched_at: isoTime,
  tags: z.array(z.string()),
  translations: z.array(z.object({ language: z.string(), id: z.string(), slug: z.string() })),
});

export const sourceHealth = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  homepage: z.nullable(z.string()),
  language: z.nullable(z.string()),
  story_scope: z.nullable(z.string()),
  story_key: z.nullable(z.string()),
  enabled: z.boolean(),
  last_fetched_at: z.nullable(isoTime),
  last_status: z.nullable(z.string()),
  last_error: z.nullable(z.string()),
  consecutive_errors: z.number(),
  next_fetch_at: z.nullable(isoTime),
  article_count: z.number(),
});

export const pageMeta = z.object({
  page: z.number(),
  per_page: z.number(),
  total: z.number(),
  total_pages: z.number(),
  locale: z.string(),
  query: z.record(z.string(), z.unknown()),
});

export const pageLinks = z.object({
  self: z.string(),
  first: z.string(),
  prev: z.nullable(z.string()),
  next: z.nullable(z.string()),
  last: z.string(),
});

export const problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string(),
  instance: z.string(),
  code: z.string(),
  errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
});

export const runReport = z.object({
  id: z.string(),
  started_at: isoTime,
  finished_at: z.nullable(isoTime),
  trigger: z.enum(["cron", "manual", "queue", "push"]),
  status: z.enum(["running", "finished", "interrupted"]),
  sources: z.array(
    z.object({
      id: z.string(),
      status: z.enum(["ok", "not_modified", "error", "skipped"]),
      http_status: z.nullable(z.number()),
      new: z.number(),
      updated: z.number(),
      unchanged: z.number(),
      error: z.nullable(z.object({ code: z.string(), message: z.string() })),
      duration_ms: z.nullable(z.number()),
      warnings: z.optional(z.array(z.string())),
    }),
  ),
  skipped: z.optional(z.string()),
  retry_after: z.optional(z.number()),
  queued: z.optional(z.number()),
  deferred: z.optional(z.number()),
});

// Compile-time agreement between schemas and domain types.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const agree = <T extends true>() => undefined as unknown as T;
agree<Same<z.infer<typeof articleSummary>, ArticleSummary>>();
agree<Same<z.infer<typeof searchHit>, SearchHit>>();
agree<Same<z.infer<typeof articleDetail>, ArticleDetail>>();
agree<Same<z.infer<typeof sourceHealth>, SourceHealth>>();
agree<Same<Omit<z.infer<typeof problem>, "errors">, Omit<ProblemBody, "errors">>>();
agree<Same<z.infer<typeof runReport>, RefreshRunReport>>();

/** Examples for the OpenAPI document: one realistic value per schema and per problem. */
const article = {
  id: "3f2a9c0d4b1e7a65",
  slug: "250-million-children-still-out-of-school",
  title: "250 million children still out of school",
  summary: "A new report finds that 250 million children and youth are still out of school worldwide.",
  language: "en",
  published_at: "2026-11-27T09:00:00Z",
  url: "https://news.example.org/en/story/s01",
  image: null,
  source: { id: "un-news-en", name: "UN News (English)" },
} satisfies z.infer<typeof articleSummary>;

const pageLinksExample = {
  self: "https://api.example.org/api/v1/articles",
  first: "https://api.example.org/api/v1/articles",
  prev: null,
  next: "https://api.example.org/api/v1/articles?page=2",
  last: "https://api.example.org/api/v1/articles?page=16",
} satisfies z.infer<typeof pageLinks>;

const run = {
  id: "7d0c1f3e-0b7a-4a52-9d51-2c1f0c8f6a10",
  started_at: "2026-11-28T12:00:00Z",
  finished_at: "2026-11-28T12:00:04Z",
  trigger: "manual",
  status: "finished",
  sources: [{ id: "un-news-en", status: "ok", http_status: 200, new: 3, updated: 1, unchanged: 26, error: null, duration_ms: 412 }],
} satisfies z.infer<typeof runReport>;

const problemExample = (status: number, code: string, title: string, detail: string, instance: string) =>
  shapedProblem(status, code, title, detail, instance) satisfies z.infer<typeof problem>;

export const examples = {
  article,
  articleDetail: {
    ...article,
    content_html: "<p>A new report finds…</p>",
    content_text: "A new report finds…",
    updated_at: "2026-11-27T09:00:00Z",
    fetched_at: "2026-11-27T09:05:00Z",
    tags: ["Education"],
    translations: [{ language: "fr", id: "9b1d2e3f4a5c6d7e", slug: "250-millions-d-enfants" }],
  } satisfies z.infer<typeof articleDetail>,
  pageMeta: { page: 1, per_page: 10, total: 158, total_pages: 16, locale: "en", query: {} } satisfies z.infer<typeof pageMeta>,
  pageLinks: pageLinksExample,
  searchResult: {
    data: [{ ...article, highlight: { title: "250 million children still out of <mark>school</mark>", summary: "… are still out of <mark>school</mark> worldwide." } }],
    meta: { page: 1, per_page: 10, total: 12, total_pages: 2, locale: "en", query: { q: "school", sort: "relevance" } },
    links: pageLinksExample,
  },
  source: {
    id: "un-news-en",
    name: "UN News (English)",
    url: "https://news.example.org/feed/en.xml",
    homepage: "https://news.example.org/en/",
    language: "en",
    story_scope: "news-example",
    story_key: "/:lang/story/:year/:month/:key",
    enabled: true,
    last_fetched_at: "2026-11-28T12:00:04Z",
    last_status: "ok",
    last_error: null,
    consecutive_errors: 0,
    next_fetch_at: "2026-11-28T12:15:04Z",
    article_count: 30,
  } satisfies z.infer<typeof sourceHealth>,
  sourceInput: {
    id: "un-news-en",
    name: "UN News (English)",
    url: "https://news.example.org/feed/en.xml",
    language: "en",
    story_scope: "news-example",
    story_key: "/:lang/story/:year/:month/:key",
  },
  run,
  health: {
    status: "ok",
    time: "2026-11-28T12:00:05Z",
    articles: 210,
    last_refresh: { id: run.id, trigger: "cron", started_at: run.started_at, finished_at: run.finished_at, sources: 7, errors: 0, new: 3, updated: 1 },
  },
  badRequest: {
    ...problemExample(400, "invalid_parameter", "Invalid request parameters", "per_page: must be at most 100", "/api/v1/articles"),
    errors: [{ path: "per_page", message: "must be at most 100" }],
  },
  unauthorized: problemExample(401, "unauthorized", "Authentication required", "Send the admin token as `Authorization: Bearer <token>`.", "/api/v1/admin/runs"),
  forbidden: problemExample(403, "forbidden", "Forbidden", "The admin token is not valid.", "/api/v1/admin/runs"),
  notFound: problemExample(404, "not_found", "Not found", "No article with id 0123456789abcdef.", "/api/v1/articles/0123456789abcdef"),
  storageUnavailable: problemExample(503, "storage_unavailable", "Service unavailable", "Storage is unavailable for the moment; retry after 5 seconds.", "/api/v1/articles"),
  rateLimited: problemExample(429, "rate_limited", "Too many requests", "Too many requests from this address; retry after 60 seconds.", "/api/v1/search"),
};
