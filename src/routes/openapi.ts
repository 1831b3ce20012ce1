import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../env";
import { listingQuery, searchQuery } from "./params";
import * as s from "./schemas";
import { sourceCreate, sourcePatch } from "./sources";

type Schema = z.ZodMiniType;
type JsonSchema = Record<string, unknown>;

const json = (schema: Schema, io: "input" | "output" = "output"): JsonSchema => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
};

/** Query parameters of an operation, read off the same zod schema that validates them. */
function queryParameters(schema: z.ZodMiniObject, examples: Record<string, unknown>): JsonSchema[] {
  const doc = json(schema, "input") as { properties: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(doc.properties).map(([name, property]) => ({
    name,
    in: "query",
    required: doc.required?.includes(name) ?? false,
    schema: property,
    ...(property.type === "array" ? { style: "form", explode: true } : {}),
    ...(name in examples ? { example: examples[name] } : {}),
  }));
}

const problemResponse = (description: string, example: JsonSchema) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" }, example } },
});

const envelope = (data: JsonSchema, paged: boolean) => ({
  type: "object",
  required: ["data", "meta"],
  properties: { data, meta: paged ? { $ref: "#/components/schemas/PageMeta" } : { type: "object" }, ...(paged ? { links: { $ref: "#/components/schemas/PageLinks" } } : {}) },
});

const ok = (description: string, schema: JsonSchema, example: unknown, headers: JsonSchema = {}) => ({
  description,
  headers,
  content: { "application/json": { schema, example } },
});

const exampleArticle = {
  id: "3f2a9c0d4b1e7a65",
  slug: "250-million-children-still-out-of-school",
  title: "250 million children still out of school",
  summary: "A new report finds that 250 million children and youth are still out of school worldwide.",
  language: "en",
  published_at: "2026-11-27T09:00:00Z",
  url: "https://news.example.org/en/story/s01",
  image: null,
  source: { id: "un-news-en", name: "UN News (English)" },
};
const exampleMeta = { page: 1, per_page: 10, total: 158, total_pages: 16, locale: "en", query: {} };
const exampleLinks = {
  self: "https://api.example.org/api/v1/articles",
  first: "https://api.example.org/api/v1/articles",
  prev: null,
  next: "https://api.example.org/api/v1/articles?page=2",
  last: "https://api.example.org/api/v1/articles?page=16",
};
const badRequest = problemResponse("A parameter is invalid; each one is named in `errors`.", {
  type: "/problems/invalid-parameter", title: "Invalid request parameters", status: 400,
  detail: "per_page: must be at most 100", instance: "/api/v1/articles", code: "invalid_parameter",
  errors: [{ path: "per_page", message: "must be at most 100" }],
});
const unauthorized = problemResponse("No bearer token.", { type: "/problems/unauthorized", title: "Authentication required", status: 401, detail: "Send the admin token as `Authorization: Bearer <token>`.", instance: "/api/v1/admin/runs", code: "unauthorized" });
const forbidden = problemResponse("Wrong token.", { type: "/problems/forbidden", title: "Forbidden", status: 403, detail: "The admin token is not valid.", instance: "/api/v1/admin/runs", code: "forbidden" });
const notFound = problemResponse("Unknown resource.", { type: "/problems/not-found", title: "Not found", status: 404, detail: "No article with id 0123456789abcdef.", instance: "/api/v1/articles/0123456789abcdef", code: "not_found" });
const rateLimited = problemResponse("Too many requests from this client; see `Retry-After`.", { type: "/problems/rate-limited", title: "Too many requests", status: 429, detail: "Retry after 60 seconds.", instance: "/api/v1/search", code: "rate_limited" });
const listHeaders = {
  Link: { description: "RFC 8288 first/prev/next/last", schema: { type: "string" } },
  "X-Total-Count": { description: "exact number of results", schema: { type: "integer" } },
  ETag: { schema: { type: "string" } },
};
const admin = [{ bearer: [] }];
const exampleRun = {
  id: "7d0c1f3e-0b7a-4a52-9d51-2c1f0c8f6a10", started_at: "2026-11-28T12:00:00Z", finished_at: "2026-11-28T12:00:04Z", trigger: "manual",
  sources: [{ id: "un-news-en", status: "ok", http_status: 200, new: 3, updated: 1, unchanged: 26, error: null, duration_ms: 412 }],
};
const exampleSource = {
  id: "un-news-en", name: "UN News (English)", url: "https://news.example.org/feed/en.xml", homepage: "https://news.example.org/en/", language: "en",
  enabled: true, last_fetched_at: "2026-11-28T12:00:04Z", last_status: "ok", last_error: null, consecutive_errors: 0, next_fetch_at: "2026-11-28T12:15:04Z", article_count: 30,
};

/** The OpenAPI 3.1 document, built once per isolate from the route schemas. */
export function openApiDocument(serverUrl: string): JsonSchema {
  return {
    openapi: "3.1.0",
    info: {
      title: "Edge News API",
      version: "1.0.0",
      description: "Multilingual news clearinghouse: articles aggregated from upstream feeds, full-text search in seven languages, sources and their ingestion health. Errors are RFC 9457 problem details.",
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "ADMIN_TOKEN" } },
      schemas: {
        ArticleSummary: json(s.articleSummary),
        ArticleDetail: json(s.articleDetail),
        SearchHit: json(s.searchHit),
        SourceHealth: json(s.sourceHealth),
        PageMeta: json(s.pageMeta),
        PageLinks: json(s.pageLinks),
        Problem: json(s.problem),
        RunReport: json(s.runReport),
      },
    },
    paths: {
      "/api/v1/articles": {
        get: {
          operationId: "listArticles",
          summary: "List articles, newest first",
          parameters: queryParameters(listingQuery, { lang: ["fr", "ar"], per_page: 10 }),
          responses: {
            200: ok("One page of articles", envelope({ type: "array", items: { $ref: "#/components/schemas/ArticleSummary" } }, true), { data: [exampleArticle], meta: exampleMeta, links: exampleLinks }, listHeaders),
            304: { description: "Not modified (If-None-Match)" },
            400: badRequest,
            429: rateLimited,
          },
        },
      },
      "/api/v1/articles/{id}": {
        get: {
          operationId: "getArticle",
          summary: "One article with its sanitized body and translations",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", pattern: "^[0-9a-f]{16}$" }, example: exampleArticle.id }],
          responses: {
            200: ok("The article", envelope({ $ref: "#/components/schemas/ArticleDetail" }, false), {
              data: { ...exampleArticle, content_html: "<p>A new report finds…</p>", content_text: "A new report finds…", updated_at: "2026-11-27T09:00:00Z", fetched_at: "2026-11-27T09:05:00Z", tags: ["Education"], translations: [{ language: "fr", id: "9b1d2e3f4a5c6d7e", slug: "250-millions-d-enfants" }] },
              meta: { locale: "en" },
            }),
            304: { description: "Not modified (If-None-Match)" },
            400: badRequest,
            404: notFound,
          },
        },
      },
      "/api/v1/search": {
        get: {
          operationId: "searchArticles",
          summary: "Full-text search",
          description: 'Query language: words are ANDed; "exact phrase"; OR; -word or NOT word; word* prefix; parentheses; title:word, source:id, lang:xx. Any input is valid.',
          parameters: queryParameters(searchQuery, { q: 'education "climate change" -war', sort: "relevance" }),
          responses: {
            200: ok("One page of ranked hits", envelope({ type: "array", items: { $ref: "#/components/schemas/SearchHit" } }, true), {
              data: [{ ...exampleArticle, highlight: { title: "250 million children still out of <mark>school</mark>", summary: "… are still out of <mark>school</mark> worldwide." } }],
              meta: { ...exampleMeta, total: 12, total_pages: 2, query: { q: "school", sort: "relevance" } },
              links: exampleLinks,
            }, listHeaders),
            400: badRequest,
            429: rateLimited,
          },
        },
      },
      "/api/v1/sources": {
        get: {
          operationId: "listSources",
          summary: "Upstream sources and their ingestion health",
          responses: { 200: ok("All sources", envelope({ type: "array", items: { $ref: "#/components/schemas/SourceHealth" } }, false), { data: [exampleSource], meta: { locale: "en" } }) },
        },
        post: {
          operationId: "createSource",
          summary: "Add a source (admin)",
          security: admin,
          requestBody: { required: true, content: { "application/json": { schema: json(sourceCreate, "input"), example: { id: "un-news-en", name: "UN News (English)", url: "https://news.example.org/feed/en.xml", language: "en" } } } },
          responses: { 201: ok("Created", envelope({ $ref: "#/components/schemas/SourceHealth" }, false), { data: exampleSource }), 400: badRequest, 401: unauthorized, 403: forbidden, 409: { description: "The id is taken" }, 413: { description: "Body too large" }, 415: { description: "Not JSON" } },
        },
      },
      "/api/v1/sources/{id}": {
        patch: {
          operationId: "updateSource",
          summary: "Change a source (admin)",
          security: admin,
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" }, example: "un-news-en" }],
          requestBody: { required: true, content: { "application/json": { schema: json(sourcePatch, "input"), example: { enabled: false } } } },
          responses: { 200: ok("Changed", envelope({ $ref: "#/components/schemas/SourceHealth" }, false), { data: { ...exampleSource, enabled: false } }), 400: badRequest, 401: unauthorized, 403: forbidden, 404: notFound },
        },
        delete: {
          operationId: "deleteSource",
          summary: "Remove a source (admin); its articles stay unless purge=true",
          security: admin,
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "string" }, example: "un-news-en" },
            { name: "purge", in: "query", required: false, schema: { type: "string", enum: ["true", "false"] }, example: "false" },
          ],
          responses: { 204: { description: "Removed" }, 401: unauthorized, 403: forbidden, 404: notFound },
        },
      },
      "/api/v1/locales": {
        get: {
          operationId: "listLocales",
          summary: "The seven UI locales",
          responses: { 200: ok("Locales", envelope({ type: "array", items: { type: "object", properties: { code: { type: "string" }, name: { type: "string" }, dir: { enum: ["ltr", "rtl"] } } } }, false), { data: [{ code: "en", name: "English", dir: "ltr" }, { code: "ar", name: "العربية", dir: "rtl" }], meta: { locale: "en" } }) },
        },
      },
      "/api/v1/admin/refresh": {
        post: {
          operationId: "refresh",
          summary: "Refresh due sources now (admin)",
          security: admin,
          parameters: [
            { name: "source", in: "query", required: false, schema: { type: "string" }, example: "un-news-en" },
            { name: "force", in: "query", required: false, schema: { type: "string", enum: ["true", "false"] }, example: "true" },
          ],
          responses: { 200: ok("The run report", envelope({ $ref: "#/components/schemas/RunReport" }, false), { data: exampleRun }), 401: unauthorized, 403: forbidden, 409: { description: "Another refresh is running" } },
        },
      },
      "/api/v1/admin/runs": {
        get: {
          operationId: "listRuns",
          summary: "Recent refresh runs (admin)",
          security: admin,
          parameters: [{ name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 100, default: 20 }, example: 5 }],
          responses: { 200: ok("Runs, newest first", envelope({ type: "array", items: { $ref: "#/components/schemas/RunReport" } }, false), { data: [exampleRun] }), 401: unauthorized, 403: forbidden },
        },
      },
      "/feeds/{file}": {
        get: {
          operationId: "feed",
          summary: "The listing (or a saved search with q) as RSS 2.0, Atom 1.0 or JSON Feed 1.1",
          parameters: [
            { name: "file", in: "path", required: true, schema: { type: "string", pattern: "^(en|fr|es|ru|ar|zh|ko)\\.(rss|atom|json)$" }, example: "en.rss" },
            { name: "q", in: "query", required: false, schema: { type: "string", maxLength: 500 }, example: "education" },
            { name: "lang", in: "query", required: false, schema: { type: "array", items: { type: "string" } }, example: ["en"] },
            { name: "source", in: "query", required: false, schema: { type: "array", items: { type: "string" } }, example: ["un-news-en"] },
          ],
          responses: {
            200: {
              description: "The feed",
              content: {
                "application/rss+xml": { schema: { type: "string" }, example: '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0">…</rss>' },
                "application/atom+xml": { schema: { type: "string" }, example: '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">…</feed>' },
                "application/feed+json": { schema: { type: "object" }, example: { version: "https://jsonfeed.org/version/1.1", title: "Edge News (English)", items: [] } },
              },
            },
            304: { description: "Not modified" },
            404: notFound,
          },
        },
      },
      "/healthz": {
        get: {
          operationId: "health",
          summary: "Liveness and the last refresh",
          responses: { 200: ok("Alive", { type: "object" }, { status: "ok", time: "2026-11-28T12:00:05Z", articles: 210, last_refresh: { id: exampleRun.id, trigger: "cron", started_at: exampleRun.started_at, finished_at: exampleRun.finished_at, sources: 7, errors: 0, new: 3, updated: 1 } }) },
        },
      },
    },
  };
}

export const openApiRoutes = new Hono<AppEnv>().get("/openapi.json", (c) => {
  c.header("cache-control", "public, max-age=3600");
  return c.json(openApiDocument(new URL(c.req.url).origin));
});
