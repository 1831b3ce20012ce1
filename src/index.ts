import { maintainDatabase } from "./archive/maintenance";
import { createApp } from "./app";
import { serveThroughTiers } from "./cache/serve";
import { repairContentVersion } from "./cache/version";
import type { Bindings, RefreshMessage } from "./env";
import { refreshFromQueue, runRefresh } from "./ingest/run";

const app = createApp();

export default {
  async fetch(request, env, ctx) {
    // Hot responses are answered from isolate memory before the app runs (cache/serve.ts).
    return serveThroughTiers(request, env, ctx, async (req) => app.fetch(req, env, ctx));
  },
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(
      // Content versions bumped in D1 that did not reach KV (a failed or skipped write) are published first.
      repairContentVersion(env)
        .catch((err) => console.error(JSON.stringify({ level: "warn", msg: "content version repair failed", error: String(err) })))
        .then(() => runRefresh(env, { trigger: "cron" }))
        .then((report) => {
          const totals = report.sources.reduce((t, s) => ({ new: t.new + s.new, errors: t.errors + (s.status === "error" ? 1 : 0) }), { new: 0, errors: 0 });
          console.log(JSON.stringify({ level: "info", msg: "refresh finished", run: report.id, sources: report.sources.length, ...totals, queued: report.queued, deferred: report.deferred, skipped: report.skipped }));
        }, (err) => console.error(JSON.stringify({ level: "error", msg: "refresh failed; the run shows as interrupted", error: String(err) }))),
    );
    ctx.waitUntil(
      maintainDatabase(env).then(
        (r) => console.log(JSON.stringify({ level: "info", msg: "database upkeep finished", ...r })),
        (err) => console.error(JSON.stringify({ level: "error", msg: "database upkeep failed; the next cron resumes it", error: String(err) })),
      ),
    );
  },
  async queue(batch, env, _ctx) {
    await refreshFromQueue(env, batch);
  },
} satisfies ExportedHandler<Bindings, RefreshMessage>;
