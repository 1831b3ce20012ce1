// Puts a generated corpus into a local D1 database (the same storage the app reads in the
// benchmarks) and caches it under bench/results/corpus/, keyed by everything that shapes
// the rows: generator, word lists, migrations and the app's analyzer. Rows are generated in
// Node while workerd writes the previous batch (two cores, two stages), and reach the
// database through a tiny loader worker as plain SQL over loopback HTTP.
import { createHash } from "node:crypto";
import { request as httpRequest } from "node:http";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { Miniflare } from "miniflare";
import { ROOT, RESULTS_DIR } from "./build.mjs";
import { DEFAULT_SEED, GENERATOR_VERSION, insertStatements, makeArticle, sizeLabel, sourceStatements } from "./corpus.mjs";
import { COMPATIBILITY_DATE, D1_ID, applyMigrations, migrationFiles } from "./harness.mjs";

const LOADER_WORKER = `export default {
  async fetch(request, env) {
    const statements = await request.json();
    try {
      await env.DB.batch(statements.map((s) => env.DB.prepare(s)));
      return new Response("ok");
    } catch (err) {
      return new Response(String(err && err.message || err), { status: 500 });
    }
  },
};`;

/**
 * Hash of what the generator writes: its output and the analyzer's on sample rows (so
 * editing a comment does not regenerate a million rows, but any change to the rows does).
 * Migrations are tracked separately, in the manifest, and applied to a cached corpus the way
 * they would be to a production database.
 */
export async function corpusKey(size, analyze, seed = DEFAULT_SEED) {
  const h = createHash("sha256");
  h.update(`v${GENERATOR_VERSION}:${seed}:${size}`);
  const sample = [];
  for (let pk = 1; pk <= Math.min(size, 64); pk++) sample.push(makeArticle(pk, size, seed));
  for (let pk = Math.max(65, size - 8); pk <= size; pk++) sample.push(makeArticle(pk, size, seed));
  for (const statement of insertStatements(sample, analyze)) h.update(statement);
  for (const statement of sourceStatements()) h.update(statement);
  return h.digest("hex").slice(0, 12);
}

/**
 * New migrations (files added since the corpus was made) are applied to the cached database;
 * a changed or removed migration means the corpus must be made again (null).
 */
async function upgradeCorpus(manifest, manifestPath, d1Dir, migrations, log) {
  const applied = manifest.migrations ?? [];
  for (const a of applied) {
    const now = migrations.find((m) => m.name === a.name);
    if (!now || now.sha !== a.sha) return null;
  }
  const pending = migrations.filter((m) => !applied.some((a) => a.name === m.name));
  if (!pending.length) return manifest;
  log(`corpus ${sizeLabel(manifest.rows)}: applying new migrations ${pending.map((m) => m.name).join(", ")} to the cached database…`);
  const mf = new Miniflare({ host: "127.0.0.1", port: 0, d1Persist: d1Dir, modules: true, script: LOADER_WORKER, compatibilityDate: COMPATIBILITY_DATE, d1Databases: { DB: D1_ID } });
  try {
    await mf.ready;
    await applyMigrations(await mf.getD1Database("DB"), pending);
  } finally {
    await mf.dispose();
  }
  const upgraded = { ...manifest, migrations: migrations.map(({ name, sha }) => ({ name, sha })) };
  await writeFile(manifestPath, `${JSON.stringify(upgraded, null, 2)}\n`);
  return upgraded;
}

const fmt = (n) => Math.round(n).toLocaleString("en-US");

/**
 * A progress printer: rewrites one line on a terminal, prints a line every few seconds
 * otherwise (CI logs).
 */
export function progressPrinter(label, total, out = process.stderr) {
  const started = Date.now();
  let last = 0;
  return (done, { final = false } = {}) => {
    const now = Date.now();
    if (!final && now - last < (out.isTTY ? 500 : 5000)) return;
    last = now;
    const secs = (now - started) / 1000;
    const rate = done / Math.max(secs, 0.001);
    const left = rate > 0 ? (total - done) / rate : 0;
    const line = `  ${label}: ${fmt(done)} / ${fmt(total)} rows (${Math.floor((done / total) * 100)}%), ${fmt(rate)} rows/s, ` +
      (final ? `done in ${secs.toFixed(1)} s` : `~${Math.ceil(left)} s left`);
    if (out.isTTY) out.write(`\r${line}\x1b[K${final ? "\n" : ""}`);
    else out.write(`${line}\n`);
  };
}

/**
 * POSTs a body on a connection of its own. A pooled keep-alive connection may be closed by
 * the server just as the next batch is sent on it (likelier on a busy machine, where building
 * a batch takes seconds); the insert must not be retried, as it may have been applied, and a
 * lost batch ended a 1M build two times out of two.
 */
function postOnce(url, body) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", agent: false, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode, text }));
      res.on("error", reject);
    });
    req.on("error", (err) => reject(new Error(`corpus load request failed: ${err.code ?? ""} ${err.message}`)));
    req.end(body);
  });
}

async function exists(p) {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns the D1 persist directory of a corpus of `size` rows, generating it if no valid
 * cached copy exists. Stale copies of the same size (other keys) are removed.
 * @param {{ size: number, analyze: (s: string) => string, seed?: number, log?: (s: string) => void,
 *           rowsPerBatch?: number, fresh?: boolean, dir?: string }} opts
 */
export async function ensureCorpus({ size, analyze, seed = DEFAULT_SEED, log = () => {}, rowsPerBatch = 500, fresh = false, dir }) {
  const key = await corpusKey(size, analyze, seed);
  const label = sizeLabel(size);
  const base = dir ?? path.join(RESULTS_DIR, "corpus");
  const home = path.join(base, `${label}-${key}`);
  const manifestPath = path.join(home, "manifest.json");
  const migrations = await migrationFiles();
  if (!fresh && (await exists(manifestPath))) {
    const cached = JSON.parse(await readFile(manifestPath, "utf8"));
    const manifest = cached.rows === size && cached.key === key ? await upgradeCorpus(cached, manifestPath, path.join(home, "d1"), migrations, log) : null;
    if (manifest) {
      log(`corpus ${label}: reusing ${path.relative(ROOT, home)} (generated in ${manifest.seconds.toFixed(0)} s)`);
      return { d1Dir: path.join(home, "d1"), manifest, reused: true };
    }
  }
  await mkdir(base, { recursive: true });
  for (const entry of await readdir(base)) {
    if (entry.startsWith(`${label}-`)) await rm(path.join(base, entry), { recursive: true, force: true });
  }
  const d1Dir = path.join(home, "d1");
  await mkdir(d1Dir, { recursive: true });
  log(`corpus ${label}: generating ${fmt(size)} articles into local D1 (cached for later runs)`);

  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    d1Persist: d1Dir,
    modules: true,
    script: LOADER_WORKER,
    compatibilityDate: COMPATIBILITY_DATE,
    d1Databases: { DB: D1_ID },
  });
  const started = Date.now();
  try {
    const url = await mf.ready;
    await applyMigrations(await mf.getD1Database("DB"), migrations);
    const post = async (statements) => {
      const { status, text } = await postOnce(url, JSON.stringify(statements));
      if (status !== 200) throw new Error(`corpus load failed: ${text.slice(0, 300)}`);
    };
    await post(sourceStatements());
    const progress = progressPrinter(`corpus ${label}`, size);
    // Two stages: build batch k+1 in Node while workerd writes batch k.
    let pending = null;
    let written = 0;
    for (let start = 0; start < size; start += rowsPerBatch) {
      const end = Math.min(size, start + rowsPerBatch);
      const articles = [];
      for (let pk = start + 1; pk <= end; pk++) articles.push(makeArticle(pk, size, seed));
      const statements = insertStatements(articles, analyze);
      if (pending) {
        await pending;
        progress(written);
      }
      pending = post(statements).then(() => (written = end));
    }
    await pending;
    progress(size, { final: true });
    const db = await mf.getD1Database("DB");
    const count = await db.prepare("SELECT count(*) AS n FROM articles").first();
    if (count?.n !== size) throw new Error(`corpus ${label}: expected ${size} rows, found ${count?.n}`);
  } catch (err) {
    await mf.dispose().catch(() => {});
    await rm(home, { recursive: true, force: true });
    throw err;
  }
  await mf.dispose();
  const manifest = {
    key,
    rows: size,
    seed,
    generatorVersion: GENERATOR_VERSION,
    created: new Date().toISOString(),
    seconds: (Date.now() - started) / 1000,
    migrations: migrations.map(({ name, sha }) => ({ name, sha })),
  };
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { d1Dir, manifest, reused: false };
}
