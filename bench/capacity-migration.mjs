// How long migration 0011 (the search index made contentless) takes on a database of a given
// size, statement by statement, in workerd with local D1: the migrations before it are applied,
// the generated corpus of bench/corpus.mjs is written (its full-text rows in the stored-text
// shape of migration 0006), then 0011 runs as `wrangler d1 migrations apply` would run it.
// D1 stops a statement after 30 s; the copy is the one statement that grows with the corpus.
//
//   node bench/capacity-migration.mjs              # 100k articles
//   node bench/capacity-migration.mjs --size 10k
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Miniflare } from "miniflare";
import { buildNodeModules, RESULTS_DIR } from "./build.mjs";
import { parseSize, sourceStatements, writeRange } from "./corpus.mjs";
import { applyMigrations, COMPATIBILITY_DATE, migrationFiles } from "./harness.mjs";

const { values: opts } = parseArgs({ options: { size: { type: "string", default: "100k" } } });
const SIZE = parseSize(opts.size);
const MIGRATION = "0011_";
const MB = 1024 * 1024;

const tmp = await mkdtemp(path.join(os.tmpdir(), "edge-news-migration-"));
const mf = new Miniflare({
  modules: true,
  script: "export default { fetch() { return new Response(null, { status: 404 }); } };",
  compatibilityDate: COMPATIBILITY_DATE,
  d1Databases: { DB: "migration" },
  d1Persist: path.join(tmp, "d1"),
});
try {
  const app = await buildNodeModules(path.join(RESULTS_DIR, ".build", "node"));
  const db = await mf.getD1Database("DB");
  const files = await migrationFiles();
  const target = files.find((m) => m.name.startsWith(MIGRATION));
  if (!target) throw new Error(`no migration ${MIGRATION}`);
  await applyMigrations(db, files.filter((m) => m.name < target.name));
  await db.batch(sourceStatements().map((s) => db.prepare(s)));
  const written = Date.now();
  await writeRange(db, { from: 0, to: SIZE, total: SIZE, analyze: app.analyzeForIndex });
  const before = (await db.prepare("SELECT 1").run()).meta.size_after;
  console.log(`${SIZE} articles written in ${((Date.now() - written) / 1000).toFixed(0)} s; database ${(before / MB).toFixed(1)} MB`);

  console.log(`\n## Migration ${target.name} at ${SIZE} articles\n\n| statement | seconds |\n|---|---:|`);
  let after = before;
  let total = 0;
  let slowest = 0;
  for (const sql of target.statements) {
    const started = process.hrtime.bigint();
    after = (await db.prepare(sql).run()).meta.size_after ?? after;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    total += seconds;
    slowest = Math.max(slowest, seconds);
    const shown = sql.split("\n").filter((l) => !l.startsWith("--")).join(" ").replace(/\s+/g, " ");
    console.log(`| ${shown.length > 90 ? `${shown.slice(0, 45)} … ${shown.slice(-40)}` : shown} | ${seconds.toFixed(2)} |`);
  }
  console.log(`\nWhole migration: ${total.toFixed(1)} s; slowest statement ${slowest.toFixed(1)} s (D1 stops one at 30 s).`);
  const count = (await db.prepare("SELECT count(*) AS n FROM articles_fts").first()).n;
  console.log(`\nEntries after: ${count}. Database ${(before / MB).toFixed(1)} MB before, ${(after / MB).toFixed(1)} MB after (bytes per article ${Math.round(before / SIZE)} -> ${Math.round(after / SIZE)}).`);
} finally {
  await mf.dispose();
  await rm(tmp, { recursive: true, force: true });
}
