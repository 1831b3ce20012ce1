import { Hono } from "hono";
import type { AppEnv } from "../env";
import { header, jsonResponse, operationObject, problemResponse, readFailures, readHeaders, readParameters, jsonSchema, type JsonSchema, type RouteContract } from "../http/openapi";
import { publicUrl } from "../http/pagination";
import * as s from "./schemas";

const ex = s.examples;

/**
 * The OpenAPI 3.1 document, assembled from the route contracts each resource declares beside
 * its handlers (`*.contract.ts`), whose query parameters come from the schemas that validate them.
 */
export function openApiDocument(serverUrl: string, routes: RouteContract[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operationObject(route);
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
        ArticleSummary: jsonSchema(s.articleSummary),
        ArticleDetail: jsonSchema(s.articleDetail),
        SearchHit: jsonSchema(s.searchHit),
        SourceHealth: jsonSchema(s.sourceHealth),
        PageMeta: jsonSchema(s.pageMeta),
        PageLinks: jsonSchema(s.pageLinks),
        Problem: jsonSchema(s.problem),
        RunReport: jsonSchema(s.runReport),
      },
      responses: {
        BadRequest: problemResponse("A parameter is invalid; each one is named in `errors`.", ex.badRequest),
        Unauthorized: problemResponse("No bearer token.", ex.unauthorized, { "WWW-Authenticate": header('`Bearer realm="admin"`') }),
        Forbidden: problemResponse("Wrong token.", ex.forbidden),
        NotFound: problemResponse("Unknown resource.", ex.notFound),
        RateLimited: problemResponse("Too many requests from this client address.", ex.rateLimited, { "Retry-After": header("Seconds to wait", { type: "integer" }) }),
        StorageUnavailable: problemResponse("Storage is unavailable for the moment (never a 500 for it); retry after `Retry-After` seconds.", ex.storageUnavailable, {
          "Retry-After": header("Seconds to wait", { type: "integer" }),
        }),
        NotModified: { description: "Not modified: the If-None-Match validator is current.", headers: { ETag: readHeaders.ETag, "Cache-Control": readHeaders["Cache-Control"] } },
      },
    },
    paths,
  };
}

export const openApiContract: RouteContract[] = [
  {
    method: "get",
    path: "/api/v1/openapi.json",
    operation: {
      operationId: "openApi",
      summary: "This document",
      parameters: readParameters,
      responses: { 200: jsonResponse("OpenAPI 3.1", { type: "object" }, { openapi: "3.1.0", info: { title: "Edge News API", version: "1.0.0" }, paths: {} }), ...readFailures },
    },
  },
];

/** The API description changes only with a deployment. */
export const DOCUMENT_CACHE_CONTROL = "public, max-age=3600, stale-while-revalidate=86400";

/** `/openapi.json` for the given routes; serialised once per origin and isolate (converting the schemas is the costly part). */
export function openApiRoutes(routes: RouteContract[]) {
  const built = new Map<string, string>();
  return new Hono<AppEnv>().get("/openapi.json", (c) => {
    const origin = publicUrl(c.req.url, c.env.PUBLIC_BASE_URL).origin;
    let text = built.get(origin);
    if (text === undefined) {
      if (built.size >= 8) built.clear();
      text = JSON.stringify(openApiDocument(origin, routes));
      built.set(origin, text);
    }
    c.header("cache-control", DOCUMENT_CACHE_CONTROL);
    return c.body(text, 200, { "content-type": "application/json; charset=utf-8" });
  });
}
