// esbuild as installed with wrangler, the bundler that builds the Worker (resolved through
// wrangler first, then the project), so scripts compile TypeScript exactly as the build does.
import { createRequire } from "node:module";
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
