// Parse + sanitize throughput on its own: `node bench/sanitize.mjs [--against REV] [--bundle]`.
// Runs the app's parseFeed alone and parseFeed + normalizeFeed (where every body is
// sanitized) over the demo feeds and the test fixtures. With --against, the same pipeline
// built with src/ingest/sanitize.ts as it was at REV runs too, interleaved round by round
// with the current one, so both see the same machine load. --bundle adds the gzip size of
// the production bundle. The figure is each variant's best round (see bench/ingest.mjs).
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { bundleForNode } from "../scripts/esbuild.mjs";
import { buildWorker, bundleSize, ROOT } from "./build.mjs";
import { feedFiles } from "./ingest.mjs";

const ROUNDS = Number(process.env.ROUNDS ?? 15);
const MS_PER_ROUND = Number(process.env.MS_PER_ROUND ?? 300);
const argValue = (name) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

/** parseFeed and normalizeFeed bundled for Node; `sanitizeFile` replaces src/ingest/sanitize.ts. */
async function buildPipeline(outfile, sanitizeFile) {
  const src = (p) => JSON.stringify(path.join(ROOT, "src", p));
  const swap = {
    name: "swap-sanitizer",
    setup(build) {
      build.onResolve({ filter: /^\.\/sanitize$/ }, (args) =>
        sanitizeFile && args.importer.endsWith(path.join("ingest", "normalize.ts")) ? { path: sanitizeFile } : undefined,
      );
    },
  };
  await bundleForNode(`export { parseFeed } from ${src("ingest/parse/index.ts")};\nexport { normalizeFeed } from ${src("ingest/normalize.ts")};`, outfile, { plugins: [swap], nodePaths: [path.join(ROOT, "node_modules")] });
  return import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
}

async function round(run, files) {
  let bytes = 0;
  const started = performance.now();
  while (performance.now() - started < MS_PER_ROUND) {
    for (const f of files) {
      await run(f.bytes);
      bytes += f.bytes.length;
    }
  }
  return bytes / 1e6 / ((performance.now() - started) / 1000);
}

const dir = await mkdtemp(path.join(tmpdir(), "edge-news-sanitize-bench-"));
try {
  const url = "https://news.example.org/feed";
  const source = { id: "bench", url, language: null };
  const current = await buildPipeline(path.join(dir, "current.mjs"), null);
  const variants = [
    { label: "parseFeed", run: (bytes) => current.parseFeed(bytes, { url, contentType: null }) },
    { label: "parseFeed + normalizeFeed", run: (bytes) => current.normalizeFeed(current.parseFeed(bytes, { url, contentType: null }), source) },
  ];
  const against = argValue("--against");
  if (against) {
    const oldFile = path.join(dir, "sanitize-old.ts");
    await writeFile(oldFile, execFileSync("git", ["show", `${against}:src/ingest/sanitize.ts`], { cwd: ROOT }));
    const old = await buildPipeline(path.join(dir, "old.mjs"), oldFile);
    variants.push({ label: `parseFeed + normalizeFeed, sanitizer of ${against}`, run: (bytes) => old.normalizeFeed(old.parseFeed(bytes, { url, contentType: null }), source) });
  }
  const files = [];
  for (const f of await feedFiles()) {
    try {
      for (const v of variants) await v.run(f.bytes);
      files.push(f);
    } catch {
      // A fixture every variant cannot read (a deliberately broken feed) is left out for all.
    }
  }
  const kb = Math.round(files.reduce((a, f) => a + f.bytes.length, 0) / 1024);
  for (const v of variants) await round(v.run, files);
  const best = variants.map(() => 0);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, v] of variants.entries()) best[i] = Math.max(best[i], await round(v.run, files));
  }
  console.log(`${files.length} feed files, ${kb} KB, best of ${ROUNDS} interleaved rounds of ${MS_PER_ROUND} ms`);
  for (const [i, v] of variants.entries()) console.log(`  ${v.label.padEnd(56)} ${best[i].toFixed(2)} MB/s`);
  if (process.argv.includes("--bundle")) {
    const size = await bundleSize(await buildWorker(path.join(dir, "worker")));
    console.log(`  bundle dist/index.js: ${Math.round(size.raw / 1024)} KB, ${Math.round(size.gzip / 1024)} KB gzip`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
