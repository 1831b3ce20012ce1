import { adminFailures, adminSecurity, envelope, header, jsonResponse, jsonSchema, problemExample, problemResponse, ref, sharedResponse, type RouteContract } from "../http/openapi";
import * as z from "zod/mini";
import { reindexQuery, refreshQuery, resanitizeQuery, runsQuery, shardCreate, shardName } from "./admin.input";
import { examples as ex } from "./schemas";

// What the document says of these inputs; registered here, where only the document is built.
z.globalRegistry.add(shardName, { description: "The database to work in: `live` (the default) or a registered period" });

const noStore = { "Cache-Control": header("`no-store`") };

const periodSchema = {
  type: "object",
  properties: {
    period: { type: "string" },
    starts_at: { type: "string", description: "Inclusive, ISO 8601 UTC" },
    ends_at: { type: "string", description: "Exclusive" },
    binding: { type: "string", description: "The D1 binding of the period's database in wrangler.toml" },
    version: { type: "integer", description: "Goes up on every write into the period's database after its move (an old-dated item a feed still carries)" },
    bound: { type: "boolean", description: "Whether this deploy has that binding" },
    articles: { type: ["integer", "null"], description: "Articles in the period's database; null when it cannot be read" },
    database_bytes: { type: ["integer", "null"], description: "D1's size of the period's database; null when it cannot be read" },
  },
};
const periodExample = {
  period: "2026-11a",
  starts_at: "2026-11-01T00:00:00Z",
  ends_at: "2026-11-09T00:00:00Z",
  binding: "SHARD_1",
  version: 0,
  bound: true,
  articles: 400_000,
  database_bytes: 2_387_600_000,
};

/** The period databases' part of the reindex and re-sanitize descriptions. */
const WALK =
  "Each call works in one database: `shard` is `live` (the default) or a registered period (`GET /api/v1/admin/shards`); an unknown period, or one whose binding this deploy lacks, is a 400 naming it. " +
  "To walk every database, start without `shard` and call again with `shard` set to `next_shard` and `cursor` to `next_cursor` (0 when null) until `next_shard` is null: the live database, then the periods newest first. " +
  "A period's `version` goes up when its walk changes what readers get from it.";
const walkFields = {
  shard: { type: "string", description: "The database this call worked in: `live` or a period" },
  next_shard: { type: ["string", "null"], description: "The database to call next to walk them all (this one while `next_cursor` is set); null after the last" },
};

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
        "D1's size of the live database, its articles and the last day's, and at that pace how many days of articles the budget (`DB_BUDGET_MB`, default 5120) holds and how many are left (negative once past it). The cron logs a warning when fewer than 14 are left: register the next period or lower `LIVE_DAYS` (docs/CAPACITY.md). Beside it, each period database's articles and size, the articles of every database counted once, `LIVE_DAYS` in effect, and the date the mover is stopped at when no period (or no binding) is there for it.",
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
                live_days: { type: ["number", "null"] },
                periods: { type: "array", items: periodSchema },
                total_articles: { type: ["integer", "null"] },
                move_blocked: { type: ["object", "null"], properties: { published_at: { type: "string" }, reason: { type: "string" } } },
              },
            },
            false,
          ),
          {
            data: {
              database_bytes: 3_221_225_472, budget_bytes: 5_368_709_120, articles: 520_000, articles_last_day: 50_000, bytes_per_article: 6194, days_held: 17.3, days_left: 6.9,
              live_days: 13, periods: [periodExample], total_articles: 920_000, move_blocked: null,
            },
          },
          noStore,
        ),
        ...adminFailures,
      },
    },
  },
  {
    method: "get",
    path: "/api/v1/admin/shards",
    operation: {
      operationId: "listShards",
      summary: "Period databases and the move boundary (admin)",
      description:
        "Every registered publication period, newest first, with its database's articles and size, and the move boundary: articles whose (`published_at`, `pk`) sorts before it live in their period's database, the rest in the live database. `boundary` is null while nothing has moved (docs/CAPACITY.md).",
      security: adminSecurity,
      responses: {
        200: jsonResponse(
          "The periods and the boundary",
          envelope(
            {
              type: "object",
              properties: {
                periods: { type: "array", items: periodSchema },
                boundary: { type: ["object", "null"], properties: { published_at: { type: "string" }, pk: { type: "integer" } } },
              },
            },
            false,
          ),
          { data: { periods: [periodExample], boundary: { published_at: "2026-11-06T17:21:09Z", pk: 5_210_377 } } },
          noStore,
        ),
        ...adminFailures,
      },
    },
  },
  {
    method: "post",
    path: "/api/v1/admin/shards",
    operation: {
      operationId: "registerShard",
      summary: "Register a publication period and the database that will hold it (admin)",
      description:
        "The mover (a cron step) moves articles older than `LIVE_DAYS` into the database of their period; an article whose date no period covers stops it until one is registered. A period starting at `0000-01-01T00:00:00Z` is the home of the oldest articles. The binding must be a D1 database of this deploy other than `DB`, migrated like the live one, holding no other period and no article outside the range; periods do not overlap.",
      security: adminSecurity,
      requestBody: {
        required: true,
        content: { "application/json": { schema: jsonSchema(shardCreate, "input"), example: { period: "2026-11a", starts_at: "2026-11-01T00:00:00Z", ends_at: "2026-11-09T00:00:00Z", binding: "SHARD_1" } } },
      },
      responses: {
        201: jsonResponse("Registered", envelope(periodSchema, false), { data: { ...periodExample, articles: 0, database_bytes: 12_288 } }, { ...noStore, Location: header("`/api/v1/admin/shards`") }),
        400: sharedResponse("BadRequest"),
        ...adminFailures,
        409: problemResponse(
          "The period would overlap another, its name or binding is taken, or the database is not migrated like the live one or holds articles outside the range.",
          problemExample(409, "conflict", "Conflict", "The range meets period 2026-11a (2026-11-01T00:00:00Z to 2026-11-09T00:00:00Z); periods do not overlap.", "/api/v1/admin/shards"),
        ),
      },
    },
  },
  {
    method: "post",
    path: "/api/v1/admin/reindex",
    query: reindexQuery,
    queryExamples: { shard: "live", cursor: 0, limit: 1000 },
    operation: {
      operationId: "reindex",
      summary: "Rebuild the search index from the articles table, a slice at a time (admin)",
      description:
        "Call again with `cursor` set to the returned `next_cursor` until it is null. Archived bodies are read back from the archive, so an archived article is indexed by every word of its body; while the archive cannot be read the call is a 503: call again with the same `cursor`. " +
        WALK,
      security: adminSecurity,
      responses: {
        200: jsonResponse(
          "One slice indexed",
          envelope({ type: "object", properties: { indexed: { type: "integer" }, next_cursor: { type: ["integer", "null"] }, ...walkFields } }, false),
          { data: { indexed: 1000, next_cursor: 1000, shard: "live", next_shard: "live" } },
          noStore,
        ),
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
    queryExamples: { shard: "2026-11a", cursor: 0, limit: 100 },
    operation: {
      operationId: "resanitize",
      summary: "Re-sanitize stored article bodies with the current sanitizer, a slice at a time (admin)",
      description:
        "Rewrites `content_html`, `content_text`, a body-derived summary and the search row of each article in the slice whose body the current sanitizer changes. Call again with `cursor` set to the returned `next_cursor` until it is null. Cached answers are invalidated when `changed` is above 0. " +
        WALK,
      security: adminSecurity,
      responses: {
        200: jsonResponse(
          "One slice processed",
          envelope({ type: "object", properties: { processed: { type: "integer" }, changed: { type: "integer" }, next_cursor: { type: ["integer", "null"] }, ...walkFields } }, false),
          { data: { processed: 100, changed: 3, next_cursor: 100, shard: "2026-11a", next_shard: "2026-11a" } },
          noStore,
        ),
        400: sharedResponse("BadRequest"),
        ...adminFailures,
      },
    },
  },
];
