import { Hono } from "hono";
import * as z from "zod/mini";
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
  });
