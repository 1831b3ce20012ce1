import { Hono } from "hono";
import { reportChange } from "./changes";
import { capacityReport } from "../archive/budget";
import { archivedTexts } from "../archive/texts";
import { reindexArticles } from "../db/reindex";
import { recentRuns } from "../db/runs";
import { listPeriods, registerPeriod } from "../db/shard-registry";
import { bumpPeriods } from "../db/store-periods";
import { listSubscriptions } from "../db/websub";
import type { AppEnv } from "../env";
import { resanitizeArticles } from "../ingest/resanitize";
import { runRefresh } from "../ingest/run";
import { invalidParameters, Problem } from "../errors/problem";
import { readJson } from "../http/json-body";
import { parseParams, queryObject } from "../http/params";
import { reindexQuery, refreshQuery, resanitizeQuery, runsQuery, shardCreate } from "./admin.input";
import { nextShard, walkTarget } from "./admin.shard";
import { requireAdmin } from "./middleware";

export const adminRoutes = new Hono<AppEnv>()
  .use(requireAdmin())
  .post("/refresh", async (c) => {
    const q = parseParams(refreshQuery, queryObject(new URL(c.req.url)));
    const report = await runRefresh(c.env, { trigger: "manual", sourceId: q.source?.[0], force: q.force === "true" || q.source !== undefined });
    if (report.retry_after) c.header("retry-after", String(report.retry_after));
    return c.json({ data: report }, report.skipped ? 409 : 200);
  })
  .get("/runs", async (c) => {
    const q = parseParams(runsQuery, queryObject(new URL(c.req.url)));
    return c.json({ data: await recentRuns(c.env.DB, q.limit) });
  })
  .get("/subscriptions", async (c) => c.json({ data: await listSubscriptions(c.env.DB) }))
  .get("/capacity", async (c) => c.json({ data: await capacityReport(c.env) }))
  .get("/shards", async (c) => c.json({ data: await listPeriods(c.env) }))
  .post("/shards", async (c) => {
    const input = parseParams(shardCreate, await readJson(c));
    if (input.starts_at >= input.ends_at) throw invalidParameters([{ path: "ends_at", message: "must be after starts_at" }]);
    const fault = await registerPeriod(c.env, { period: input.period, startsAt: input.starts_at, endsAt: input.ends_at, binding: input.binding }, new Date().toISOString());
    if (fault?.kind === "binding") throw invalidParameters([{ path: "binding", message: fault.message }]);
    if (fault) throw new Problem({ status: 409, code: "conflict", title: "Conflict", detail: fault.message });
    // A new period changes no answer: nothing is in its database until the mover fills it.
    const { periods } = await listPeriods(c.env);
    c.header("location", "/api/v1/admin/shards");
    return c.json({ data: periods.find((p) => p.period === input.period) }, 201);
  })
  .post("/reindex", async (c) => {
    const q = parseParams(reindexQuery, queryObject(new URL(c.req.url)));
    const target = await walkTarget(c.env, q.shard);
    const report = await reindexArticles(target.db, q, archivedTexts(c.env.ARCHIVE));
    if (report.next_cursor === null) {
      // Cached search pages (and a period's cached counts) were built from the old index.
      if (target.period) await bumpPeriods(c.env.DB, [target.period]).run();
      await reportChange(c, { kind: "search-index" });
    }
    return c.json({ data: { ...report, shard: target.name, next_shard: nextShard(target, report.next_cursor) } });
  })
  .post("/resanitize", async (c) => {
    const q = parseParams(resanitizeQuery, queryObject(new URL(c.req.url)));
    const target = await walkTarget(c.env, q.shard);
    const report = await resanitizeArticles(target.db, q);
    if (report.changed > 0) {
      // Cached answers and pages still hold the bodies as they were.
      if (target.period) await bumpPeriods(c.env.DB, [target.period]).run();
      await reportChange(c, { kind: "articles", stored: report.changed });
    }
    return c.json({ data: { ...report, shard: target.name, next_shard: nextShard(target, report.next_cursor) } });
  });
