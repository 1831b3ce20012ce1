// The Worker under wrangler's local dev server (the same one `wrangler dev` runs: local D1, KV,
// queues, .dev.vars), started without the DevTools inspector. scripts/stack.mjs spawns this in
// its own process group; SIGTERM or SIGINT stops it.
//
// Why no inspector: `wrangler dev` always attaches one and enables its Network domain, so the
// runtime reports every read of every upstream response body (one per transfer-encoding chunk)
// to the dev proxy, which relays each report to wrangler's Node process as a separate loopback
// request, none awaited. A feed that streams megabytes in small chunks thus opened thousands
// of sockets a second, filled the debug log and exhausted the Node heap, and the proxy stopped
// answering any request, while the Worker itself had already cut the body off at its limit.
// Worker logs do not need the inspector: they reach this process's stdout directly.
//
// Usage: node scripts/dev-worker.mjs <port> [persist-dir] (JSON object of extra vars in DEV_VARS).
import path from "node:path";
import { unstable_startWorker } from "wrangler";

const root = path.resolve(import.meta.dirname, "..");
const [port, persistTo] = process.argv.slice(2);
const vars = JSON.parse(process.env.DEV_VARS || "{}");

const worker = await unstable_startWorker({
  config: path.join(root, "wrangler.toml"),
  // The programmatic API does not derive this from wrangler.toml's `nodejs_compat` flag as the
  // CLI does: without it the dev bundle leaves `node:crypto` unresolved and warns that the
  // Worker may fail at runtime. "v2" is what the flag means at our compatibility date.
  build: { nodejsCompatMode: "v2" },
  bindings: Object.fromEntries(Object.entries(vars).map(([name, value]) => [name, { type: "plain_text", value: String(value) }])),
  dev: {
    server: { hostname: "127.0.0.1", port: Number(port) },
    inspector: false,
    persist: persistTo || undefined,
    logLevel: process.env.DEV_LOG_LEVEL || "warn",
    liveReload: false,
    // `/__scheduled?cron=` runs the scheduled handler through the Worker's fetch path. The dev
    // server's own trigger (/cdn-cgi/handler/scheduled) reaches the asset router that stands in
    // front of a Worker with `[assets]`, which has no scheduled handler, and answers 500.
    testScheduled: true,
  },
});
await worker.ready;

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await worker.dispose().catch(() => {});
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
