// The local stack behind `npm start` and the end-to-end tests:
//  1. a real HTTP upstream on 127.0.0.1 serving the demo feeds (demo/feeds);
//  2. the D1 migrations applied to the local database;
//  3. the Worker under `wrangler dev` (local D1 and KV) on 127.0.0.1:PORT;
//  4. the demo sources registered through the admin API and the cron handler fired, so the
//     content arrives through the real refresh pipeline.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { startUpstream } from "../demo/upstream.mjs";

const root = path.resolve(import.meta.dirname, "..");
const wranglerBin = path.join(root, "node_modules", "wrangler", "bin", "wrangler.js");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {{ port: number, persistTo?: string, log?: (line: string) => void,
 *           progress?: (done: number, total: number) => void, inheritWorkerOutput?: boolean }} options
 */
export async function startStack({ port, persistTo, log = () => {}, progress = () => {}, inheritWorkerOutput = false }) {
  const base = `http://127.0.0.1:${port}`;
  const adminToken = (await readFile(path.join(root, ".dev.vars"), "utf8")).match(/^ADMIN_TOKEN=(.*)$/m)?.[1]?.trim() ?? "dev-token";
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
  const persist = persistTo ? ["--persist-to", persistTo] : [];
  const children = new Set();
  let upstream;

  const wrangler = (args, inherit) => {
    const child = spawn(process.execPath, [wranglerBin, ...args], {
      cwd: root,
      env,
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

    log("applying D1 migrations to the local database…");
    const migrate = wrangler(["d1", "migrations", "apply", "DB", "--local", ...persist], false);
    let output = "";
    migrate.stdout.on("data", (d) => (output += d));
    migrate.stderr.on("data", (d) => (output += d));
    const code = await new Promise((resolve) => migrate.on("exit", resolve));
    if (code !== 0) throw new Error(`migrations failed:\n${output}`);

    log("starting the Worker (wrangler dev, local D1 and KV)…");
    const dev = wrangler(
      ["dev", "--ip", "127.0.0.1", "--port", String(port), "--log-level", "warn", "--show-interactive-dev-session=false", ...persist],
      inheritWorkerOutput,
    );
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
      const res = await fetch(`${base}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("*/15 * * * *")}`);
      if (!res.ok) throw new Error(`cron trigger answered ${res.status}`);
    };
    const since = Date.now();
    await fireCron();
    let health = [];
    for (let i = 0; ; i++) {
      if (i > 240) throw new Error("the first refresh did not finish within 2 minutes");
      health = (await (await fetch(`${base}/api/v1/sources`)).json()).data;
      const done = health.filter((s) => s.last_fetched_at && Date.parse(s.last_fetched_at) >= since - 1000).length;
      progress(done, sources.length);
      if (done >= sources.length) break;
      // After a crash the dead run's lease blocks the cron for up to a minute: fire it again.
      if (i % 20 === 19) await fireCron();
      await sleep(500);
    }
    return { base, upstream: upstream.origin, adminToken, sources: health, fireCron, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
