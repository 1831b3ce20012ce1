// The API's documentation, read only when the bundle is built: scripts/openapi.mjs writes
// openApiDocument() to src/routes/openapi.generated.json, which the Worker serves, and tests
// check that file is current. Nothing the Worker runs imports this module.
import type { JsonSchema, RouteContract } from "./http/openapi";
import { header, jsonResponse, operationObject, problemResponse, readHeaders, jsonSchema } from "./http/openapi";
import { feedsContract } from "./feeds/contract";
import { sitemapsContract } from "./pages/sitemaps/contract";
import { adminContract } from "./routes/admin.contract";
import { articlesContract } from "./routes/articles.contract";
import { docsContract } from "./routes/docs.contract";
import { healthContract } from "./routes/health.contract";
import { localesContract } from "./routes/locales.contract";
import { openApiContract } from "./routes/openapi.contract";
import * as s from "./routes/schemas";
import { searchContract } from "./routes/search.contract";
import { sourcesContract } from "./routes/sources.contract";
import { websubContract } from "./routes/websub.contract";

const ex = s.examples;

/** Every documented route, in the order of the OpenAPI document (reader pages are not API). */
export const ROUTE_CONTRACTS: RouteContract[] = [
  ...articlesContract,
  ...searchContract,
  ...sourcesContract,
  ...localesContract,
  ...openApiContract,
  ...adminContract,
  ...feedsContract,
  ...docsContract,
  ...healthContract,
  ...sitemapsContract,
  ...websubContract,
];

/**
 * The OpenAPI 3.1 document without `servers` (the Worker adds its own origin), assembled from
 * the route contracts each resource declares beside its handlers (`*.contract.ts`), whose query
 * parameters come from the schemas that validate them.
 */
export function openApiDocument(routes: RouteContract[] = ROUTE_CONTRACTS): JsonSchema {
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

