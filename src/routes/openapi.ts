import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../env";
import { publicUrl } from "../http/pagination";
import { listingQuery, searchQuery } from "../http/params";
import * as s from "./schemas";
import { sourceCreate, sourcePatch } from "./sources";

type JsonSchema = Record<string, unknown>;

const ex = s.examples;

const json = (schema: z.ZodMiniType, io: "input" | "output" = "output"): JsonSchema => {
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

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problem = (name: string) => ({ $ref: `#/components/responses/${name}` });
const header = (description: string, schema: JsonSchema = { type: "string" }) => ({ description, schema });

/** Headers of every public read; conditional GETs and the D1 bookmark work the same everywhere. */
const readHeaders = {
  ETag: header("Validator for If-None-Match"),
  "Cache-Control": header("`public, max-age=60, stale-while-revalidate=300` (longer for static documents)"),
  "Content-Language": header("The resolved UI locale"),
  "x-d1-bookmark": header("D1 session bookmark; send it back for reads at least this fresh"),
};
const listHeaders = {
  ...readHeaders,
  Link: header("RFC 8288 first/prev/next/last"),
  "X-Total-Count": header("Exact number of results", { type: "integer" }),
  "X-Total-Pages": header("Number of pages", { type: "integer" }),
};
const readParameters = [
  { name: "If-None-Match", in: "header", required: false, schema: { type: "string" }, example: '"5af29360fb1a88c5198c0c005ac284c88fcd5ed0"' },
  { name: "x-d1-bookmark", in: "header", required: false, schema: { type: "string" }, example: "00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683" },
];
/** Example values of the filters shared by the listing and search. */
const filterExamples = { page: 1, per_page: 10, lang: ["fr", "ar"], source: ["un-news-fr"], from: "2026-11-01", to: "2026-11-30", locale: "en" };
const localeParameter = { name: "locale", in: "query", required: false, schema: { enum: ["en", "fr", "es", "ru", "ar", "zh", "ko"] }, example: "fr" };

const ok = (description: string, schema: JsonSchema, example: unknown, headers: JsonSchema = readHeaders) => ({
  description,
  headers,
  content: { "application/json": { schema, example } },
});
const envelope = (data: JsonSchema, paged: boolean) => ({
  type: "object",
  required: ["data", "meta"],
  properties: { data, meta: paged ? ref("PageMeta") : { type: "object" }, ...(paged ? { links: ref("PageLinks") } : {}) },
});
/** The responses every public read can give besides its 200. */
const readFailures = { 304: problem("NotModified"), 429: problem("RateLimited") };
const adminFailures = { 401: problem("Unauthorized"), 403: problem("Forbidden") };
const admin = [{ bearer: [] }];
const pathId = (example: string, pattern?: string) => ({ name: "id", in: "path", required: true, schema: { type: "string", ...(pattern ? { pattern } : {}) }, example });

const problemResponse = (description: string, example: JsonSchema, headers?: JsonSchema) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { "application/problem+json": { schema: ref("Problem"), example } },
});

/** The OpenAPI 3.1 document, generated from the schemas that validate and type the routes. */
export function openApiDocument(serverUrl: string): JsonSchema {
  return {
    openapi: "3.1.0",
    info: {
      title: "Edge News API",
      version: "1.0.0",
      description:
        "Multilingual news clearinghouse: articles aggregated from upstream feeds, full-text search in seven languages, sources and their ingestion health, and feeds out. Errors are RFC 9457 problem details. Public reads are cacheable, conditional (ETag / If-None-Match) and rate limited per client address.",
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
      responses: {
        BadRequest: problemResponse("A parameter is invalid; each one is named in `errors`.", ex.badRequest),
        Unauthorized: problemResponse("No bearer token.", ex.unauthorized, { "WWW-Authenticate": header('`Bearer realm="admin"`') }),
        Forbidden: problemResponse("Wrong token.", ex.forbidden),
        NotFound: problemResponse("Unknown resource.", ex.notFound),
        RateLimited: problemResponse("Too many requests from this client address.", ex.rateLimited, { "Retry-After": header("Seconds to wait", { type: "integer" }) }),
        NotModified: { description: "Not modified: the If-None-Match validator is current.", headers: { ETag: readHeaders.ETag, "Cache-Control": readHeaders["Cache-Control"] } },
      },
    },
    paths: {
      "/api/v1/articles": {
        get: {
          operationId: "listArticles",
          summary: "List articles, newest first",
          parameters: [...queryParameters(listingQuery, filterExamples), ...readParameters],
          responses: {
            200: ok("One page of articles", envelope({ type: "array", items: ref("ArticleSummary") }, true), { data: [ex.article], meta: ex.pageMeta, links: ex.pageLinks }, listHeaders),
            400: problem("BadRequest"),
            ...readFailures,
          },
        },
      },
      "/api/v1/articles/{id}": {
        get: {
          operationId: "getArticle",
          summary: "One article with its sanitized body and translations",
          parameters: [pathId(ex.article.id, "^[0-9a-f]{16}$"), localeParameter, ...readParameters],
          responses: {
            200: ok("The article", envelope(ref("ArticleDetail"), false), { data: ex.articleDetail, meta: { locale: "en" } }, { ...readHeaders, "Last-Modified": header("When the article last changed") }),
            404: problem("NotFound"),
            ...readFailures,
          },
        },
      },
      "/api/v1/search": {
        get: {
          operationId: "searchArticles",
          summary: "Full-text search",
          description: 'Query language: words are ANDed; "exact phrase"; OR; -word or NOT word; word* prefix; parentheses; title:word, source:id, lang:xx. Any input is valid.',
          parameters: [...queryParameters(searchQuery, { ...filterExamples, q: 'education "climate change" -war', sort: "relevance" }), ...readParameters],
          responses: {
            200: ok("One page of ranked hits", envelope({ type: "array", items: ref("SearchHit") }, true), ex.searchResult, listHeaders),
            400: problem("BadRequest"),
            ...readFailures,
          },
        },
      },
      "/api/v1/sources": {
        get: {
          operationId: "listSources",
          summary: "Upstream sources and their ingestion health",
          parameters: [localeParameter, ...readParameters],
          responses: { 200: ok("All sources", envelope({ type: "array", items: ref("SourceHealth") }, false), { data: [ex.source], meta: { locale: "en" } }), ...readFailures },
        },
        post: {
          operationId: "createSource",
          summary: "Add a source (admin)",
          security: admin,
          requestBody: { required: true, content: { "application/json": { schema: json(sourceCreate, "input"), example: ex.sourceInput } } },
          responses: {
            201: ok("Created", envelope(ref("SourceHealth"), false), { data: { ...ex.source, last_fetched_at: null, last_status: null, next_fetch_at: null, article_count: 0 } }, { Location: header("The new source") }),
            400: problem("BadRequest"),
            ...adminFailures,
            409: problemResponse("The id is taken.", ex.problem(409, "conflict", "Conflict", "A source with id un-news-en already exists.", "/api/v1/sources")),
            413: problemResponse("Body over 64 KB.", ex.problem(413, "body_too_large", "Request body too large", "The body must be at most 65536 bytes.", "/api/v1/sources")),
            415: problemResponse("Body not JSON.", ex.problem(415, "unsupported_media_type", "Unsupported media type", "Send the body as application/json.", "/api/v1/sources")),
          },
        },
      },
      "/api/v1/sources/{id}": {
        patch: {
          operationId: "updateSource",
          summary: "Change a source (admin)",
          security: admin,
          parameters: [pathId("un-news-en")],
          requestBody: { required: true, content: { "application/json": { schema: json(sourcePatch, "input"), example: { enabled: false } } } },
          responses: { 200: ok("Changed", envelope(ref("SourceHealth"), false), { data: { ...ex.source, enabled: false } }, {}), 400: problem("BadRequest"), ...adminFailures, 404: problem("NotFound") },
        },
        delete: {
          operationId: "deleteSource",
          summary: "Remove a source (admin); its articles stay unless purge=true",
          security: admin,
          parameters: [pathId("un-news-en"), { name: "purge", in: "query", required: false, schema: { type: "string", enum: ["true", "false"] }, example: "false" }],
          responses: { 204: { description: "Removed" }, ...adminFailures, 404: problem("NotFound") },
        },
      },
      "/api/v1/locales": {
        get: {
          operationId: "listLocales",
          summary: "The seven UI locales",
          parameters: [localeParameter, ...readParameters],
          responses: {
            200: ok("Locales", envelope({ type: "array", items: { type: "object", required: ["code", "name", "dir"], properties: { code: { type: "string" }, name: { type: "string" }, dir: { enum: ["ltr", "rtl"] } } } }, false), {
              data: [{ code: "en", name: "English", dir: "ltr" }, { code: "ar", name: "العربية", dir: "rtl" }],
              meta: { locale: "en" },
            }),
            ...readFailures,
          },
        },
      },
      "/api/v1/openapi.json": {
        get: {
          operationId: "openApi",
          summary: "This document",
          parameters: readParameters,
          responses: { 200: ok("OpenAPI 3.1", { type: "object" }, { openapi: "3.1.0", info: { title: "Edge News API", version: "1.0.0" }, paths: {} }), ...readFailures },
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
          responses: {
            200: ok("The run report", envelope(ref("RunReport"), false), { data: ex.run }, {}),
            ...adminFailures,
            409: ok("Another refresh is running; nothing was done", envelope(ref("RunReport"), false), { data: { ...ex.run, sources: [], skipped: "another refresh run is in progress" } }, {}),
          },
        },
      },
      "/api/v1/admin/runs": {
        get: {
          operationId: "listRuns",
          summary: "Recent refresh runs (admin)",
          security: admin,
          parameters: [{ name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 100, default: 20 }, example: 5 }],
          responses: { 200: ok("Runs, newest first", envelope({ type: "array", items: ref("RunReport") }, false), { data: [ex.run] }, { "Cache-Control": header("`no-store`") }), 400: problem("BadRequest"), ...adminFailures },
        },
      },
      "/api/v1/admin/reindex": {
        post: {
          operationId: "reindex",
          summary: "Rebuild the search index from the articles table, a slice at a time (admin)",
          description: "Call again with `cursor` set to the returned `next_cursor` until it is null.",
          security: admin,
          parameters: [
            { name: "cursor", in: "query", required: false, schema: { type: "integer", minimum: 0, default: 0 }, example: 0 },
            { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 5000, default: 1000 }, example: 1000 },
          ],
          responses: {
            200: ok("One slice indexed", envelope({ type: "object", properties: { indexed: { type: "integer" }, next_cursor: { type: ["integer", "null"] } } }, false), { data: { indexed: 1000, next_cursor: 1000 } }, { "Cache-Control": header("`no-store`") }),
            400: problem("BadRequest"),
            ...adminFailures,
          },
        },
      },
      "/feeds/{file}": {
        get: {
          operationId: "feed",
          summary: "The listing (or a saved search with q) as RSS 2.0, Atom 1.0 or JSON Feed 1.1",
          parameters: [
            { name: "file", in: "path", required: true, schema: { type: "string", pattern: "^(en|fr|es|ru|ar|zh|ko)\\.(rss|atom|json)$" }, example: "en.rss" },
            { name: "q", in: "query", required: false, schema: { type: "string", minLength: 1, maxLength: 500 }, example: "education" },
            { name: "lang", in: "query", required: false, schema: { type: "array", items: { type: "string" } }, style: "form", explode: true, example: ["en"] },
            { name: "source", in: "query", required: false, schema: { type: "array", items: { type: "string" } }, style: "form", explode: true, example: ["un-news-en"] },
            { name: "per_page", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 100, default: 30 }, example: 30 },
            ...readParameters,
          ],
          responses: {
            200: {
              description: "The feed",
              headers: { ...readHeaders, "Last-Modified": header("Publication time of the newest item") },
              content: {
                "application/rss+xml": { schema: { type: "string" }, example: ex.rss },
                "application/atom+xml": { schema: { type: "string" }, example: ex.atom },
                "application/feed+json": { schema: { type: "object" }, example: ex.jsonFeed },
              },
            },
            400: problem("BadRequest"),
            404: problem("NotFound"),
            ...readFailures,
          },
        },
      },
      "/api/docs": {
        get: {
          operationId: "docs",
          summary: "This document for people: every endpoint with its examples",
          parameters: readParameters,
          responses: { 200: { description: "HTML documentation", headers: readHeaders, content: { "text/html": { schema: { type: "string" }, example: "<!doctype html><html lang=\"en\">…</html>" } } }, ...readFailures },
        },
      },
      "/healthz": {
        get: {
          operationId: "health",
          summary: "Liveness and the last refresh",
          responses: { 200: ok("Alive", { type: "object" }, ex.health, { "Cache-Control": header("`no-store`") }), ...readFailures },
        },
      },
    },
  };
}

/** The API description changes only with a deployment. */
export const DOCUMENT_CACHE_CONTROL = "public, max-age=3600, stale-while-revalidate=86400";

const built = new Map<string, string>();

/** Serialised once per origin and isolate: converting the schemas is the costly part. */
export function openApiJson(origin: string): string {
  let text = built.get(origin);
  if (text === undefined) {
    if (built.size >= 8) built.clear();
    text = JSON.stringify(openApiDocument(origin));
    built.set(origin, text);
  }
  return text;
}

export const openApiRoutes = new Hono<AppEnv>().get("/openapi.json", (c) => {
  c.header("cache-control", DOCUMENT_CACHE_CONTROL);
  return c.body(openApiJson(publicUrl(c.req.url, c.env.PUBLIC_BASE_URL).origin), 200, { "content-type": "application/json; charset=utf-8" });
});
