// Refresh of many sources through the refresh queue, as production runs it past one
// invocation's share: the admin refresh fans every due source out to the queue (one message per
// host, up to 50 sources), and the local queue delivers each message to the consumer (one per
// invocation, as wrangler.toml configures it). Measured: wall time until every source is done,
// and D1 queries and round trips of each consumer invocation (a wrapper around the production
// bundle counts them per invocation). Two passes: first fetch, then every source answering 304.
//
//   node bench/refresh-queue.mjs [sources=1000] [sources per host=50]
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { startUpstream } from "../demo/upstream.mjs";
import { ROOT } from "./build.mjs";
import { ADMIN_TOKEN, applyMigrations, startApp } from "./harness.mjs";
import { median } from "./stats.mjs";

const QUEUE = "edge-news-refresh";

/** Entry module: D1 calls counted per queue invocation, then everything handed to the bundle. */
const QUEUE_COUNTING_WRAPPER = `import app from "./index.js";
const invocations = [];
let sourcesDone = 0;
function countingD1(db, c) {
  const statement = (inner) => ({
    inner,
    bind: (...a) => statement(inner.bind(...a)),
    first: (...a) => { c.calls++; c.statements++; return inner.first(...a); },
    all: (...a) => { c.calls++; c.statements++; return inner.all(...a); },
    run: (...a) => { c.calls++; c.statements++; return inner.run(...a); },
    raw: (...a) => { c.calls++; c.statements++; return inner.raw(...a); },
  });
  return new Proxy(db, { get(target, prop) {
    if (prop === "prepare") return (sql) => statement(target.prepare(sql));
    if (prop === "batch") return (stmts) => { c.calls++; c.statements += stmts.length; return target.batch(stmts.map((s) => s.inner ?? s)); };
    if (prop === "withSession") return (...a) => countingD1(target.withSession(...a), c);
    const v = Reflect.get(target, prop);
    return typeof v === "function" ? v.bind(target) : v;
  } });
}
export default {
  async fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/__bench/queue") {
      return new Response(JSON.stringify({ sourcesDone, invocations }), { headers: { "content-type": "application/json" } });
    }
    return app.fetch(request, env, ctx);
  },
  async queue(batch, env, ctx) {
    const c = { calls: 0, statements: 0, sources: 0, ms: 0 };
    const started = Date.now();
    try {
      await app.queue(batch, { ...env, DB: countingD1(env.DB, c) }, ctx);
    } finally {
      c.ms = Date.now() - started;
      c.sources = batch.messages.reduce((n, m) => n + (m.body.sourceIds?.length ?? 1), 0);
      invocations.push(c);
      sourcesDone += c.sources;
    }
  },
};
`;

async function demoFeeds() {
  const dir = path.join(ROOT, "demo", "feeds");
  const names = (await readdir(dir)).filter((f) => /\.(xml|atom)$/.test(f)).sort();
  return Promise.all(names.map(async (name) => ({ name, text: await readFile(path.join(dir, name), "utf8") })));
}

async function post(url) {
  const res = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return { status: res.status, json: await res.json().catch(() => null) };
}

export async function refreshQueueBench({ scriptPath, workDir, sources = 1000, perHost = 50, log = () => {} }) {
  await rm(workDir, { recursive: true, force: true });
  const feedsDir = path.join(workDir, "feeds");
  await mkdir(feedsDir, { recursive: true });
  const feeds = await demoFeeds();
  for (const f of feeds) await writeFile(path.join(feedsDir, f.name), f.text);
  const hosts = Math.ceil(sources / perHost);
  const upstreams = [];
  let app;
  try {
    for (let h = 0; h < hosts; h++) upstreams.push(await startUpstream({ root: feedsDir }));
    app = await startApp({
      scriptPath,
      d1Dir: path.join(workDir, "d1"),
      kvDir: path.join(workDir, "kv"),
      wrapper: QUEUE_COUNTING_WRAPPER,
      hello: false,
      bindings: {},
      extraWorkers: [],
      queues: { producers: { REFRESH_QUEUE: QUEUE }, consumers: { [QUEUE]: { maxBatchSize: 1, maxBatchTimeout: 1, maxRetries: 3 } } },
    });
    const db = await app.db();
    await applyMigrations(db);
    // Registered straight in D1 (the API would take a request each): what the refresh reads.
    const rows = Array.from({ length: sources }, (_, i) => {
      const f = feeds[i % feeds.length];
      return [`q-s${i}`, `Queue source ${i}`, `${upstreams[Math.floor(i / perHost)].origin}/${f.name}?s=${i}`];
    });
    for (let i = 0; i < rows.length; i += 30) {
      const part = rows.slice(i, i + 30);
      await db.prepare(`INSERT INTO sources (id, name, url) VALUES ${part.map(() => "(?, ?, ?)").join(", ")}`).bind(...part.flat()).run();
    }
    const state = async () => (await fetch(`${app.origin}/__bench/queue`)).json();
    const results = [];
    for (const label of ["first fetch", "all 304 Not Modified"]) {
      const before = await state();
      const started = performance.now();
      const res = await post(`${app.origin}/api/v1/admin/refresh?force=true`);
      if (res.status !== 200 || res.json?.data?.queued !== sources) throw new Error(`refresh answered ${res.status}: ${JSON.stringify(res.json).slice(0, 300)}`);
      let now = before;
      const deadline = Date.now() + 30 * 60_000;
      while (now.sourcesDone - before.sourcesDone < sources) {
        if (Date.now() > deadline) throw new Error(`${now.sourcesDone - before.sourcesDone} of ${sources} sources done after 30 min`);
        await new Promise((r) => setTimeout(r, 200));
        now = await state();
      }
      const wallMs = performance.now() - started;
      const invocations = now.invocations.slice(before.invocations.length);
      const statuses = (await db.prepare("SELECT last_status AS s, count(*) AS n FROM sources GROUP BY 1").all()).results;
      const result = {
        label,
        sources,
        hosts,
        wallMs,
        invocations: invocations.length,
        statuses,
        d1QueriesPerInvocation: { median: median(invocations.map((c) => c.statements)), max: Math.max(...invocations.map((c) => c.statements)) },
        d1RoundTripsPerInvocation: { median: median(invocations.map((c) => c.calls)), max: Math.max(...invocations.map((c) => c.calls)) },
        invocationMs: { median: median(invocations.map((c) => c.ms)), max: Math.max(...invocations.map((c) => c.ms)) },
      };
      log(
        `    ${label.padEnd(22)} ${(wallMs / 1000).toFixed(1)} s wall, ${invocations.length} invocations, D1 queries per invocation median ${result.d1QueriesPerInvocation.median} max ${result.d1QueriesPerInvocation.max}, ` +
          `round trips median ${result.d1RoundTripsPerInvocation.median}, invocation ${result.invocationMs.median} ms median  ${JSON.stringify(statuses)}`,
      );
      results.push(result);
    }
    return { sources, hosts, passes: results };
  } finally {
    await app?.dispose().catch(() => {});
    for (const u of upstreams) await u.close().catch(() => {});
    await rm(workDir, { recursive: true, force: true }).catch(() => {});
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const { RESULTS_DIR, buildWorker } = await import("./build.mjs");
  const sources = Number(process.argv[2] ?? 1000);
  const perHost = Number(process.argv[3] ?? 50);
  const build = await buildWorker(path.join(RESULTS_DIR, ".build", "refresh-queue-worker"));
  console.log(`refresh through the queue: ${sources} sources, ${perHost} per loopback publisher`);
  await refreshQueueBench({ scriptPath: build.scriptPath, workDir: path.join(RESULTS_DIR, ".build", "refresh-queue-work"), sources, perHost, log: console.log });
}
