// Writes the OpenAPI document the Worker serves (src/routes/openapi.generated.json) from the
// route contracts (src/contracts.ts). It is built here rather than in the Worker so that the
// zod-to-JSON-Schema converter and the contracts stay out of the deployed bundle.
//
//   node scripts/openapi.mjs          rewrite the file when the contracts changed
//   node scripts/openapi.mjs --check  exit 1 when the file is out of date
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { loadEsbuild } from "./esbuild.mjs";

const ROOT = path.resolve(import.meta.dirname, "..");
export const GENERATED = path.join(ROOT, "src", "routes", "openapi.generated.json");

/** The document's text as the file holds it, from the contracts as they are now. */
export async function generateOpenApi() {
  const esbuild = await loadEsbuild();
  const dir = await mkdtemp(path.join(tmpdir(), "openapi-"));
  try {
    const outfile = path.join(dir, "contracts.mjs");
    await esbuild.build({
      entryPoints: [path.join(ROOT, "src", "contracts.ts")],
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      outfile,
      // The same module rules as the Worker build (wrangler.toml `[[rules]]`).
      loader: { ".toml": "text" },
      external: ["cloudflare:*"],
      logLevel: "error",
    });
    const { openApiDocument } = await import(pathToFileURL(outfile).href);
    return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename);
if (isMain) {
  const text = await generateOpenApi();
  const current = await readFile(GENERATED, "utf8").catch(() => "");
  const name = path.relative(ROOT, GENERATED);
  if (text === current) {
    console.log(`${name} is up to date`);
  } else if (process.argv.includes("--check")) {
    console.error(`${name} is out of date with the route contracts: run \`npm run openapi\``);
    process.exit(1);
  } else {
    await writeFile(GENERATED, text);
    console.log(`${name} written`);
  }
}
