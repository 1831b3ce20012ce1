// Filtered search on one corpus: the broad word with and without date, language and prefix
// filters, one connection, requests interleaved query by query (drift in a shared machine's
// load then falls on every query alike), medians. Every request runs the handler and D1: the
// Cache API is off, KV keeps no response, and a parameter no route reads (`_`) keeps the
// isolate's memory tier, which keys on the raw URL, from answering.
//
//   node bench/filters.mjs [--size 1m] [--requests 40] [--block 2] [--json FILE]
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { cacheVerdict, quantile } from "./http.mjs";
import { NO_KV_WRITES_WRAPPER } from "./rss.mjs";
import { BROAD_WORD } from "./words.mjs";

/** The rows of BENCHMARKS.md "Filtered search" (the 100k table), in its order. */
export const FILTER_QUERIES = [
  `q=${BROAD_WORD}`,
  `q=${BROAD_WORD}&from=2026-06-01`,
  `q=${BROAD_WORD}&from=2026-06-01&sort=date`,
  `q=${BROAD_WORD}&from=2026-03-01&to=2026-03-31`,
  `q=${BROAD_WORD}&from=2026-03-10&to=2026-04-20`,
  `q=${BROAD_WORD}&from=2022-01-01`,
  `q=${BROAD_WORD}&to=2023-12-31`,
  `q=${BROAD_WORD}&lang=en`,
  "q=de*",
  "q=dev*",
];

let counter = 0;

/**
 * `requests` timed requests per query on one connection, in rounds of `block` per query, the
 * query order rotated every round; the first request of each block is not timed (it pays for
 * switching to another query's pages). Returns per query: n, p25/p50/p75 ms, matches, and how
 * many answers came from a cache (none expected).
 */
export async function interleavedQueries(origin, queries, { requests = 40, block = 2 } = {}) {
  const out = queries.map((q) => ({ query: q, times: [], matches: null, hits: 0 }));
  for (let round = 0; out[0].times.length < requests; round++) {
    const order = queries.map((_, i) => (i + round) % queries.length);
    for (const i of order) {
      for (let j = 0; j <= block; j++) {
        const started = performance.now();
        const res = await fetch(`${origin}/api/v1/search?${queries[i]}&_=${(++counter).toString(36)}`, { headers: { "accept-language": "en" } });
        const body = await res.text();
        const ms = performance.now() - started;
        if (res.status !== 200) throw new Error(`${queries[i]} answered ${res.status}: ${body.slice(0, 200)}`);
        if (cacheVerdict(res) === "HIT") out[i].hits++;
        out[i].matches ??= JSON.parse(body).meta?.total ?? null;
        if (j > 0) out[i].times.push(ms);
      }
    }
  }
  return out.map(({ times, ...rest }) => {
    times.sort((a, b) => a - b);
    return { ...rest, n: times.length, p25: quantile(times, 0.25), p50: quantile(times, 0.5), p75: quantile(times, 0.75) };
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const { values } = parseArgs({
    options: { size: { type: "string", default: "1m" }, requests: { type: "string", default: "40" }, block: { type: "string", default: "2" }, json: { type: "string" } },
  });
  const { RESULTS_DIR, buildNodeModules, buildWorker } = await import("./build.mjs");
  const { ensureCorpus } = await import("./corpus-db.mjs");
  const { parseSize } = await import("./corpus.mjs");
  const { startApp } = await import("./harness.mjs");
  const log = (s) => process.stderr.write(`${s}\n`);
  const build = await buildWorker(path.join(RESULTS_DIR, ".build", "worker-filters"));
  const node = await buildNodeModules(path.join(RESULTS_DIR, ".build", "node-filters"));
  const corpus = await ensureCorpus({ size: parseSize(values.size), analyze: node.analyzeForIndex, log });
  const kvDir = path.join(RESULTS_DIR, "tmp", `filters-kv-${process.pid}`);
  const instance = await startApp({ scriptPath: build.scriptPath, d1Dir: corpus.d1Dir, kvDir, hello: false, wrapper: NO_KV_WRITES_WRAPPER, workerOptions: { cache: false } });
  try {
    // One untimed pass warms every query's pages the same way.
    await interleavedQueries(instance.origin, FILTER_QUERIES, { requests: 1, block: 1 });
    log(`${FILTER_QUERIES.length} queries at ${values.size}, ${values.requests} timed requests each, interleaved in blocks of ${values.block}, one connection…`);
    const rows = await interleavedQueries(instance.origin, FILTER_QUERIES, { requests: Number(values.requests), block: Number(values.block) });
    process.stdout.write(`| query (${values.size}) | matches | p25 | p50 | p75 |\n|---|---|---|---|---|\n`);
    for (const r of rows) {
      process.stdout.write(`| \`${r.query}\` | ${r.matches?.toLocaleString("en-US")} | ${r.p25.toFixed(1)} ms | ${r.p50.toFixed(1)} ms | ${r.p75.toFixed(1)} ms |${r.hits ? ` (${r.hits} cache hits!)` : ""}\n`);
    }
    if (values.json) await writeFile(values.json, `${JSON.stringify({ size: values.size, rows }, null, 2)}\n`);
  } finally {
    await instance.dispose();
    const { rm } = await import("node:fs/promises");
    await rm(kvDir, { recursive: true, force: true });
  }
}
