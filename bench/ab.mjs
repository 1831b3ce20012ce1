#!/usr/bin/env node
// `node bench/ab.mjs --against <commit> [--size 10k] [--rounds 4] [--seconds 1.5] [--serial 40]`
// Misses of this checkout against those of an earlier commit, side by side in one run: both
// production bundles are served at once (each on its own copy of the corpus), and every
// endpoint is loaded in alternating rounds (before, after, before, after…), together with the
// "floor: 1 D1 round trip" of the same harness, so a shared machine's drift falls on both
// alike. Then one connection sends each instance the same misses interleaved in blocks (the
// service time). Uncached rows are the bench's own (bench/http.mjs): a new host name per
// request, so every request is a miss.
import { execFileSync } from "node:child_process";
import { cp, mkdir, rm, symlink } from "node:fs/promises";
import path from "node:path";
import { ROOT, RESULTS_DIR, buildNodeModules, buildWorker } from "./build.mjs";
import { parseSize, sizeLabel } from "./corpus.mjs";
import { ensureCorpus } from "./corpus-db.mjs";
import { D1_FLOOR_PATH, startApp } from "./harness.mjs";
import { endpoints, interleavedServiceTimes, load, mergeRuns, targetOf } from "./http.mjs";

const UNCACHED = ["listing_uncached", "listing_deep", "search_narrow", "search_medium", "search_broad", "search_broad_lang", "feed_uncached", "page_uncached"];

function parseArgs(argv) {
  const opts = { against: null, size: 10_000, rounds: 4, seconds: 1.5, serial: 40, connections: 10, endpoints: UNCACHED };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === "--against") opts.against = next();
    else if (a === "--size") opts.size = parseSize(next());
    else if (a === "--rounds") opts.rounds = Number(next());
    else if (a === "--seconds") opts.seconds = Number(next());
    else if (a === "--serial") opts.serial = Number(next());
    else if (a === "--connections") opts.connections = Number(next());
    else if (a === "--endpoints") opts.endpoints = next().split(",");
    else throw new Error(`unknown option ${a}`);
  }
  if (!opts.against || !/^[0-9a-f]{4,40}$/i.test(opts.against)) throw new Error("--against <commit> is required");
  return opts;
}

/** The production bundle of an earlier commit: its tree exported beside this one, built with these node_modules. */
async function buildCommit(commit, dir) {
  const tree = path.join(dir, "tree");
  await rm(dir, { recursive: true, force: true });
  await mkdir(tree, { recursive: true });
  const archive = execFileSync("git", ["archive", commit], { cwd: ROOT, maxBuffer: 256 * 2 ** 20 });
  execFileSync("tar", ["-x", "-C", tree], { input: archive });
  await symlink(path.join(ROOT, "node_modules"), path.join(tree, "node_modules"));
  return buildWorker(path.join(dir, "worker"), { root: tree });
}

const floorEp = { key: "d1_floor", label: "floor: 1 D1 round trip, no app code", path: D1_FLOOR_PATH, kind: "baseline" };

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const startLoad = (await import("node:os")).loadavg()[0].toFixed(2);
  const log = (s) => process.stderr.write(`${s}\n`);
  const abDir = path.join(RESULTS_DIR, ".ab");
  log(`building this checkout and ${opts.against}…`);
  const after = await buildWorker(path.join(RESULTS_DIR, ".build", "worker"));
  const before = await buildCommit(opts.against, path.join(abDir, opts.against));
  const app = await buildNodeModules(path.join(RESULTS_DIR, ".build", "node"));
  const corpus = await ensureCorpus({ size: opts.size, analyze: app.analyzeForIndex, log });
  // Two processes must not share one SQLite file: the earlier commit reads a copy.
  const copy = path.join(abDir, `d1-${sizeLabel(opts.size)}`);
  await rm(copy, { recursive: true, force: true });
  await cp(corpus.d1Dir, copy, { recursive: true });
  const scratch = path.join(abDir, `kv-${Date.now()}`);
  const instances = {};
  try {
    instances.before = await startApp({ scriptPath: before.scriptPath, d1Dir: copy, kvDir: path.join(scratch, "before") });
    instances.after = await startApp({ scriptPath: after.scriptPath, d1Dir: corpus.d1Dir, kvDir: path.join(scratch, "after") });
    const eps = [floorEp, ...endpoints({ detailId: null }).filter((e) => opts.endpoints.includes(e.key))];
    const rows = [];
    for (const ep of eps) {
      const runs = { before: [], after: [] };
      const cpu = { before: 0, after: 0 };
      for (const side of ["before", "after"]) await load(instances[side].origin, () => targetOf(ep), { seconds: 1, connections: opts.connections });
      for (let round = 0; round < opts.rounds; round++) {
        const order = round % 2 ? ["after", "before"] : ["before", "after"];
        for (const side of order) {
          const start = await instances[side].cpu();
          runs[side].push(await load(instances[side].origin, () => targetOf(ep), { seconds: opts.seconds, connections: opts.connections }));
          // Work a request left behind (writes after the answer) is charged to the next round's start at worst.
          cpu[side] += (await instances[side].cpu()) - start;
        }
      }
      const merged = { before: mergeRuns(runs.before), after: mergeRuns(runs.after) };
      for (const side of ["before", "after"]) merged[side].cpuMs = merged[side].total ? (1000 * cpu[side]) / merged[side].total : 0;
      const serial = ep.kind === "uncached" && opts.serial > 0 ? await interleavedServiceTimes([instances.before.origin, instances.after.origin], ep, { count: opts.serial, block: 5 }) : null;
      rows.push({ ep, ...merged, serial });
      const s = serial ? `; 1 connection p50 ${serial[0].p50.toFixed(1)} → ${serial[1].p50.toFixed(1)} ms` : "";
      log(`    ${ep.label.padEnd(44)} ${Math.round(merged.before.rps)} → ${Math.round(merged.after.rps)} req/s, p50 ${merged.before.p50} → ${merged.after.p50} ms, p99 ${merged.before.p99} → ${merged.after.p99} ms, workerd CPU ${merged.before.cpuMs.toFixed(2)} → ${merged.after.cpuMs.toFixed(2)} ms/request${s}`);
    }
    const floor = rows[0];
    const ratio = (r, side) => (floor[side].rps ? r[side].rps / floor[side].rps : 0);
    const lines = [
      `| row (${sizeLabel(opts.size)}, ${opts.connections} connections) | before req/s | ÷ D1 floor | p50 / p99 ms | after req/s | ÷ D1 floor | p50 / p99 ms | p99 ÷ p50 after | 1 connection p50 ms, before → after | workerd CPU ms per request, before → after |`,
      "|---|---|---|---|---|---|---|---|---|---|",
    ];
    for (const r of rows) {
      const cell = (side) => `${Math.round(r[side].rps)} | ${ratio(r, side).toFixed(2)}× | ${r[side].p50} / ${r[side].p99}`;
      const serial = r.serial ? `${r.serial[0].p50.toFixed(1)} → ${r.serial[1].p50.toFixed(1)}` : "";
      lines.push(`| ${r.ep.label} | ${cell("before")} | ${cell("after")} | ${r.after.p50 ? (r.after.p99 / r.after.p50).toFixed(1) : ""}× | ${serial} | ${r.before.cpuMs.toFixed(2)} → ${r.after.cpuMs.toFixed(2)} |`);
    }
    const { loadavg } = await import("node:os");
    process.stdout.write(`\nbefore = ${opts.against}, after = this checkout; ${opts.rounds} alternating rounds of ${opts.seconds} s each; load average ${startLoad} at the start, ${loadavg()[0].toFixed(2)} at the end\n\n${lines.join("\n")}\n`);
  } finally {
    for (const i of Object.values(instances)) await i.dispose().catch(() => {});
    await rm(scratch, { recursive: true, force: true });
    await rm(copy, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`ab failed: ${err?.stack ?? err}\n`);
  process.exitCode = 1;
});
