import { Hono } from "hono";
import { countArticles } from "../db/articles";
import { recentRuns } from "../db/runs";
import { spanning } from "../db/shard-read";
import type { AppEnv } from "../env";

/** Liveness plus a summary of the last refresh, for monitors and operators. */
export const healthRoutes = new Hono<AppEnv>().get("/healthz", async (c) => {
  const [articles, [last]] = await Promise.all([countArticles(spanning(c.var.session(), c.env)), recentRuns(c.var.session(), 1)]);
  c.header("cache-control", "no-store");
  return c.json({
    status: "ok",
    time: new Date().toISOString(),
    articles,
    last_refresh: last
      ? {
          id: last.id,
          trigger: last.trigger,
          status: last.status,
          started_at: last.started_at,
          finished_at: last.finished_at,
          sources: last.sources.length,
          errors: last.sources.filter((s) => s.status === "error").length,
          new: last.sources.reduce((n, s) => n + s.new, 0),
          updated: last.sources.reduce((n, s) => n + s.updated, 0),
        }
      : null,
  });
});
