// Writes the OpenAPI document and its page for people (assets/openapi.json, assets/docs.html)
// from the route contracts (src/contracts.ts, src/routes/docs-page.ts). They are built here
// and deployed as static assets so that neither they nor the zod-to-JSON-Schema converter and
// the contracts that produce them weigh on the Worker bundle.
//
//   node scripts/openapi.mjs          rewrite the files when the contracts changed
//   node scripts/openapi.mjs --check  exit 1 when a file is out of date
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { bundleForNode } from "./esbuild.mjs";

const ROOT = path.resolve(import.meta.dirname, "..");
export const ASSETS_DIR = path.join(ROOT, "assets");

/** The generated files' names and texts, from the contracts as they are now. */
export async function generateOpenApi() {
  const dir = await mkdtemp(path.join(tmpdir(), "openapi-"));
  const src = (file) => JSON.stringify(path.join(ROOT, "src", file));
  try {
    const outfile = path.join(dir, "generate.mjs");
    await bundleForNode(`export { openApiDocument } from ${src("contracts.ts")};\nexport { docsPage } from ${src("routes/docs-page.ts")};`, outfile, {
      // The same module rules as the Worker build (wrangler.toml `[[rules]]`).
      loader: { ".toml": "text" },
      external: ["cloudflare:*"],
      logLevel: "error",
    });
    const { openApiDocument, docsPage } = await import(pathToFileURL(outfile).href);
    const doc = openApiDocument();
    return { "openapi.json": `${JSON.stringify(doc, null, 2)}\n`, "docs.html": await docsPage(doc) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename);
if (isMain) {
  const check = process.argv.includes("--check");
  let stale = 0;
  await mkdir(ASSETS_DIR, { recursive: true });
  for (const [file, text] of Object.entries(await generateOpenApi())) {
    const target = path.join(ASSETS_DIR, file);
    const name = path.relative(ROOT, target);
    if ((await readFile(target, "utf8").catch(() => "")) === text) continue;
    stale++;
    if (check) console.error(`${name} is out of date with the route contracts: run \`npm run openapi\``);
    else {
      await writeFile(target, text);
      console.log(`${name} written`);
    }
  }
  if (!stale) console.log("assets/openapi.json and assets/docs.html are up to date");
  if (check && stale) process.exit(1);
}
