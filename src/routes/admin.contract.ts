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
    method: "post",
    path: "/api/v1/admin/reindex",
    query: reindexQuery,
    queryExamples: { cursor: 0, limit: 1000 },
    operation: {
      operationId: "reindex",
      summary: "Rebuild the search index from the articles table, a slice at a time (admin)",
      description: "Call again with `cursor` set to the returned `next_cursor` until it is null.",
      security: adminSecurity,
      responses: {
        200: jsonResponse("One slice indexed", envelope({ type: "object", properties: { indexed: { type: "integer" }, next_cursor: { type: ["integer", "null"] } } }, false), { data: { indexed: 1000, next_cursor: 1000 } }, noStore),
        400: sharedResponse("BadRequest"),
        ...adminFailures,
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
