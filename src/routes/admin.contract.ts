import { adminFailures, adminSecurity, envelope, header, jsonResponse, ref, sharedResponse, type RouteContract } from "../http/openapi";
import { reindexQuery, refreshQuery, resanitizeQuery, runsQuery } from "./admin.input";
import { examples as ex } from "./schemas";

const noStore = { "Cache-Control": header("`no-store`") };

export const adminContract: RouteContract[] = [
  {
    method: "post",
    path: "/api/v1/admin/refresh",
    query: refreshQuery,
    queryExamples: { source: ["un-news-en"], force: "true" },
    operation: {
      operationId: "refresh",
      summary: "Refresh due sources now (admin)",
      description:
        "With `source`, refreshes that one source whether due or not; `force=true` refreshes every source. A source reported `not_modified` had nothing new: `http_status` 304, or 200 with the same bytes as the last body stored (nothing re-read or written).",
      security: adminSecurity,
      responses: {
        200: jsonResponse("The run report", envelope(ref("RunReport"), false), { data: ex.run }, {}),
        400: sharedResponse("BadRequest"),
        ...adminFailures,
        409: jsonResponse(
          "Another refresh is running; nothing was done",
          envelope(ref("RunReport"), false),
          { data: { ...ex.run, sources: [], skipped: "another refresh run is in progress", retry_after: 40 } },
          { "Retry-After": header("Seconds until the running run's lease lapses at the latest (at most 60)", { type: "integer" }) },
        ),
      },
    },
  },
  {
    method: "get",
    path: "/api/v1/admin/runs",
    query: runsQuery,
    queryExamples: { limit: 5 },
    operation: {
      operationId: "listRuns",
      summary: "Recent refresh runs (admin)",
      security: adminSecurity,
      responses: { 200: jsonResponse("Runs, newest first", envelope({ type: "array", items: ref("RunReport") }, false), { data: [ex.run] }, noStore), 400: sharedResponse("BadRequest"), ...adminFailures },
    },
  },
  {
    method: "get",
    path: "/api/v1/admin/capacity",
    operation: {
      operationId: "capacity",
      summary: "The live database against its size budget (admin)",
      description:
        "D1's size of the live database, its articles and the last day's, and at that pace how many days of articles the budget (`DB_BUDGET_MB`, default 5120) holds and how many are left (negative once past it). The cron logs a warning when fewer than 14 are left: the next shard is due (docs/CAPACITY.md).",
      security: adminSecurity,
      responses: {
        200: jsonResponse(
          "The figures",
          envelope(
            {
              type: "object",
              properties: {
                database_bytes: { type: "integer" },
                budget_bytes: { type: "integer" },
                articles: { type: "integer" },
                articles_last_day: { type: "integer" },
                bytes_per_article: { type: ["integer", "null"] },
                days_held: { type: ["number", "null"] },
                days_left: { type: ["number", "null"] },
              },
            },
            false,
          ),
          { data: { database_bytes: 3_221_225_472, budget_bytes: 5_368_709_120, articles: 520_000, articles_last_day: 50_000, bytes_per_article: 6194, days_held: 17.3, days_left: 6.9 } },
          noStore,
        ),
        ...adminFailures,
      },
    },
  },
  {
    method: "post",
    path: "/api/v1/admin/reindex",
    query: reindexQuery,
    queryExamples: { cursor: 0, limit: 1000 },
    operation: {
      operationId: "reindex",
      summary: "Rebuild the search index from the articles table, a slice at a time (admin)",
      description:
        "Call again with `cursor` set to the returned `next_cursor` until it is null. Archived bodies are read back from the archive, so an archived article is indexed by every word of its body; while the archive cannot be read the call is a 503: call again with the same `cursor`.",
      security: adminSecurity,
      responses: {
        200: jsonResponse("One slice indexed", envelope({ type: "object", properties: { indexed: { type: "integer" }, next_cursor: { type: ["integer", "null"] } } }, false), { data: { indexed: 1000, next_cursor: 1000 } }, noStore),
        400: sharedResponse("BadRequest"),
        ...adminFailures,
        503: sharedResponse("StorageUnavailable"),
      },
    },
  },
  {
    method: "post",
    path: "/api/v1/admin/resanitize",
    query: resanitizeQuery,
    queryExamples: { cursor: 0, limit: 100 },
    operation: {
      operationId: "resanitize",
      summary: "Re-sanitize stored article bodies with the current sanitizer, a slice at a time (admin)",
      description:
        "Rewrites `content_html`, `content_text`, a body-derived summary and the search row of each article in the slice whose body the current sanitizer changes. Call again with `cursor` set to the returned `next_cursor` until it is null. Cached answers are invalidated when `changed` is above 0.",
      security: adminSecurity,
      responses: {
        200: jsonResponse(
          "One slice processed",
          envelope({ type: "object", properties: { processed: { type: "integer" }, changed: { type: "integer" }, next_cursor: { type: ["integer", "null"] } } }, false),
          { data: { processed: 100, changed: 3, next_cursor: 100 } },
          noStore,
        ),
        400: sharedResponse("BadRequest"),
        ...adminFailures,
      },
    },
  },
];
