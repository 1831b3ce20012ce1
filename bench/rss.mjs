// Memory of the local stack over a long run of misses: workerd's resident memory sampled every
// few seconds while every request asks for an answer no cache tier holds yet, then while idle.
// Prints start, peak, end, the slope over the last half of the load and the reading after the
// idle period, with the resident memory split into anonymous (heap, allocator) and file-backed
// (mapped files, e.g. SQLite) pages, which the kernel can drop without the process.
//
//   node bench/rss.mjs                         5 minutes of misses at 100k, 10 connections, 30 s idle
//   node bench/rss.mjs --stack                 the same against `npm start`'s stack (scripts/stack.mjs)
//   node bench/rss.mjs --bare                  the same load on workerd alone serving hello world
//   options: --seconds S --idle S --interval S --connections N --size SIZE (harness only)
//            --no-edge (no Cache API) --no-kv-writes (KV puts of responses dropped) --json FILE
import { readFile, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { LANGUAGES } from "./words.mjs";

const DAY_MS = 86_400_000;
/** Days the `to=` filter walks back over: each is another key (the bench corpus spans five years). */
const DAYS = 730;
const LANGS = ["en", "fr", "es", "ru", "ar", "zh", "ko"];
const PER_PAGE = [10, 12, 15, 20, 25];
const WORDS = [...LANGUAGES.en.topic, ...LANGUAGES.en.places.map((p) => p.toLowerCase())];

const iso = (ms) => new Date(ms).toISOString().slice(0, 10);

/**
 * The next path of a miss-heavy mix (unique searches, listings, reader pages and feeds), each
 * a different answer by parameters the routes read, so none is in any cache tier yet; a cache
 * buster would not do (unknown parameters are dropped from the cache key). Request n takes a
 * kind, then a day for `to=`, then a page size, language or word, so some 30,000 requests in a
 * row are distinct (far more for searches). `newest` is the last day with articles.
 */
export function missPaths(newest) {
  let n = 0;
  return () => {
    const i = n++;
    const kind = i % 6;
    const j = Math.floor(i / 6);
    const to = iso(newest - (j % DAYS) * DAY_MS);
    const k = Math.floor(j / DAYS);
    const perPage = PER_PAGE[k % PER_PAGE.length];
    const word = WORDS[(j + k) % WORDS.length];
    switch (kind) {
      case 0:
        return `/api/v1/search?q=${word}&to=${to}&per_page=${perPage}`;
      case 1:
        return `/api/v1/search?q=${word}&to=${to}&per_page=${perPage}&sort=date`;
      case 2:
        return `/api/v1/articles?to=${to}&per_page=${perPage}&page=${1 + (k % 3)}`;
      case 3:
        // Page 1 only: a reader page past the last one is a 404 (the local stack's demo content is small).
        return `/en/?to=${to}&lang=${LANGS[k % LANGS.length]}`;
      case 4:
        return `/en/search?q=${word}&to=${to}`;
      default:
        return `/feeds/en.rss?to=${to}&q=${word}`;
    }
  };
}

const MB = 2 ** 20;

/**
 * Resident memory of a process in bytes: total, anonymous, file-backed and shared-memory
 * pages (smaps_rollup), or VmRSS alone where the rollup cannot be read; null once it is gone.
 */
export async function residentMemory(pid) {
  const field = (text, name) => {
    const kb = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text)?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  };
  try {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, "utf8");
    return { rss: field(rollup, "Rss"), anon: field(rollup, "Pss_Anon") ?? field(rollup, "Anonymous"), file: field(rollup, "Pss_File"), shmem: field(rollup, "Pss_Shmem") };
  } catch {}
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    return { rss: field(status, "VmRSS"), anon: field(status, "RssAnon"), file: field(status, "RssFile"), shmem: field(status, "RssShmem") };
  } catch {
    return null;
  }
}

/** Resident memory of several processes, added up (the stack runs two workerd processes). */
export async function residentMemoryOf(pids) {
  const each = (await Promise.all(pids.map(residentMemory))).filter(Boolean);
  if (!each.length) return null;
  const sum = (k) => (each.some((m) => m[k] === null) ? null : each.reduce((a, m) => a + m[k], 0));
  return { rss: sum("rss"), anon: sum("anon"), file: sum("file"), shmem: sum("shmem"), each: each.map((m) => m.rss) };
}

/** Processes named workerd among the descendants of `root` (the stack runs it two levels down). */
export async function workerdDescendants(root) {
  const parent = new Map();
  const name = new Map();
  for (const e of await readdir("/proc").catch(() => [])) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = await readFile(`/proc/${e}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      name.set(Number(e), stat.slice(stat.indexOf("(") + 1, close));
      parent.set(Number(e), Number(stat.slice(close + 2).split(" ")[1]));
    } catch {}
  }
  const under = (pid) => {
    for (let p = parent.get(pid), i = 0; p && i < 64; p = parent.get(p), i++) if (p === root) return true;
    return false;
  };
  return [...name].filter(([pid, comm]) => comm.startsWith("workerd") && under(pid)).map(([pid]) => pid);
}

/** Least-squares slope of `y` over `t` (seconds), per minute; 0 with fewer than three points. */
export function slopePerMinute(points) {
  if (points.length < 3) return 0;
  const n = points.length;
  const mt = points.reduce((a, p) => a + p.t, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const num = points.reduce((a, p) => a + (p.t - mt) * (p.y - my), 0);
  const den = points.reduce((a, p) => a + (p.t - mt) ** 2, 0);
  return den ? (num / den) * 60 : 0;
}

/**
 * The figures of a run from its samples ({ t, phase: "load" | "idle", rss, anon, file }):
 * start (the reading before load), peak, end of load, slope over the last half of the load,
 * and the last idle reading, each with its anonymous and file-backed parts.
 */
export function summarizeRss(samples) {
  const pick = (s) => (s ? { rss: s.rss, anon: s.anon, file: s.file } : null);
  const load = samples.filter((s) => s.phase === "load" && s.rss);
  const idle = samples.filter((s) => s.phase === "idle" && s.rss);
  const start = samples.find((s) => s.phase === "start" && s.rss) ?? load[0];
  const peak = [...samples].filter((s) => s.rss).sort((a, b) => b.rss - a.rss)[0];
  const half = load.slice(Math.floor(load.length / 2));
  return {
    start: pick(start),
    peak: pick(peak),
    end: pick(load[load.length - 1]),
    idle: pick(idle[idle.length - 1]),
    slopePerMin: slopePerMinute(half.map((s) => ({ t: s.t, y: s.rss }))),
    anonSlopePerMin: slopePerMinute(half.filter((s) => s.anon !== null).map((s) => ({ t: s.t, y: s.anon }))),
  };
}

const mb = (b) => (b === null || b === undefined ? "?" : `${(b / MB).toFixed(0)} MB`);
const parts = (s) => (s ? `${mb(s.rss)} (anon ${mb(s.anon)}, file ${mb(s.file)})` : "?");

/** Summary lines for a run. */
export function describeRss(summary, { requests, seconds, errors }) {
  return [
    `  ${requests} requests in ${seconds.toFixed(0)} s (${(requests / seconds).toFixed(0)} req/s, ${errors} not 200)`,
    `  start ${parts(summary.start)}`,
    `  peak  ${parts(summary.peak)}`,
    `  end   ${parts(summary.end)}`,
    `  slope over the last half ${mb(summary.slopePerMin)}/min (anon ${mb(summary.anonSlopePerMin)}/min)`,
    `  after idle ${parts(summary.idle)}`,
  ];
}

/**
 * Loads `origin` with `connections` keep-alive loops of unique misses for `seconds`, sampling
 * the memory of `pids` (added up) every `interval` seconds, then samples through `idle` seconds of no traffic.
 * Plain fetch loops, not a load generator's fixed request list: every request has its own path.
 */
export async function missRun({ origin, pids, seconds, idle, interval, connections, newest, log = () => {} }) {
  const next = missPaths(newest);
  const samples = [];
  const t0 = Date.now();
  const take = async (phase) => {
    const m = await residentMemoryOf(pids);
    if (m) samples.push({ t: (Date.now() - t0) / 1000, phase, ...m });
    return m;
  };
  await take("start");
  let requests = 0;
  let errors = 0;
  const firstError = [];
  const until = Date.now() + seconds * 1000;
  const loop = async () => {
    while (Date.now() < until) {
      const p = next();
      try {
        const res = await fetch(origin + p, { headers: { "accept-language": "en" } });
        await res.arrayBuffer();
        if (res.status !== 200) {
          errors++;
          if (firstError.length < 3) firstError.push(`${res.status} ${p}`);
        }
      } catch (err) {
        errors++;
        if (firstError.length < 3) firstError.push(`${err.message} ${p}`);
      }
      requests++;
    }
  };
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await new Promise((r) => setTimeout(r, interval * 1000));
      if (!sampling) break;
      const m = await take("load");
      if (m) log(`  ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s  ${requests} requests  RSS ${parts(m)}${m.each.length > 1 ? ` = ${m.each.map(mb).join(" + ")}` : ""}`);
    }
  })();
  await Promise.all(Array.from({ length: connections }, loop));
  sampling = false;
  await sampler;
  await take("load");
  const loadSeconds = (Date.now() - t0) / 1000;
  for (let waited = 0; waited < idle; waited += interval) {
    await new Promise((r) => setTimeout(r, interval * 1000));
    const m = await take("idle");
    if (m) log(`  idle ${waited + interval} s  RSS ${parts(m)}`);
  }
  return { requests, errors, firstError, seconds: loadSeconds, samples, summary: summarizeRss(samples) };
}

/** Drops the KV writes of responses (keys `resp:`): a run without KV storage, or every request a miss. */
export const NO_KV_WRITES_WRAPPER = `import app from "./index.js";
const forward = (target, prop) => { const v = Reflect.get(target, prop); return typeof v === "function" ? v.bind(target) : v; };
const kvWithoutResponses = (kv) => new Proxy(kv, { get(target, prop) {
  if (prop === "put") return (key, ...rest) => (String(key).startsWith("resp:") ? Promise.resolve() : target.put(key, ...rest));
  return forward(target, prop);
} });
const wrapEnv = (env) => ({ ...env, CACHE: kvWithoutResponses(env.CACHE) });
export default {
  fetch(request, env, ctx) { return app.fetch(request, wrapEnv(env), ctx); },
  scheduled(controller, env, ctx) { return app.scheduled(controller, wrapEnv(env), ctx); },
};`;

/** The bench harness (Miniflare) on a generated corpus, with tiers optionally turned off. */
async function harnessTarget(opts, log) {
  const { RESULTS_DIR, buildNodeModules, buildWorker } = await import("./build.mjs");
  const { ensureCorpus } = await import("./corpus-db.mjs");
  const { END_DATE } = await import("./corpus.mjs");
  const { startApp } = await import("./harness.mjs");
  const buildDir = path.join(RESULTS_DIR, ".build");
  log("building the production bundle…");
  const build = await buildWorker(path.join(buildDir, "worker-rss"));
  const node = await buildNodeModules(path.join(buildDir, "node-rss"));
  const corpus = await ensureCorpus({ size: opts.size, analyze: node.analyzeForIndex, log });
  const kvDir = path.join(RESULTS_DIR, "tmp", `rss-kv-${process.pid}`);
  const instance = await startApp({
    scriptPath: build.scriptPath,
    d1Dir: corpus.d1Dir,
    kvDir,
    hello: false,
    wrapper: opts.noKvWrites ? NO_KV_WRITES_WRAPPER : undefined,
    workerOptions: opts.noEdge ? { cache: false } : {},
  });
  return {
    origin: instance.origin,
    pids: instance.pid ? [instance.pid] : [],
    newest: END_DATE,
    stop: async () => {
      await instance.dispose().catch(() => {});
      await rm(kvDir, { recursive: true, force: true });
    },
  };
}

const BARE_WORKER = `export default { fetch() { return new Response("Hello World!", { headers: { "content-type": "text/plain" } }); } };`;

/**
 * workerd alone: the same binary, one hello-world worker on a socket of its own, no Miniflare,
 * no storage, no app. What grows here grows in the runtime, whatever the app or its tiers do.
 */
async function bareTarget(opts, log) {
  const { spawn } = await import("node:child_process");
  const { mkdtemp } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const { COMPATIBILITY_DATE } = await import("./harness.mjs");
  const workerd = (await import("workerd")).default;
  const binary = typeof workerd === "string" ? workerd : workerd.default;
  const dir = await mkdtemp(path.join(tmpdir(), "edge-news-bare-"));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  await writeFile(path.join(dir, "hello.js"), BARE_WORKER);
  await writeFile(
    path.join(dir, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "hello", worker = .hello) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "hello") ],
);
const hello :Workerd.Worker = (modules = [ (name = "hello.js", esModule = embed "hello.js") ], compatibilityDate = "${COMPATIBILITY_DATE}");
`,
  );
  const child = spawn(binary, ["serve", path.join(dir, "config.capnp")], { stdio: ["ignore", "ignore", "pipe"] });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await fetch(origin).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  log(`workerd alone (hello world) on ${origin}`);
  return {
    origin,
    pids: [child.pid],
    newest: Date.now(),
    stop: async () => {
      child.kill("SIGTERM");
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `npm start`'s stack (wrangler's local dev server, demo content) on a spare port and fresh state. */
async function stackTarget(opts, log) {
  const { mkdtemp } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const { startStack } = await import("../scripts/stack.mjs");
  const state = await mkdtemp(path.join(tmpdir(), "edge-news-rss-"));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  log(`starting the local stack on 127.0.0.1:${port}…`);
  const stack = await startStack({ port, persistTo: state, log });
  // wrangler's dev server runs two: its proxy in front, and the Worker with local D1 and KV.
  const pids = await workerdDescendants(process.pid);
  return {
    origin: stack.base,
    pids,
    newest: Date.now(),
    stop: async () => {
      await stack.stop();
      await rm(state, { recursive: true, force: true }).catch(() => {});
    },
  };
}

export function rssArgs(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      stack: { type: "boolean", default: false },
      bare: { type: "boolean", default: false },
      seconds: { type: "string", default: "300" },
      idle: { type: "string", default: "30" },
      interval: { type: "string", default: "5" },
      connections: { type: "string", default: "10" },
      size: { type: "string", default: "100k" },
      "no-edge": { type: "boolean", default: false },
      "no-kv-writes": { type: "boolean", default: false },
      json: { type: "string" },
    },
  });
  const num = (k) => {
    const v = Number(values[k]);
    if (!(v >= 0 && v <= 100_000)) throw new Error(`--${k} must be a number of 0 to 100,000`);
    return v;
  };
  return {
    stack: values.stack,
    bare: values.bare,
    seconds: num("seconds"),
    idle: num("idle"),
    interval: Math.max(1, num("interval")),
    connections: Math.max(1, num("connections")),
    size: values.size,
    noEdge: values["no-edge"],
    noKvWrites: values["no-kv-writes"],
    json: values.json ?? null,
  };
}

/** One run as bench/run.mjs and the command line use it. */
export async function rssBench(opts, log = (s) => process.stderr.write(`${s}\n`)) {
  if ((opts.stack || opts.bare) && (opts.noEdge || opts.noKvWrites)) throw new Error("--no-edge and --no-kv-writes apply to the harness only");
  const { parseSize } = await import("./corpus.mjs");
  const target = opts.bare ? await bareTarget(opts, log) : opts.stack ? await stackTarget(opts, log) : await harnessTarget({ ...opts, size: parseSize(String(opts.size)) }, log);
  try {
    if (!target.pids.length) throw new Error("could not find the workerd process");
    const tiers = [opts.noEdge ? "no Cache API" : null, opts.noKvWrites ? "no KV response writes" : null].filter(Boolean).join(", ");
    log(`misses for ${opts.seconds} s, ${opts.connections} connections, then ${opts.idle} s idle (workerd ${target.pids.join(" + ")}${tiers ? `; ${tiers}` : ""})…`);
    const run = await missRun({ ...opts, origin: target.origin, pids: target.pids, newest: target.newest, log });
    return { target: opts.bare ? "workerd alone, hello world" : opts.stack ? "stack" : `harness ${opts.size}`, tiers: tiers || "all", connections: opts.connections, ...run };
  } finally {
    await target.stop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const opts = rssArgs(process.argv.slice(2));
  const result = await rssBench(opts);
  if (result.firstError.length) process.stderr.write(`  first failures: ${result.firstError.join("; ")}\n`);
  process.stdout.write(`workerd memory, ${result.target}, ${result.tiers}:\n${describeRss(result.summary, result).join("\n")}\n`);
  if (opts.json) await writeFile(opts.json, `${JSON.stringify(result, null, 2)}\n`);
}
