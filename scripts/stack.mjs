// The local stack behind `npm start` and the end-to-end tests:
//  1. a real HTTP upstream on 127.0.0.1 serving the demo feeds (demo/feeds);
//  2. the D1 migrations applied to the local database;
//  3. the Worker under wrangler's local dev server (local D1 and KV) on 127.0.0.1:PORT, without
//     the inspector (see scripts/dev-worker.mjs for why);
//  4. the demo sources registered through the admin API and the cron handler fired, so the
//     content arrives through the real refresh pipeline.
import { spawn } from "node:child_process";
import { constants } from "node:fs";
import { copyFile, readFile } from "node:fs/promises";
import path from "node:path";
import { startUpstream } from "../demo/upstream.mjs";

const root = path.resolve(import.meta.dirname, "..");
const wranglerBin = path.join(root, "node_modules", "wrangler", "bin", "wrangler.js");
const devWorker = path.join(root, "scripts", "dev-worker.mjs");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Local settings: .dev.vars is untracked, so a fresh clone gets it from the tracked example. */
async function devVars() {
  const file = path.join(root, ".dev.vars");
  // A developer's own .dev.vars is never overwritten.
  await copyFile(path.join(root, ".dev.vars.example"), file, constants.COPYFILE_EXCL).catch((err) => {
    if (err.code !== "EEXIST") throw err;
  });
  return readFile(file, "utf8");
}

/** The D1 bindings wrangler.toml declares: the live database and the period databases, all migrated alike. */
async function d1Bindings() {
  const toml = await readFile(path.join(root, "wrangler.toml"), "utf8");
  return [...toml.matchAll(/\[\[d1_databases\]\]\s*\nbinding = "([A-Z0-9_]+)"/g)].map((m) => m[1]);
}

/** The cron schedule of wrangler.toml `[triggers]` (the one place it is written) and its step. */
export async function refreshCron() {
  const toml = await readFile(path.join(root, "wrangler.toml"), "utf8");
  const cron = /^crons\s*=\s*\[\s*"([^"]+)"/m.exec(toml)?.[1];
  const minutes = Number(/^\*\/(\d+) \* \* \* \*$/.exec(cron ?? "")?.[1]);
  if (!cron || !minutes) throw new Error("wrangler.toml declares no cron trigger of the form */N * * * *");
  return { cron, intervalMs: minutes * 60_000 };
}

/**
 * @param {{ port: number, persistTo?: string, log?: (line: string) => void,
 *           progress?: (done: number, total: number) => void, inheritWorkerOutput?: boolean,
 *           vars?: Record<string, string> }} options  vars override .dev.vars (e.g. FETCH_TIMEOUT_MS)
 */
export async function startStack({ port, persistTo, log = () => {}, progress = () => {}, inheritWorkerOutput = false, vars = {} }) {
  const base = `http://127.0.0.1:${port}`;
  const adminToken = (await devVars()).match(/^ADMIN_TOKEN=(.*)$/m)?.[1]?.trim() ?? "dev-token";
  const { cron, intervalMs } = await refreshCron();
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
  const persist = persistTo ? ["--persist-to", persistTo] : [];
  const children = new Set();
  let upstream;

  const wrangler = (args, inherit, script = wranglerBin, extraEnv = {}) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: root,
      env: { ...env, ...extraEnv },
      stdio: inherit ? ["ignore", "inherit", "inherit"] : ["ignore", "pipe", "pipe"],
      detached: true,
    });
    children.add(child);
    child.on("exit", () => children.delete(child));
    return child;
  };

  const stop = async () => {
    for (const child of children) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {}
    }
    await upstream?.close();
  };

  const api = (method, pathname, body) =>
    fetch(`${base}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: body && JSON.stringify(body),
    });

  try {
    upstream = await startUpstream({ root: path.join(root, "demo", "feeds") });
    log(`demo upstream serving feeds at ${upstream.origin}`);

    const databases = await d1Bindings();
    log(`applying D1 migrations to the local databases (${databases.join(", ")})…`);
    // One database after another: runs at once on the same state directory can find its
    // shared files locked (SQLITE_BUSY) and fail the start.
    for (const binding of databases) {
      const migrate = wrangler(["d1", "migrations", "apply", binding, "--local", ...persist], false);
      let output = "";
      migrate.stdout.on("data", (d) => (output += d));
      migrate.stderr.on("data", (d) => (output += d));
      const code = await new Promise((resolve) => migrate.on("exit", resolve));
      if (code !== 0) throw new Error(`migrations of ${binding} failed:\n${output}`);
    }

    log("starting the Worker (wrangler's local dev server, local D1 and KV)…");
    const dev = wrangler([String(port), persistTo ?? ""], inheritWorkerOutput, devWorker, { DEV_VARS: JSON.stringify(vars) });
    if (!inheritWorkerOutput) {
      dev.stdout.on("data", () => {});
      dev.stderr.on("data", () => {});
    }
    const until = Date.now() + 60_000;
    for (;;) {
      if (Date.now() > until) throw new Error(`${base}/healthz did not answer within 60 s`);
      const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      await sleep(250);
    }

    const sources = JSON.parse(await readFile(path.join(root, "demo", "sources.json"), "utf8"));
    for (const { path: feedPath, ...source } of sources) {
      const url = `${upstream.origin}${feedPath}`;
      const created = await api("POST", "/api/v1/sources", { ...source, url });
      if (created.status === 409) await api("PATCH", `/api/v1/sources/${source.id}`, { url, enabled: true });
      else if (!created.ok) throw new Error(`could not register ${source.id}: ${created.status} ${await created.text()}`);
    }

    const fireCron = async () => {
      // Through the dev server's test route (see scripts/dev-worker.mjs `testScheduled`).
      const res = await fetch(`${base}/__scheduled?cron=${encodeURIComponent(cron)}`);
      if (!res.ok) throw new Error(`cron trigger answered ${res.status}`);
    };
    const since = Date.now();
    await fireCron();
    // The run log, not GET /sources: that answer is cached, and a refresh that finds nothing
    // new (a restart on kept state) leaves its fetch times as they were cached.
    for (let i = 0; ; i++) {
      if (i > 240) throw new Error("the first refresh did not finish within 2 minutes");
      const runs = (await (await api("GET", "/api/v1/admin/runs?limit=10")).json()).data;
      const fetched = new Set(runs.filter((run) => Date.parse(run.started_at) >= since - 1000).flatMap((run) => run.sources.map((s) => s.id)));
      const done = sources.filter((s) => fetched.has(s.id)).length;
      progress(done, sources.length);
      if (done >= sources.length) break;
      // After a crash the dead run's lease blocks the cron for up to a minute: fire it again.
      if (i % 20 === 19) await fireCron();
      await sleep(500);
    }
    const health = (await (await fetch(`${base}/api/v1/sources?per_page=100`)).json()).data;
    return { base, upstream: upstream.origin, adminToken, cron, intervalMs, sources: health, fireCron, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
