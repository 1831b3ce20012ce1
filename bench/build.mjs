// Builds what the benchmarks run: the production Worker bundle (exactly `wrangler deploy
// --dry-run`, as deployed) and a Node bundle of the app's pure modules (analyzer, feed
// parser, normalizer) for the corpus generator and the parser comparison.
import { spawn } from "node:child_process";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { bundleForNode, loadEsbuild } from "../scripts/esbuild.mjs";

export { loadEsbuild };

export const ROOT = path.resolve(import.meta.dirname, "..");
export const RESULTS_DIR = path.join(ROOT, "bench", "results");

const require = createRequire(import.meta.url);

function run(cmd, args, { cwd, env, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${path.basename(args[0] ?? cmd)} exited with ${code}:\n${output.slice(-2000)}`));
    });
  });
}

/**
 * `wrangler deploy --dry-run --outdir <dir>`: the production bundle, as `npm run deploy` would
 * upload it. `root`: another checkout to build (bench/ab.mjs builds an earlier commit).
 */
export async function buildWorker(outDir, { root = ROOT } = {}) {
  await rm(outDir, { recursive: true, force: true });
  const wrangler = path.join(path.dirname(require.resolve("wrangler/package.json")), "bin", "wrangler.js");
  const started = Date.now();
  await run(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outDir], {
    cwd: root,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1" },
    timeoutMs: 180_000,
  });
  const scriptPath = path.join(outDir, "index.js");
  return { dir: outDir, scriptPath, mapPath: `${scriptPath}.map`, seconds: (Date.now() - started) / 1000 };
}

/** Which package (or "src") a source-map path belongs to. */
export function packageOf(source) {
  const parts = source.replace(/\\/g, "/").split("/");
  const nm = parts.lastIndexOf("node_modules");
  if (nm >= 0) {
    const name = parts[nm + 1] ?? "?";
    // drizzle-orm ships source maps that point at its own src/ (resolved as node_modules/src).
    if (name === "src") return /(sqlite-core|pg-core|d1)\//.test(source) || /\/(entity|column)\.ts$/.test(source) ? "drizzle-orm" : "(unnamed package)";
    return name.startsWith("@") ? `${name}/${parts[nm + 2]}` : name;
  }
  const src = parts.indexOf("src");
  return src >= 0 ? `src/${parts[src + 1]?.includes(".") ? "" : parts[src + 1]}`.replace(/\/$/, "") : "(other)";
}

const B64_INDEX = new Map([..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].map((c, i) => [c, i]));

/**
 * A source map's mappings (base64 VLQ), line by line: each segment's generated column and the
 * index of the source it came from (-1 for none). The other fields are not needed here.
 */
export function decodeMappings(mappings) {
  let sourceIndex = 0;
  return mappings.split(";").map((text) => {
    let column = 0;
    const segments = [];
    for (const seg of text.split(",")) {
      if (!seg) continue;
      const values = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const digit = B64_INDEX.get(ch);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += values[0];
      // The source index is a delta on the previous segment's, across lines.
      if (values.length > 1) sourceIndex += values[1];
      segments.push({ column, source: values.length > 1 ? sourceIndex : -1 });
    }
    return segments;
  });
}

/**
 * Bytes of generated code per package, read off the bundle's source map: each mapping
 * segment owns the generated text up to the next segment on its line.
 */
export function composition(code, map) {
  const lines = code.split("\n");
  const bytes = new Map();
  const mapped = decodeMappings(map.mappings);
  for (let l = 0; l < mapped.length && l < lines.length; l++) {
    const line = lines[l];
    const segments = mapped[l];
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i];
      if (s.source < 0) continue;
      const end = i + 1 < segments.length ? segments[i + 1].column : line.length;
      const name = packageOf(map.sources[s.source] ?? "?");
      bytes.set(name, (bytes.get(name) ?? 0) + Buffer.byteLength(line.slice(s.column, end)));
    }
  }
  return [...bytes.entries()].map(([name, n]) => ({ name, bytes: n })).sort((a, b) => b.bytes - a.bytes);
}

/** Raw and gzip size of the bundle, what a minified build would weigh, and the largest parts. */
export async function bundleSize(build) {
  const code = await readFile(build.scriptPath);
  const result = { raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
  try {
    const esbuild = await loadEsbuild();
    const min = await esbuild.transform(code.toString("utf8"), { minify: true, format: "esm", target: "es2022", legalComments: "none" });
    result.minified = Buffer.byteLength(min.code);
    result.minifiedGzip = gzipSync(Buffer.from(min.code), { level: 9 }).length;
  } catch (err) {
    result.minifyError = String(err).slice(0, 200);
  }
  try {
    const map = JSON.parse(await readFile(build.mapPath, "utf8"));
    result.top = composition(code.toString("utf8"), map).slice(0, 8);
  } catch {
    result.top = [];
  }
  result.assets = await assetSizes();
  return result;
}

/** The static assets deployed beside the Worker (wrangler.toml `[assets]`): not in its bundle, shown so that what moved there stays visible. */
async function assetSizes() {
  const dir = path.join(ROOT, "assets");
  const files = await readdir(dir).catch(() => []);
  return Promise.all(
    files.sort().map(async (file) => {
      const bytes = await readFile(path.join(dir, file));
      return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    }),
  );
}

/**
 * The app's pure modules bundled for Node: analyzeForIndex (corpus FTS rows), parseFeed and
 * normalizeFeed (parser comparison). Nothing here is Worker-only: sanitizing uses htmlparser2.
 */
export async function buildNodeModules(outDir) {
  await mkdir(outDir, { recursive: true });
  const outfile = path.join(outDir, "app-node.mjs");
  const src = (p) => JSON.stringify(path.join(ROOT, "src", p));
  const entries = [
    `export { analyzeForIndex } from ${src("search/analyze.ts")};`,
    `export { parseFeed } from ${src("ingest/parse/index.ts")};`,
    `export { normalizeFeed } from ${src("ingest/normalize.ts")};`,
    `export { searchStatements } from ${src("search/plan.ts")};`,
    `export { parseSearchQuery } from ${src("search/query.ts")};`,
  ];
  await bundleForNode(entries.join("\n"), outfile);
  return import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
}

/** Writes a file, creating its directory. */
export async function writeFileEnsured(file, text) {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}
