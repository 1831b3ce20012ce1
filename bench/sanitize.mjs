// Parse + sanitize throughput on its own (`node bench/sanitize.mjs`): the app's parseFeed
// alone and parseFeed + normalizeFeed (where every body is sanitized) on the demo feeds and
// the test fixtures, in the same process, plus the gzip size of the production bundle.
// Rounds are interleaved and the figure is each variant's best round (see bench/ingest.mjs).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildNodeModules, buildWorker, bundleSize } from "./build.mjs";
import { acceptedFiles, feedFiles, parsers } from "./ingest.mjs";

const ROUNDS = Number(process.env.ROUNDS ?? 15);
const MS_PER_ROUND = Number(process.env.MS_PER_ROUND ?? 300);

async function round(variant, files) {
  let bytes = 0;
  const started = performance.now();
  while (performance.now() - started < MS_PER_ROUND) {
    for (const f of files) {
      await variant.run(f.bytes);
      bytes += f.bytes.length;
    }
  }
  return bytes / 1e6 / ((performance.now() - started) / 1000);
}

const dir = await mkdtemp(path.join(tmpdir(), "edge-news-sanitize-bench-"));
try {
  const app = await buildNodeModules(dir);
  const ours = parsers(app).filter((p) => p.ours);
  const { common } = await acceptedFiles(await feedFiles(), ours);
  const kb = Math.round(common.reduce((a, f) => a + f.bytes.length, 0) / 1024);
  for (const v of ours) await round(v, common);
  const best = Object.fromEntries(ours.map((v) => [v.label, 0]));
  for (let r = 0; r < ROUNDS; r++) for (const v of ours) best[v.label] = Math.max(best[v.label], await round(v, common));
  console.log(`${common.length} feed files, ${kb} KB, best of ${ROUNDS} rounds of ${MS_PER_ROUND} ms`);
  for (const [label, mbps] of Object.entries(best)) console.log(`  ${label.padEnd(40)} ${mbps.toFixed(2)} MB/s`);
  if (process.argv.includes("--bundle")) {
    const size = await bundleSize(await buildWorker(path.join(dir, "worker")));
    console.log(`  bundle dist/index.js: ${Math.round(size.raw / 1024)} KB, ${Math.round(size.gzip / 1024)} KB gzip`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
