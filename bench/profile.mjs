#!/usr/bin/env node
// `node bench/profile.mjs [--size 10k] [--requests 30] [--seconds 3] [--cpu] [--bundle path/index.js]` — where an uncached answer (a miss)
// spends its time. The production bundle runs in the bench harness behind an entry module that
// wraps the D1 and KV bindings and the Cache API and records, per request: every D1 round trip
// (statements, `meta.rows_read`, `meta.duration`, how long the request waited for it), every KV
// and Cache API call, the work handed to `waitUntil` (after the answer), and the order of the
// awaits. Requests go one at a time (no queue), each to a new host name so every one is a real
// miss (the shared cache keys hold the origin); the table prints medians per kind of request.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { RESULTS_DIR, buildNodeModules, buildWorker } from "./build.mjs";
import { parseSize, sizeLabel } from "./corpus.mjs";
import { ensureCorpus } from "./corpus-db.mjs";
import { startApp } from "./harness.mjs";
import { cpuByFile, cpuTable } from "./cpu-profile.mjs";
import { load, mergeRuns, missRequest, targetOf } from "./http.mjs";
import { median } from "./stats.mjs";
import { BROAD_WORD, NARROW_WORD } from "./words.mjs";

/**
 * Entry module: one record per request. Requests are sent one at a time, so "the request now
 * running" is the one whose record the Cache API wrapper (a global, not a binding) writes to.
 * Times are the runtime's clock, which moves at I/O: a span is how long the request waited.
 */
export const PROFILE_WRAPPER = `import app from "./index.js";
const records = [];
let current = null;
// Set by the profiler: with "skipWrites", KV and Cache API writes return at once without
// writing, to measure what they cost the misses around them.
// "skipReads" answers the response cache's lookups (Cache API, KV "resp:" keys) with nothing at once.
const config = { skipWrites: false, skipReads: false, record: true };
const now = () => performance.now();
function span(rec, kind, detail, started, after) {
  if (rec) rec.spans.push({ kind, detail, start: started - rec.t0, ms: now() - started, after });
}
async function timed(kind, detail, fn, extract) {
  const rec = current;
  const started = now();
  // The app hands every cache write to waitUntil (response-cache.ts): it runs beside the answer.
  const after = kind.endsWith(" put");
  const value = await fn();
  span(rec, kind, detail, started, after);
  if (rec && extract) extract(rec, value);
  return value;
}
const sqlLabel = (sql) => sql.replace(/\\s+/g, " ").slice(0, 70);
function addMeta(rec, results) {
  for (const r of [].concat(results ?? [])) {
    const m = r && r.meta;
    if (!m) continue;
    rec.statements++;
    rec.rowsRead += m.rows_read ?? 0;
    rec.rowsWritten += m.rows_written ?? 0;
    rec.d1Duration += m.duration ?? 0;
  }
}
class Statement {
  constructor(inner, sql) { this.inner = inner; this.sql = sql; }
  bind(...a) { return new Statement(this.inner.bind(...a), this.sql); }
  all(...a) { return timed("d1", sqlLabel(this.sql), () => this.inner.all(...a), addMeta); }
  run(...a) { return timed("d1", sqlLabel(this.sql), () => this.inner.run(...a), addMeta); }
  first(...a) { return timed("d1", sqlLabel(this.sql), () => this.inner.first(...a), (rec) => rec.statements++); }
  raw(...a) { return timed("d1", sqlLabel(this.sql), () => this.inner.raw(...a), (rec) => rec.statements++); }
}
function d1(db) {
  return new Proxy(db, { get(target, prop) {
    if (prop === "prepare") return (sql) => new Statement(target.prepare(sql), sql);
    if (prop === "batch") return (stmts) => timed("d1", "batch: " + stmts.map((s) => sqlLabel(s.sql ?? "?").slice(0, 40)).join(" | "), () => target.batch(stmts.map((s) => s.inner ?? s)), addMeta);
    if (prop === "withSession") return (...a) => d1(target.withSession(...a));
    const v = Reflect.get(target, prop);
    return typeof v === "function" ? v.bind(target) : v;
  } });
}
function kv(ns) {
  return new Proxy(ns, { get(target, prop) {
    const v = Reflect.get(target, prop);
    if (typeof v !== "function") return v;
    if (prop === "put" && config.skipWrites) return async () => {};
    if (prop === "get" && config.skipReads) return (key, ...rest) => (String(key).startsWith("resp:") ? Promise.resolve(null) : v.call(target, key, ...rest));
    return (...a) => timed("kv " + String(prop), String(a[0]).slice(0, 40), () => v.apply(target, a));
  } });
}
const cacheProto = Object.getPrototypeOf(caches.default);
for (const name of ["match", "put", "delete"]) {
  const original = cacheProto[name];
  cacheProto[name] = function (...a) {
    if (name === "put" && config.skipWrites) return Promise.resolve();
    if (name === "match" && config.skipReads) return Promise.resolve(undefined);
    return timed("cache " + name, "", () => original.apply(this, a));
  };
}
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === "/__profile/records") {
      const body = JSON.stringify(records.splice(0));
      return new Response(body, { headers: { "content-type": "application/json" } });
    }
    if (url.pathname === "/__profile/config") {
      for (const [k, v] of url.searchParams) config[k] = v === "true";
      return new Response(JSON.stringify(config), { headers: { "content-type": "application/json" } });
    }
    // The wrapped bindings serve unrecorded requests too: the skip modes must reach KV under load.
    const wrappedEnv = { ...env, DB: d1(env.DB), CACHE: kv(env.CACHE) };
    if (!config.record) {
      current = null;
      return app.fetch(request, wrappedEnv, ctx);
    }
    const rec = { t0: now(), path: url.pathname + url.search, spans: [], statements: 0, rowsRead: 0, rowsWritten: 0, d1Duration: 0, responded: false, waits: [] };
    current = rec;
    const wrappedCtx = { waitUntil: (p) => { rec.waits.push(p); ctx.waitUntil(p); }, passThroughOnException: () => ctx.passThroughOnException() };
    const response = await app.fetch(request, wrappedEnv, wrappedCtx);
    const body = await response.arrayBuffer();
    rec.responded = true;
    rec.answeredMs = now() - rec.t0;
    rec.bytes = body.byteLength;
    rec.cacheStatus = response.headers.get("cache-status");
    ctx.waitUntil(Promise.allSettled(rec.waits).then(() => {
      // Writes started from waitUntil may resolve later: give them one more turn.
      return Promise.allSettled(rec.waits).then(() => { rec.doneMs = now() - rec.t0; delete rec.waits; records.push(rec); if (current === rec) current = null; });
    }));
    return new Response(body, response);
  },
};
`;

/** The kinds of miss profiled: the bench's uncached rows plus the detail. */
export function profileKinds(detailId) {
  return [
    { key: "listing", label: "listing", path: "/api/v1/articles?per_page=10" },
    { key: "listing_deep", label: "listing page 50", path: "/api/v1/articles?per_page=10&page=50" },
    { key: "search_narrow", label: `search narrow "${NARROW_WORD}"`, path: `/api/v1/search?q=${NARROW_WORD}` },
    { key: "search_broad", label: `search broad "${BROAD_WORD}"`, path: `/api/v1/search?q=${BROAD_WORD}` },
    { key: "feed", label: "feed /feeds/en.rss", path: "/feeds/en.rss" },
    { key: "page", label: "HTML page /en/", path: "/en/" },
    { key: "detail", label: "detail", path: detailId ? `/api/v1/articles/${detailId}` : null },
  ];
}

const sum = (spans, pred) => spans.filter(pred).reduce((n, s) => n + s.ms, 0);
const fmt = (x, digits = 1) => (x === null || x === undefined ? "" : x.toFixed(digits));

/** Per-request figures from a record and the client's own wall time. */
export function summarizeRecord(rec, clientMs) {
  const before = rec.spans.filter((s) => !s.after);
  const d1 = before.filter((s) => s.kind === "d1");
  return {
    clientMs,
    answeredMs: rec.answeredMs,
    d1Trips: d1.length,
    statements: rec.statements,
    rowsRead: rec.rowsRead,
    d1Duration: rec.d1Duration,
    d1WaitMs: sum(before, (s) => s.kind === "d1"),
    kvReads: before.filter((s) => s.kind.startsWith("kv get")).length,
    kvReadMs: sum(before, (s) => s.kind.startsWith("kv get")),
    cacheReadMs: sum(before, (s) => s.kind === "cache match"),
    // Everything the request waited for before its answer; the rest of its time is CPU.
    ioBeforeMs: sum(before, () => true),
    writesAfter: rec.spans.filter((s) => s.after && (s.kind === "kv put" || s.kind === "cache put")).map((s) => s.kind),
    writeAfterMs: sum(rec.spans, (s) => s.after && (s.kind === "kv put" || s.kind === "cache put")),
    kvPutMs: sum(rec.spans, (s) => s.kind === "kv put"),
    cachePutMs: sum(rec.spans, (s) => s.kind === "cache put"),
    doneMs: rec.doneMs,
    cacheStatus: rec.cacheStatus,
    bytes: rec.bytes,
  };
}

/** The awaits of one request in order, for the "in series" column. */
export function sequenceOf(rec) {
  return rec.spans.map((s) => `${s.after ? "after: " : ""}${s.kind}${s.kind === "d1" ? ` (${s.detail.startsWith("batch") ? s.detail.split("|").length : 1} st.)` : ""} ${s.ms.toFixed(1)} ms`).join(" → ");
}

function parseArgs(argv) {
  const opts = { size: 10_000, requests: 30, warm: 5, seconds: 3, connections: 10, cpu: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--size") opts.size = parseSize(argv[++i]);
    else if (argv[i] === "--seconds") opts.seconds = Number(argv[++i]);
    else if (argv[i] === "--cpu") opts.cpu = true;
    else if (argv[i] === "--bundle") opts.bundle = argv[++i];
    else if (argv[i] === "--connections") opts.connections = Number(argv[++i]);
    else if (argv[i] === "--requests") opts.requests = Number(argv[++i]);
    else if (argv[i] === "--warm") opts.warm = Number(argv[++i]);
    else throw new Error(`unknown option ${argv[i]}`);
  }
  return opts;
}

/** Profiles each kind with `requests` misses one after another; returns medians per kind. */
export async function profileMisses(origin, kinds, { requests, warm, helloPath }) {
  const hello = [];
  for (let i = 0; i < requests + warm; i++) {
    const t = performance.now();
    await (await missRequest(origin, helloPath)).arrayBuffer();
    if (i >= warm) hello.push(performance.now() - t);
  }
  const out = { helloMs: median(hello), kinds: {} };
  for (const kind of kinds) {
    if (!kind.path) continue;
    const rows = [];
    let example = null;
    for (let i = 0; i < requests + warm; i++) {
      const t = performance.now();
      const res = await missRequest(origin, kind.path);
      await res.arrayBuffer();
      const clientMs = performance.now() - t;
      // The record is filed when the writes after the answer have finished.
      let recs = [];
      for (let j = 0; j < 100 && !recs.length; j++) {
        recs = await (await fetch(`${origin}/__profile/records`)).json();
        if (!recs.length) await new Promise((r) => setTimeout(r, 5));
      }
      if (i < warm || !recs.length) continue;
      rows.push(summarizeRecord(recs[0], clientMs));
      if (i === warm + Math.floor(requests / 2)) example = sequenceOf(recs[0]);
    }
    const med = (k) => median(rows.map((r) => r[k]));
    out.kinds[kind.key] = {
      label: kind.label,
      path: kind.path,
      requests: rows.length,
      cacheStatus: rows[0]?.cacheStatus,
      ...Object.fromEntries(["clientMs", "answeredMs", "d1Trips", "statements", "rowsRead", "d1Duration", "d1WaitMs", "kvReads", "kvReadMs", "cacheReadMs", "ioBeforeMs", "writeAfterMs", "kvPutMs", "cachePutMs", "doneMs", "bytes"].map((k) => [k, med(k)])),
      writesAfter: rows[0]?.writesAfter ?? [],
      example,
    };
  }
  return out;
}

/**
 * Each kind under load (`connections` at once, recording off), with the shared tiers' writes
 * as the app makes them and skipped, alternating so the machine's drift falls on both.
 */
export async function writesUnderLoad(origin, kinds, { seconds, connections }) {
  const config = (q) => fetch(`${origin}/__profile/config?${q}`).then((r) => r.json());
  await config("record=false");
  const out = {};
  try {
    for (const kind of kinds) {
      if (!kind.path) continue;
      const ep = { path: kind.path, kind: "uncached" };
      const runs = { on: [], off: [], none: [] };
      await load(origin, () => targetOf(ep), { seconds: 1, connections });
      // Round by round: as the app does it, without the writes, without reads or writes.
      for (let round = 0; round < 2; round++) {
        for (const mode of round % 2 ? ["none", "off", "on"] : ["on", "off", "none"]) {
          await config(`skipWrites=${mode !== "on"}&skipReads=${mode === "none"}`);
          runs[mode].push(await load(origin, () => targetOf(ep), { seconds: seconds / 2, connections }));
        }
      }
      out[kind.key] = { label: kind.label, writes: mergeRuns(runs.on), noWrites: mergeRuns(runs.off), noTiers: mergeRuns(runs.none) };
    }
  } finally {
    await config("record=true&skipWrites=false&skipReads=false");
  }
  return out;
}

export function loadTable(result, connections) {
  const head = `| miss, ${connections} connections | as the app does it: req/s, p50 / p99 ms | without the cache writes | without the cache reads or writes |`;
  const lines = [head, "|---|---|---|---|"];
  const cell = (r) => `${Math.round(r.rps)}, ${r.p50} / ${r.p99}`;
  for (const k of Object.values(result)) lines.push(`| ${k.label} | ${cell(k.writes)} | ${cell(k.noWrites)} | ${cell(k.noTiers)} |`);
  return lines.join("\n");
}

export function profileTable(result) {
  const head = "| miss | 1 conn. ms (client) | answered in worker ms | D1 round trips / statements | D1 rows read | D1 `meta.duration` ms | waited for D1 ms | KV reads (ms) | Cache API read ms | other (CPU) ms | writes after the answer (ms) |";
  const lines = [head, `|${head.split("|").slice(1, -1).map(() => "---").join("|")}|`];
  for (const k of Object.values(result.kinds)) {
    const cpu = Math.max(0, k.clientMs - result.helloMs - k.ioBeforeMs);
    const writes = k.writesAfter.length ? `${k.writesAfter.join(" + ")} (${fmt(k.writeAfterMs)}; KV ${fmt(k.kvPutMs)}, Cache API ${fmt(k.cachePutMs)})` : "none";
    lines.push(`| ${k.label} | ${fmt(k.clientMs)} | ${fmt(k.answeredMs)} | ${k.d1Trips} / ${k.statements} | ${Math.round(k.rowsRead).toLocaleString("en-US")} | ${fmt(k.d1Duration, 2)} | ${fmt(k.d1WaitMs)} | ${k.kvReads} (${fmt(k.kvReadMs)}) | ${fmt(k.cacheReadMs)} | ${fmt(cpu)} | ${writes} |`);
  }
  return lines.join("\n");
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const log = (s) => process.stderr.write(`${s}\n`);
  // --bundle: a bundle built before (bench/ab.mjs leaves an earlier commit's in bench/results/.ab/).
  const build = opts.bundle ? { scriptPath: path.resolve(opts.bundle) } : await buildWorker(path.join(RESULTS_DIR, ".build", "worker"));
  const app = await buildNodeModules(path.join(RESULTS_DIR, ".build", "node"));
  const corpus = await ensureCorpus({ size: opts.size, analyze: app.analyzeForIndex, log });
  const kvDir = path.join(RESULTS_DIR, "tmp", `profile-kv-${Date.now()}`);
  const instance = await startApp({ scriptPath: build.scriptPath, d1Dir: corpus.d1Dir, kvDir, wrapper: PROFILE_WRAPPER, inspector: opts.cpu });
  try {
    const first = await fetch(`${instance.origin}/api/v1/articles?per_page=1`).then((r) => r.json());
    await fetch(`${instance.origin}/__profile/records`);
    const { HELLO_PATH } = await import("./harness.mjs");
    const result = await profileMisses(instance.origin, profileKinds(first.data?.[0]?.id ?? null), { ...opts, helloPath: HELLO_PATH });
    process.stdout.write(`\nMisses at ${sizeLabel(opts.size)}, ${opts.requests} requests each, one at a time, medians; hello-world ${fmt(result.helloMs)} ms\n\n`);
    process.stdout.write(`${profileTable(result)}\n\nOne request of each kind, its awaits in order:\n`);
    for (const k of Object.values(result.kinds)) process.stdout.write(`- ${k.label} (${k.cacheStatus}): ${k.example}\n`);
    if (opts.seconds > 0) {
      log(`under load: ${opts.connections} connections, ${opts.seconds} s per kind and mode (as the app does it, without cache writes, without cache reads or writes)…`);
      const loaded = await writesUnderLoad(instance.origin, profileKinds(first.data?.[0]?.id ?? null), opts);
      process.stdout.write(`\n${loadTable(loaded, opts.connections)}\n`);
    }
    if (opts.cpu) {
      log(`CPU: the app isolate sampled during ${opts.seconds} s of misses per kind, ${opts.connections} connections…`);
      const map = JSON.parse(await readFile(`${build.scriptPath}.map`, "utf8"));
      const cpu = await cpuByFile(instance, profileKinds(first.data?.[0]?.id ?? null), { seconds: opts.seconds, connections: opts.connections, map });
      process.stdout.write(`\n${cpuTable(cpu)}\n`);
    }
  } finally {
    await instance.dispose().catch(() => {});
    const { rm } = await import("node:fs/promises");
    await rm(kvDir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith(`${path.sep}profile.mjs`)) {
  main().catch((err) => {
    process.stderr.write(`profile failed: ${err?.stack ?? err}\n`);
    process.exitCode = 1;
  });
}
