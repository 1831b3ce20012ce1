#!/usr/bin/env node
// Compares two result files of `npm run bench`: the same figures side by side with the
// change, so a regression (or a win) between two commits shows at a glance.
//
//   node bench/compare.mjs bench/results/<before>.json bench/results/<after>.json
//   node bench/compare.mjs bench/results/<before>.json        (against the newest result)
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { RESULTS_DIR } from "./build.mjs";
import { sizeLabel } from "./corpus.mjs";
import { renderTable } from "./report.mjs";

/** Figures worth comparing, flattened: name → { value, unit, better: "higher" | "lower" }. */
export function figures(results) {
  const out = new Map();
  for (const s of results.http?.sizes ?? []) {
    for (const [key, r] of Object.entries(s.endpoints ?? {})) {
      if (!r || r.error) continue;
      const name = `HTTP ${sizeLabel(s.size)} ${r.label ?? key}`;
      out.set(`${name}: req/s`, { value: r.rps, unit: "req/s", better: "higher" });
      out.set(`${name}: p50`, { value: r.p50, unit: "ms", better: "lower" });
      out.set(`${name}: p99`, { value: r.p99, unit: "ms", better: "lower" });
    }
  }
  for (const r of results.ingest?.results ?? []) out.set(`parse ${r.label}`, { value: r.mbps, unit: "MB/s", better: "higher" });
  for (const p of results.refresh?.passes ?? []) {
    out.set(`refresh ${p.label}: wall`, { value: p.wallMs, unit: "ms", better: "lower" });
    out.set(`refresh ${p.label}: D1 queries/source`, { value: p.d1StatementsPerSource, unit: "", better: "lower" });
  }
  if (results.bundle) out.set("bundle gzip", { value: results.bundle.gzip / 1024, unit: "KB", better: "lower" });
  if (results.memory) out.set("memory peak RSS", { value: results.memory.peak / 2 ** 20, unit: "MB", better: "lower" });
  return out;
}

export function compareRuns(before, after) {
  const a = figures(before);
  const b = figures(after);
  const rows = [];
  for (const [name, x] of a) {
    const y = b.get(name);
    if (!y || !x.value) continue;
    const change = y.value / x.value;
    const better = x.better === "higher" ? change > 1.05 : change < 0.95;
    const worse = x.better === "higher" ? change < 0.95 : change > 1.05;
    rows.push([name, `${x.value.toFixed(1)} ${x.unit}`, `${y.value.toFixed(1)} ${y.unit}`, `${change.toFixed(2)}×`, better ? "better" : worse ? "worse" : "same"]);
  }
  return rows;
}

async function main() {
  const [first, second] = process.argv.slice(2);
  if (!first) throw new Error("usage: node bench/compare.mjs <before.json> [after.json]");
  let after = second;
  if (!after) {
    const files = (await readdir(RESULTS_DIR)).filter((f) => f.endsWith(".json")).sort();
    after = path.join(RESULTS_DIR, files[files.length - 1]);
  }
  const [a, b] = await Promise.all([first, after].map(async (f) => JSON.parse(await readFile(f, "utf8"))));
  process.stdout.write(`before: ${a.date} (${a.mode}), after: ${b.date} (${b.mode})\n\n`);
  process.stdout.write(`${renderTable(["figure", "before", "after", "change", ""], compareRuns(a, b))}\n`);
}

if (process.argv[1]?.endsWith(`${path.sep}compare.mjs`)) {
  main().catch((err) => {
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
  });
}
