import * as z from "zod/mini";
import type { ArticleDetail, ArticleSummary, SearchHit, SourceHealth } from "../domain";
import type { ProblemBody } from "../errors/problem";

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
  trigger: z.enum(["cron", "manual", "queue"]),
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
    }),
  ),
});

// Compile-time agreement between schemas and domain types.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const agree = <T extends true>() => undefined as unknown as T;
agree<Same<z.infer<typeof articleSummary>, ArticleSummary>>();
agree<Same<z.infer<typeof searchHit>, SearchHit>>();
agree<Same<z.infer<typeof articleDetail>, ArticleDetail>>();
agree<Same<z.infer<typeof sourceHealth>, SourceHealth>>();
agree<Same<Omit<z.infer<typeof problem>, "errors">, Omit<ProblemBody, "errors">>>();
