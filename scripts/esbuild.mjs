// esbuild as installed with wrangler, the bundler that builds the Worker (resolved through
// wrangler first, then the project), so scripts compile TypeScript exactly as the build does.
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);

export async function loadEsbuild() {
  let resolved;
  try {
    resolved = createRequire(require.resolve("wrangler/package.json")).resolve("esbuild");
  } catch {
    resolved = require.resolve("esbuild");
  }
  return import(pathToFileURL(resolved).href);
}

const ROOT = path.resolve(import.meta.dirname, "..");

/**
 * Bundles `contents` (TypeScript re-exporting the app's modules, resolved from the project
 * root) into one ES module Node can import, for the scripts and benches that run app code.
 */
export async function bundleForNode(contents, outfile, options = {}) {
  const esbuild = await loadEsbuild();
  await esbuild.build({
    stdin: { contents, resolveDir: ROOT, loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    outfile,
    logLevel: "silent",
    ...options,
  });
}

/** Bundles a Worker entry module (a bench's own entry around app code) for workerd, as a Worker is bundled. */
export async function bundleForWorkerd(entry, outfile) {
  const esbuild = await loadEsbuild();
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "import"],
    target: "es2022",
    outfile,
    logLevel: "silent",
  });
  return outfile;
}
