#!/usr/bin/env node
// `npm run bench` — builds the production bundle, runs it in workerd (Miniflare, local D1 and
// KV, 127.0.0.1 only) and prints one table: HTTP throughput and latency against a
// hello-world worker in the same harness, at several corpus sizes; feed parsing against npm
// parsers; refresh cost; bundle size; memory under load. Results go to
// bench/results/<timestamp>.json (and a summary to bench/last-run.json).
//
//   npm run bench                      full run: corpora 10k,100k,1m; 10 s per endpoint; 60 s memory
//   npm run bench -- --quick           under 3 minutes: 10k corpus, 3 s per endpoint, 10 s memory
//   npm run bench -- --sizes 10k,100k  choose corpus sizes (generated once, cached in bench/results/corpus)
//   other options: --duration S --warmup S --pair S (hello-world run before each endpoint, 0: none)
//                  --rounds N (cached and floor endpoints alternate with hello-world N times)
//                  --serial N (one-connection requests per uncached endpoint, for service time)
//                  --scale N (requests per instance when the smallest and largest corpus are
//                  served side by side, interleaved, to judge scaling)
//                  --connections N --memory-seconds S --memory-size SIZE
//                  --sources N --hosts N (publishers; default: one per source)
//                  --skip http,ingest,refresh,memory,bundle --fresh-corpus --no-summary
//                  --corpus-only (generate the corpora for --sizes and stop)
//                  --endpoints KEY,KEY (only these HTTP rows, plus hello-world; e.g. d1_floor,listing_uncached)
//                  --rss (also: workerd memory over --rss-seconds S of unique misses, 300 by
//                  default, then 30 s idle, on --memory-size; bench/rss.mjs runs it alone)
import { spawnSync } from "node:child_process";
import { cpus, loadavg, platform, release, totalmem } from "node:os";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { ROOT, RESULTS_DIR, buildNodeModules, buildWorker, bundleSize } from "./build.mjs";
import { parseSize, sizeLabel } from "./corpus.mjs";
import { ensureCorpus } from "./corpus-db.mjs";
import { startApp } from "./harness.mjs";
import { broadSearchStatements, endpoints, interleavedServiceTimes, measureEndpoints, memoryUnderLoad } from "./http.mjs";
import { compareParsers } from "./ingest.mjs";
import { refreshBench } from "./refresh.mjs";
import { describeRss, rssBench } from "./rss.mjs";
import { COLUMNS, evaluateTargets, renderTable, tableRows, verdict } from "./report.mjs";

const PRESETS = {
  quick: { sizes: "10k", duration: 3, warmup: 1, pair: 1.5, rounds: 3, serial: 10, scale: 40, connections: 10, memorySeconds: 10, sources: 20, hosts: 0, parseRounds: 9, parseMs: 200 },
  full: { sizes: "10k,100k,1m", duration: 10, warmup: 2, pair: 3, rounds: 5, serial: 25, scale: 200, connections: 10, memorySeconds: 60, sources: 50, hosts: 0, parseRounds: 21, parseMs: 400 },
};

export function parseArgs(argv) {
  const quick = argv.includes("--quick");
  const opts = { quick, ...PRESETS[quick ? "quick" : "full"], skip: new Set(), freshCorpus: false, summary: true, memorySize: null, rss: false, rssSeconds: 300 };
  const value = (i) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new Error(`${argv[i]} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") continue;
    else if (a === "--sizes") opts.sizes = value(i++);
    else if (a === "--duration") opts.duration = Number(value(i++));
    else if (a === "--warmup") opts.warmup = Number(value(i++));
    else if (a === "--pair") opts.pair = Number(value(i++));
    else if (a === "--rounds") opts.rounds = Number(value(i++));
    else if (a === "--serial") opts.serial = Number(value(i++));
    else if (a === "--scale") opts.scale = Number(value(i++));
    else if (a === "--connections") opts.connections = Number(value(i++));
    else if (a === "--memory-seconds") opts.memorySeconds = Number(value(i++));
    else if (a === "--memory-size") opts.memorySize = parseSize(value(i++));
    else if (a === "--sources") opts.sources = Number(value(i++));
    else if (a === "--hosts") opts.hosts = Number(value(i++));
    else if (a === "--skip") for (const s of value(i++).split(",")) opts.skip.add(s.trim());
    else if (a === "--fresh-corpus") opts.freshCorpus = true;
    else if (a === "--no-summary") opts.summary = false;
    else if (a === "--corpus-only") opts.corpusOnly = true;
    else if (a === "--endpoints") opts.endpoints = new Set(value(i++).split(",").map((k) => k.trim()));
    else if (a === "--rss") opts.rss = true;
    else if (a === "--rss-seconds") opts.rssSeconds = Number(value(i++));
    else if (a === "--help" || a === "-h") opts.help = true;
    else throw new Error(`unknown option ${a} (see --help)`);
  }
  opts.sizeList = [...new Set(String(opts.sizes).split(",").map(parseSize))].sort((a, b) => a - b);
  // One publisher per source unless told otherwise (several feeds per host wait on the app's
  // per-host politeness interval, which then dominates the wall time).
  if (!opts.hosts) opts.hosts = opts.sources;
  for (const [k, v] of Object.entries({ duration: opts.duration, connections: opts.connections, memorySeconds: opts.memorySeconds, rssSeconds: opts.rssSeconds, sources: opts.sources, hosts: opts.hosts })) {
    if (!(v > 0 && v <= 100_000)) throw new Error(`--${k} must be a positive number`);
  }
  return opts;
}

/** Served side by side: the endpoints the scaling target names, and the medium word for contrast. */
export const SCALE_ENDPOINTS = ["listing_uncached", "listing_deep", "search_narrow", "search_medium"];

/**
 * The smallest and largest corpus served side by side, one connection each, requests
 * interleaved in blocks (interleavedServiceTimes): the per-size runs above are minutes apart,
 * and this shared machine's load drifts between them by as much as the effect measured.
 */
async function scalePhase(opts, build, app, scratch, log) {
  const small = opts.sizeList[0];
  const large = opts.sizeList[opts.sizeList.length - 1];
  log(`scaling: ${sizeLabel(small)} and ${sizeLabel(large)} side by side, ${opts.scale} interleaved requests each per endpoint…`);
  const instances = [];
  try {
    for (const size of [small, large]) {
      const corpus = await ensureCorpus({ size, analyze: app.analyzeForIndex, log });
      instances.push(await startApp({ scriptPath: build.scriptPath, d1Dir: corpus.d1Dir, kvDir: path.join(scratch, `kv-scale-${sizeLabel(size)}`), hello: false }));
    }
    const eps = endpoints({ detailId: null }).filter((e) => SCALE_ENDPOINTS.includes(e.key));
    const out = { small, large, requests: opts.scale, endpoints: {} };
    for (const ep of eps) {
      const [a, b] = await interleavedServiceTimes(
        instances.map((i) => i.origin),
        ep,
        { count: opts.scale },
      );
      out.endpoints[ep.key] = { label: ep.label, path: ep.path, small: a, large: b };
      log(`    ${ep.label.padEnd(44)} p50 ${a.p50.toFixed(1)} ms (${sizeLabel(small)}) vs ${b.p50.toFixed(1)} ms (${sizeLabel(large)}): ${(b.p50 / a.p50).toFixed(2)}×`);
    }
    return out;
  } finally {
    for (const i of instances) await i.dispose().catch(() => {});
  }
}

/** The commit measured, and whether the working tree had changes (read-only git calls). */
function revision() {
  const git = (args) => {
    const r = spawnSync("git", args, { cwd: ROOT, encoding: "utf8", timeout: 10_000 });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  const commit = git(["rev-parse", "--short", "HEAD"]);
  const status = git(["status", "--porcelain", "--untracked-files=no"]);
  return { commit, uncommittedChanges: status === null ? null : status.length > 0 };
}

function machine() {
  const c = cpus();
  return {
    cores: c.length,
    cpu: c[0]?.model ?? "?",
    memoryGB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
  };
}

const log = (s) => process.stderr.write(`${s}\n`);

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    process.stdout.write(`${(await import("node:fs")).readFileSync(new URL(import.meta.url), "utf8").split("\n").slice(1, 22).map((l) => l.replace(/^\/\/ ?/, "")).join("\n")}\n`);
    return;
  }
  const started = Date.now();
  if (opts.corpusOnly) {
    const app = await buildNodeModules(path.join(RESULTS_DIR, ".build", "node"));
    for (const size of opts.sizeList) await ensureCorpus({ size, analyze: app.analyzeForIndex, log, fresh: opts.freshCorpus });
    return;
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const buildDir = path.join(RESULTS_DIR, ".build");
  const scratch = path.join(RESULTS_DIR, "tmp", stamp);
  await mkdir(scratch, { recursive: true });
  const results = {
    date: new Date().toISOString(),
    mode: opts.quick ? "quick" : "full",
    options: { ...opts, skip: [...opts.skip], sizeList: opts.sizeList.map(sizeLabel) },
    machine: machine(),
    revision: revision(),
    loadavgStart: loadavg(),
  };
  log(`edge-news bench (${results.mode}): ${results.machine.cores} cores, ${results.machine.cpu}, Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);

  log("building the production bundle (wrangler deploy --dry-run)…");
  const build = await buildWorker(path.join(buildDir, "worker"));
  if (!opts.skip.has("bundle")) {
    results.bundle = await bundleSize(build);
    log(`  ${Math.round(results.bundle.raw / 1024)} KB raw, ${Math.round(results.bundle.gzip / 1024)} KB gzip`);
  }
  const app = await buildNodeModules(path.join(buildDir, "node"));

  if (!opts.skip.has("ingest")) {
    log("parse throughput (same files, same process)…");
    results.ingest = await compareParsers({ app, rounds: opts.parseRounds, msPerRound: opts.parseMs, log });
  }

  if (!opts.skip.has("http")) {
    results.http = { connections: opts.connections, seconds: opts.duration, warmupSeconds: opts.warmup, sizes: [] };
    const memorySize = opts.memorySize ?? (opts.sizeList.includes(100_000) ? 100_000 : opts.sizeList[opts.sizeList.length - 1]);
    for (const size of opts.sizeList) {
      const corpus = await ensureCorpus({ size, analyze: app.analyzeForIndex, log, fresh: opts.freshCorpus });
      const kvDir = path.join(scratch, `kv-${sizeLabel(size)}`);
      log(`HTTP at ${sizeLabel(size)} articles: ${opts.connections} connections, ${opts.duration} s per endpoint…`);
      const measureMemory = !opts.skip.has("memory") && size === memorySize;
      const instance = await startApp({ scriptPath: build.scriptPath, d1Dir: corpus.d1Dir, kvDir, inspector: measureMemory, rankStatements: broadSearchStatements(app) });
      const loadavgAt = loadavg();
      try {
        const first = await fetch(`${instance.origin}/api/v1/articles?per_page=1`).then((r) => (r.ok ? r.json() : null)).catch(() => null);
        const eps = endpoints({ detailId: first?.data?.[0]?.id ?? null }).filter((e) => !opts.endpoints || e.key === "hello" || opts.endpoints.has(e.key));
        const timing = { seconds: opts.duration, warmup: opts.warmup, pairSeconds: opts.pair, rounds: opts.rounds, serialRequests: opts.serial, connections: opts.connections, log };
        const measured = await measureEndpoints(instance.origin, eps, timing);
        // Hello-world again at the end: the baseline brackets the run, drift shows.
        const helloAfter = (await measureEndpoints(instance.origin, [eps[0]], { ...timing, log: () => {} })).hello;
        const entry = { size, loadavg: loadavgAt, corpusSeconds: corpus.manifest.seconds, corpusReused: corpus.reused, endpoints: measured, helloAfter };
        results.http.sizes.push(entry);
        if (measureMemory) {
          log(`memory: workerd RSS and the app isolate's heap during ${opts.memorySeconds} s of mixed load at ${sizeLabel(size)}…`);
          const wsUrl = await instance.inspectorUrl().catch((err) => {
            log(`  no heap readings (${err.message}); judging by RSS`);
            return null;
          });
          const m = await memoryUnderLoad(instance.origin, eps, { seconds: opts.memorySeconds, connections: opts.connections, pid: instance.pid, wsUrl });
          results.memory = { size, seconds: opts.memorySeconds, ...m };
          if (!instance.pid) log("  could not find the workerd process: RSS not measured");
        }
      } finally {
        await instance.dispose().catch(() => {});
        await rm(kvDir, { recursive: true, force: true });
      }
    }
  }

  if (!opts.skip.has("http") && opts.sizeList.length >= 2 && opts.scale > 0) {
    results.http.scale = await scalePhase(opts, build, app, scratch, log);
  }

  if (!opts.skip.has("refresh")) {
    log(`refresh: ${opts.sources} sources on ${opts.hosts} loopback publishers…`);
    results.refresh = await refreshBench({ scriptPath: build.scriptPath, workDir: path.join(scratch, "refresh"), sources: opts.sources, hosts: opts.hosts, log });
  }

  if (opts.rss) {
    const size = opts.memorySize ?? (opts.sizeList.includes(100_000) ? 100_000 : opts.sizeList[opts.sizeList.length - 1]);
    log(`workerd memory over ${opts.rssSeconds} s of unique misses at ${sizeLabel(size)}, then 30 s idle…`);
    const { samples, ...rss } = await rssBench({ size: sizeLabel(size), seconds: opts.rssSeconds, idle: 30, interval: 5, connections: opts.connections }, () => {});
    results.rss = { size, seconds: opts.rssSeconds, ...rss, samples };
    for (const line of describeRss(rss.summary, rss)) log(line);
  }

  results.loadavgEnd = loadavg();
  results.seconds = (Date.now() - started) / 1000;
  results.targets = evaluateTargets(results);
  const rows = tableRows(results, results.targets);
  results.table = { columns: COLUMNS, rows };
  await rm(scratch, { recursive: true, force: true });

  const outFile = path.join(RESULTS_DIR, `${stamp}.json`);
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(outFile, `${JSON.stringify(results, null, 2)}\n`);
  if (opts.summary) {
    const { samples, ...memory } = results.memory ?? {};
    const { samples: rssSamples, ...rss } = results.rss ?? {};
    const summary = {
      date: results.date,
      mode: results.mode,
      machine: results.machine,
      revision: results.revision,
      loadavg: { start: results.loadavgStart, end: results.loadavgEnd },
      seconds: results.seconds,
      targets: results.targets,
      table: results.table,
      memory: results.memory ? memory : undefined,
      rss: results.rss ? rss : undefined,
    };
    await writeFile(path.join(ROOT, "bench", "last-run.json"), `${JSON.stringify(summary, null, 2)}\n`);
  }

  process.stdout.write(`\n${renderTable(COLUMNS, rows)}\n\n`);
  process.stdout.write("Targets:\n");
  for (const t of results.targets) process.stdout.write(`  [${verdict(t.met)}] ${t.target}: ${t.value}\n`);
  process.stdout.write(`\n${results.mode} run took ${results.seconds.toFixed(0)} s; load average ${results.loadavgStart.map((x) => x.toFixed(2)).join(" ")} → ${results.loadavgEnd.map((x) => x.toFixed(2)).join(" ")}\n`);
  process.stdout.write(`results: ${path.relative(ROOT, outFile)}${opts.summary ? ", summary: bench/last-run.json" : ""}\n`);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith(`${path.sep}run.mjs`)) {
  main().catch((err) => {
    process.stderr.write(`bench failed: ${err?.stack ?? err}\n`);
    process.exitCode = 1;
  });
}
