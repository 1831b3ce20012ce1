import { Hono } from "hono";
import * as z from "zod/mini";
import { contentChanged } from "../cache/version";
import { MAX_REINDEX_LIMIT, reindexArticles } from "../db/reindex";
import { recentRuns } from "../db/runs";
import type { AppEnv } from "../env";
import { runRefresh } from "../ingest/run";
import { requireAdmin } from "./middleware";
import { parseParams, queryObject } from "./params";

const refreshQuery = z.object({
  source: z.optional(z.array(z.string().check(z.maxLength(64))).check(z.maxLength(1))),
  force: z.optional(z.enum(["true", "false"])),
});
const runsQuery = z.object({ limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 20) });
const reindexQuery = z.object({
  cursor: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 0),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(MAX_REINDEX_LIMIT)), 1000),
});

export const adminRoutes = new Hono<AppEnv>()
  .use(requireAdmin())
  .post("/refresh", async (c) => {
    const q = parseParams(refreshQuery, queryObject(new URL(c.req.url)));
    const report = await runRefresh(c.env, { trigger: "manual", sourceId: q.source?.[0], force: q.force === "true" || q.source !== undefined });
    return c.json({ data: report }, report.skipped ? 409 : 200);
  })
  .get("/runs", async (c) => {
    const q = parseParams(runsQuery, queryObject(new URL(c.req.url)));
    return c.json({ data: await recentRuns(c.env.DB, q.limit) });
  })
  .post("/reindex", async (c) => {
    const q = parseParams(reindexQuery, queryObject(new URL(c.req.url)));
    const report = await reindexArticles(c.env.DB, q);
    // Cached search pages were built from the old index.
    if (report.next_cursor === null) await contentChanged(c.env, { kind: "search-index" });
    return c.json({ data: report });
  });
