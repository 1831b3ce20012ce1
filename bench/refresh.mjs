// Refresh of N sources through the real pipeline (admin refresh, one invocation), against
// loopback publishers serving the demo feeds with ETag/Last-Modified. Three passes: first
// fetch (every item new), every source answering 304, every source changed (three new items
// each). D1 queries and KV operations are measured by wrapping the bindings in a small entry
// module around the production bundle; upstream requests are counted by the publishers.
import { mkdir, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { startUpstream } from "../demo/upstream.mjs";
import { ROOT } from "./build.mjs";
import { ADMIN_TOKEN, applyMigrations, startApp } from "./harness.mjs";

/** Entry module: counts binding calls made by the app, then hands everything to the bundle. */
export const COUNTING_WRAPPER = `import app from "./index.js";
const counters = { d1Calls: 0, d1Statements: 0, kvOps: 0, fetches: 0 };
const realFetch = globalThis.fetch;
globalThis.fetch = (...args) => { counters.fetches++; return realFetch(...args); };
class CountingStatement {
  constructor(inner) { this.inner = inner; }
  bind(...a) { return new CountingStatement(this.inner.bind(...a)); }
  first(...a) { counters.d1Calls++; counters.d1Statements++; return this.inner.first(...a); }
  all(...a) { counters.d1Calls++; counters.d1Statements++; return this.inner.all(...a); }
  run(...a) { counters.d1Calls++; counters.d1Statements++; return this.inner.run(...a); }
  raw(...a) { counters.d1Calls++; counters.d1Statements++; return this.inner.raw(...a); }
}
const forward = (target, prop) => { const v = Reflect.get(target, prop); return typeof v === "function" ? v.bind(target) : v; };
function countingD1(db) {
  return new Proxy(db, { get(target, prop) {
    if (prop === "prepare") return (sql) => new CountingStatement(target.prepare(sql));
    if (prop === "batch") return (stmts) => { counters.d1Calls++; counters.d1Statements += stmts.length; return target.batch(stmts.map((s) => s.inner ?? s)); };
    if (prop === "exec") return (sql) => { counters.d1Calls++; counters.d1Statements += sql.split("\\n").filter((l) => l.trim()).length; return target.exec(sql); };
    if (prop === "withSession") return (...a) => countingD1(target.withSession(...a));
    return forward(target, prop);
  } });
}
function countingKV(kv) {
  return new Proxy(kv, { get(target, prop) {
    const v = forward(target, prop);
    return typeof v === "function" ? (...a) => { counters.kvOps++; return v(...a); } : v;
  } });
}
const wrapEnv = (env) => ({ ...env, DB: countingD1(env.DB), CACHE: countingKV(env.CACHE) });
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === "/__bench/counters") {
      const body = JSON.stringify(counters);
      if (url.searchParams.has("reset")) for (const k of Object.keys(counters)) counters[k] = 0;
      return new Response(body, { headers: { "content-type": "application/json" } });
    }
    return app.fetch(request, wrapEnv(env), ctx);
  },
  scheduled(controller, env, ctx) { return app.scheduled(controller, wrapEnv(env), ctx); },
};
`;

const TEMPLATES_DIR = path.join(ROOT, "demo", "feeds");
const NEW_ITEMS = 3;

/** Feed templates (the demo feeds) with their language, read once. */
async function templates() {
  const names = (await readdir(TEMPLATES_DIR)).filter((f) => /\.(xml|atom)$/.test(f)).sort();
  const out = [];
  for (const name of names) {
    const text = await readFile(path.join(TEMPLATES_DIR, name), "utf8");
    const language = /<language>([^<]+)<\/language>|xml:lang="([^"]+)"/.exec(text);
    out.push({ name, ext: path.extname(name), text, language: language?.[1] ?? language?.[2] ?? null });
  }
  return out;
}

/**
 * A new revision of a feed: the first `count` items get new identities (guid/id/link),
 * as when a publisher adds stories at the top; the rest stay byte-identical.
 */
export function reviseFeed(text, revision, count = NEW_ITEMS) {
  const tag = text.includes("<entry>") ? "entry" : "item";
  let seen = 0;
  return text.replace(new RegExp(`<${tag}>[\\s\\S]*?</${tag}>`, "g"), (block) => {
    if (seen++ >= count) return block;
    return block
      .replace(/(story[/-]s\d+)/g, `$1-r${revision}`)
      .replace(/<title([^>]*)>/, `<title$1>(${revision}) `);
  });
}

async function postJson(url, body) {
  const res = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}

/**
 * CPU time (user + system, ms) the runtime process has used so far: the Worker and the local
 * D1 it runs. On a shared machine this moves far less than wall time; null where /proc is absent.
 */
async function cpuMs(pid) {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const [utime, stime] = stat.slice(stat.lastIndexOf(")") + 2).split(" ").slice(11, 13).map(Number);
    return ((utime + stime) * 1000) / 100;
  } catch {
    return null;
  }
}

/** Resolves once the app has made no D1 call for `quietMs` (its background work is over). */
async function settle(origin, quietMs = 2_000, maxMs = 120_000) {
  const calls = async () => (await (await fetch(`${origin}/__bench/counters`)).json()).d1Calls;
  const until = Date.now() + maxMs;
  let last = await calls();
  let quietSince = Date.now();
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = await calls();
    if (now !== last) [last, quietSince] = [now, Date.now()];
    else if (Date.now() - quietSince >= quietMs) return;
  }
}

/** Every .xml file under `dir`, as paths relative to it, sorted. */
async function feedFiles(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".xml"))
    .map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)))
    .sort();
}

/**
 * Sources for feed files already served by another server (a peer's feed host): one per .xml
 * file under `dir`, at `origin` + its relative path. Its requests are not counted here.
 */
async function externalPlan(dir, origin) {
  const plan = [];
  for (const [i, file] of (await feedFiles(dir)).entries()) {
    const text = await readFile(path.join(dir, file), "utf8");
    const language = /<language>\s*([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)\s*<\/language>/.exec(text)?.[1] ?? null;
    plan.push({ id: `bench-s${i}`, file, path: path.join(dir, file), url: `${origin.replace(/\/$/, "")}/${file.split(path.sep).join("/")}`, language });
  }
  return plan;
}

/**
 * @param {{ scriptPath: string, workDir: string, sources?: number, hosts?: number, log?: (s: string) => void,
 *           external?: { dir: string, origin: string } }} opts
 * With `external`, the sources are the feed files another server already serves (see
 * externalPlan), and the third pass sends every file again unchanged with a new Last-Modified
 * (a full refetch answered 200), the way the peer's own benchmark does.
 */
export async function refreshBench({ scriptPath, workDir, sources = 50, hosts = sources, log = () => {}, external }) {
  await rm(workDir, { recursive: true, force: true });
  const feedsDir = path.join(workDir, "feeds");
  await mkdir(feedsDir, { recursive: true });
  const tpl = await templates();
  let plan;
  if (external) {
    plan = await externalPlan(external.dir, external.origin);
    sources = plan.length;
    hosts = 1;
  } else {
    plan = Array.from({ length: sources }, (_, i) => ({ id: `bench-s${i}`, file: `s${i}${tpl[i % tpl.length].ext}`, template: tpl[i % tpl.length], host: i % hosts }));
    for (const s of plan) await writeFile(path.join(feedsDir, s.file), s.template.text);
  }

  const upstreams = [];
  let app;
  try {
    if (!external) for (let h = 0; h < hosts; h++) upstreams.push(await startUpstream({ root: feedsDir }));
    app = await startApp({
      scriptPath,
      d1Dir: path.join(workDir, "d1"),
      kvDir: path.join(workDir, "kv"),
      wrapper: COUNTING_WRAPPER,
      hello: false,
    });
    await applyMigrations(await app.db());
    for (const s of plan) {
      const created = await postJson(`${app.origin}/api/v1/sources`, {
        id: s.id,
        name: `Bench source ${s.id}`,
        url: s.url ?? `${upstreams[s.host].origin}/${s.file}`,
        language: s.language ?? s.template?.language ?? null,
      });
      if (created.status !== 201 && created.status !== 200) {
        throw new Error(`registering ${s.id} answered ${created.status}: ${JSON.stringify(created.json).slice(0, 300)}`);
      }
    }

    // Registering a source publishes the cache versions in the background (at most one KV
    // write a second, so 57 registrations keep that going for a while). In production sources
    // are registered long before a refresh: the first pass starts once that work has stopped.
    await settle(app.origin);

    const upstreamCount = () => upstreams.reduce((a, u) => a + u.requests.length, 0);
    const pass = async (label, expect) => {
      await fetch(`${app.origin}/__bench/counters?reset`).then((r) => r.arrayBuffer());
      const requestsBefore = upstreamCount();
      const cpuBefore = await cpuMs(app.pid);
      const started = performance.now();
      const res = await postJson(`${app.origin}/api/v1/admin/refresh?force=true`);
      const wallMs = performance.now() - started;
      const cpuAfter = await cpuMs(app.pid);
      const counters = await (await fetch(`${app.origin}/__bench/counters`)).json();
      const report = res.json?.data;
      const outcomes = report?.sources ?? [];
      const statuses = {};
      for (const o of outcomes) statuses[`${o.status}/${o.http_status}`] = (statuses[`${o.status}/${o.http_status}`] ?? 0) + 1;
      const totals = outcomes.reduce((t, o) => ({ new: t.new + o.new, updated: t.updated + o.updated, unchanged: t.unchanged + o.unchanged }), { new: 0, updated: 0, unchanged: 0 });
      const fetches = external ? counters.fetches : upstreamCount() - requestsBefore;
      const result = {
        label,
        httpStatus: res.status,
        sources: outcomes.length,
        statuses,
        ...totals,
        wallMs,
        runtimeCpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
        msPerSource: wallMs / Math.max(1, outcomes.length),
        // Time each source took inside the run (fetch, parse, store), summed: the work, as
        // opposed to the wall time, which overlaps six sources and waits on politeness.
        sourceMsTotal: outcomes.reduce((t, o) => t + (o.duration_ms ?? 0), 0),
        upstreamRequests: fetches,
        subrequestsPerSource: fetches / Math.max(1, outcomes.length),
        workerFetches: counters.fetches,
        d1Calls: counters.d1Calls,
        d1Statements: counters.d1Statements,
        d1StatementsPerSource: counters.d1Statements / Math.max(1, outcomes.length),
        d1CallsPerSource: counters.d1Calls / Math.max(1, outcomes.length),
        kvOps: counters.kvOps,
        expected: expect,
        asExpected: outcomes.length === sources && outcomes.every((o) => o.status === expect),
      };
      log(
        `    ${label.padEnd(34)} ${(wallMs / 1000).toFixed(2)} s wall, ${result.runtimeCpuMs === null ? "" : `${(result.runtimeCpuMs / 1000).toFixed(2)} s runtime CPU, `}${(result.sourceMsTotal / Math.max(1, outcomes.length)).toFixed(0)} ms/source inside  ` +
          `${result.d1StatementsPerSource.toFixed(1)} D1 statements/source  ${result.d1CallsPerSource.toFixed(2)} round trips/source  ` +
          `${result.subrequestsPerSource.toFixed(2)} fetches/source  ${JSON.stringify(statuses)}`,
      );
      for (const o of outcomes.filter((o) => o.status === "error").slice(0, 5)) log(`      ${o.id}: ${o.error?.code} ${o.error?.message}`);
      return result;
    };

    const passes = [];
    if (external) {
      passes.push(await pass("cold (every item new)", "ok"));
      passes.push(await pass("all 304 Not Modified", "not_modified"));
      const stamps = await Promise.all(plan.map((s) => stat(s.path)));
      const now = new Date();
      try {
        for (const s of plan) await utimes(s.path, now, now);
        // Answered 200 with the bytes stored last time: recognized by its digest, not re-read.
        passes.push(await pass("all 200, same bytes (new Last-Modified)", "not_modified"));
      } finally {
        // Leave the other server's files as they were (its own runs expect their dates).
        for (const [i, s] of plan.entries()) await utimes(s.path, stamps[i].atime, stamps[i].mtime);
      }
      return { sources, hosts, origin: external.origin, measured: "D1 and KV calls counted by a wrapper around the bindings", passes };
    }
    passes.push(await pass(`first fetch (${sources} × 30 new items)`, "ok"));
    passes.push(await pass("all 304 Not Modified", "not_modified"));
    for (const s of plan) await writeFile(path.join(feedsDir, s.file), reviseFeed(s.template.text, 2));
    passes.push(await pass(`all changed (${NEW_ITEMS} new items each)`, "ok"));
    return { sources, hosts, measured: "D1 and KV calls counted by a wrapper around the bindings; fetches counted by the loopback publishers", passes };
  } finally {
    await app?.dispose().catch(() => {});
    for (const u of upstreams) await u.close().catch(() => {});
    await rm(workDir, { recursive: true, force: true }).catch(() => {});
  }
}

// `node bench/refresh.mjs [sources] [hosts]` runs this benchmark alone, e.g. `57 1` for the
// production shape (every source on one publisher), printing each pass's wall time.
//
// Side by side with another aggregator on the same feed files:
//   node bench/refresh.mjs --feeds <dir> --origin http://127.0.0.1 [--runs 3] [--peer "<command>"] [--out <file.json>]
// refreshes one source per .xml file under <dir> as served at <origin>; with --peer, the
// command (the other aggregator's own refresh benchmark) runs before each of our runs, so
// noise falls on both, and the rows of its markdown table `| label | feeds | wall s | ...`
// are collected. Prints medians of both.
if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const { RESULTS_DIR, buildWorker } = await import("./build.mjs");
  const { parseArgs } = await import("node:util");
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { feeds: { type: "string" }, origin: { type: "string" }, runs: { type: "string" }, peer: { type: "string" }, out: { type: "string" } },
  });
  const build = await buildWorker(path.join(RESULTS_DIR, ".build", "refresh-worker"));
  const workDir = path.join(RESULTS_DIR, ".build", "refresh-work");
  if (!values.feeds) {
    const sources = Number(positionals[0] ?? 57);
    const hosts = Number(positionals[1] ?? 1);
    console.log(`refresh: ${sources} sources on ${hosts} loopback publisher(s)`);
    await refreshBench({ scriptPath: build.scriptPath, workDir, sources, hosts, log: console.log });
  } else {
    const { sideBySide } = await import("./refresh-peer.mjs");
    const external = { dir: path.resolve(values.feeds), origin: values.origin ?? "http://127.0.0.1" };
    const runs = Number(values.runs ?? 3);
    const result = await sideBySide({ runs, peer: values.peer, ours: (log) => refreshBench({ scriptPath: build.scriptPath, workDir, external, log }), log: console.log });
    if (values.out) await writeFile(values.out, JSON.stringify(result, null, 2));
  }
}
