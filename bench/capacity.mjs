// Capacity figures for docs/CAPACITY.md: bytes per article in D1 (rows, indexes, full-text
// index; before and after the body archive), D1 rows read per request kind, and a simulated
// year of ingest with the cron's archival, showing the live database's size as the archive
// grows. Runs the app's own code (src/archive, src/db) in workerd with local D1 and R2; sizes
// are D1's own `size_after` (the figure its 10 GB limit and storage billing count).
//
//   node bench/capacity.mjs                       # 10k articles; a year of 100 a day
//   node bench/capacity.mjs --size 2000 --per-day 30
//   node bench/capacity.mjs --only year           # or --only unit: one of the two phases
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Miniflare } from "miniflare";
import { bundleForWorkerd } from "../scripts/esbuild.mjs";
import { buildNodeModules, RESULTS_DIR, ROOT } from "./build.mjs";
import { insertStatements, makeArticle, sourceStatements } from "./corpus.mjs";
import { applyMigrations, COMPATIBILITY_DATE, migrationFiles } from "./harness.mjs";

const { values: opts } = parseArgs({
  options: {
    size: { type: "string", default: "10000" },
    "per-day": { type: "string", default: "100" },
    days: { type: "string", default: "365" },
    "archive-after": { type: "string", default: "30" },
    only: { type: "string" },
  },
});
const SIZE = Number(opts.size);
const PER_DAY = Number(opts["per-day"]);
const DAYS = Number(opts.days);
const ARCHIVE_AFTER = Number(opts["archive-after"]);
const DAY = 86_400_000;
const OPTIMIZE = "INSERT INTO articles_fts (articles_fts) VALUES ('optimize')";
const MB = 1024 * 1024;

const bundle = (outDir) => bundleForWorkerd(path.join(ROOT, "bench", "capacity-entry.ts"), path.join(outDir, "capacity-worker.mjs"));

async function start(scriptPath, dir) {
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    modules: true,
    scriptPath,
    modulesRoot: path.dirname(scriptPath),
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: ["nodejs_compat"],
    d1Databases: { DB: "capacity" },
    r2Buckets: ["ARCHIVE"],
    d1Persist: path.join(dir, "d1"),
    r2Persist: path.join(dir, "r2"),
  });
  const url = await mf.ready;
  await applyMigrations(await mf.getD1Database("DB"), await migrationFiles());
  const call = async (pathAndQuery, body) => {
    const send = () => fetch(new URL(pathAndQuery, url), body ? { method: "POST", body: JSON.stringify(body) } : {});
    // A kept-alive connection the local server closed meanwhile fails while the request is
    // still being written (so it never ran): sent again once, on a new connection.
    const res = await send().catch((err) => (err?.cause?.code === "EPIPE" ? send() : Promise.reject(err)));
    const text = await res.text();
    if (!res.ok) throw new Error(`${pathAndQuery}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
  await call("/sql", sourceStatements());
  return { mf, call };
}

/** An article of the generator, moved to `publishedMs` (the generator's own dates ignored). */
function articleAt(pk, total, publishedMs) {
  const a = makeArticle(pk, total);
  const iso = new Date(publishedMs).toISOString().replace(/\.\d{3}Z$/, "Z");
  return { ...a, published_at: iso, updated_at: iso, fetched_at: iso, first_seen_at: iso };
}

async function insert(call, articles, analyze, which = "both") {
  const statements = insertStatements(articles, analyze).filter((s) =>
    which === "both" ? true : which === "rows" ? s.startsWith("INSERT INTO articles ") : s.startsWith("INSERT INTO articles_fts"),
  );
  for (let i = 0; i < statements.length; i += 20) await call("/sql", statements.slice(i, i + 20));
}

const size = async (call) => (await call("/size")).size;
const perArticle = (bytes, n) => Math.round(bytes / n);
const fmtMb = (bytes) => (bytes / MB).toFixed(1);

async function archiveAll(call, before, now) {
  let total = 0;
  let rowsWritten = 0;
  let rowsRead = 0;
  for (let i = 0; i < 10_000; i++) {
    const r = await call(`/archive?before=${before}&now=${now}&slices=20`);
    total += r.archived;
    rowsWritten += r.rowsWritten;
    rowsRead += r.rowsRead;
    if (r.done) return { archived: total, size: r.size, rowsWritten, rowsRead };
  }
  throw new Error("archival did not finish");
}

/** Phase 1: what one article costs, part by part, with its body and after archival. */
async function bytesPerArticle(scriptPath, analyze, dir) {
  const { mf, call } = await start(scriptPath, dir);
  try {
    const end = Date.UTC(2026, 10, 27);
    const articles = [];
    for (let pk = 1; pk <= SIZE; pk++) articles.push(articleAt(pk, SIZE, end - Math.floor(((SIZE - pk) / SIZE) * 60 * DAY)));
    const s0 = await size(call);
    await insert(call, articles, analyze, "rows");
    const s1 = await size(call);
    await insert(call, articles, analyze, "fts");
    // Merged into one segment, as FTS5's automatic merging tends to over time: comparable figures.
    const s2 = (await call("/sql", [OPTIMIZE])).size;

    // For comparison, the full-text index as it was before migration 0011, storing its own
    // copy of the analyzed text: the same rows written to a table of that shape.
    await call("/sql", ["CREATE VIRTUAL TABLE fts_probe USING fts5(title, body, scope, tokenize='unicode61 remove_diacritics 2', prefix='2 3')"]);
    const probeRows = insertStatements(articles, analyze)
      .filter((st) => st.startsWith("INSERT INTO articles_fts "))
      .map((st) => st.replace("INSERT INTO articles_fts ", "INSERT INTO fts_probe "));
    for (let i = 0; i < probeRows.length; i += 20) await call("/sql", probeRows.slice(i, i + 20));
    const storedText = (await call("/sql", ["INSERT INTO fts_probe (fts_probe) VALUES ('optimize')"])).size - s2;
    await call("/sql", ["DROP TABLE fts_probe"]);
    const unarchivedIdx = s2 - (await call("/sql", ["DROP INDEX articles_unarchived_idx"])).size;
    await call("/sql", ["CREATE INDEX articles_unarchived_idx ON articles (published_at, pk) WHERE body_ref IS NULL"]);

    // Rows read per request kind, bodies in D1.
    const sample = articles[Math.floor(SIZE / 3)];
    const requests = async () => ({
      "listing, page 1": (await call("/list")).rowsRead,
      "listing, page 1, lang=fr": (await call("/list?lang=fr")).rowsRead,
      "listing, page 50": (await call("/list?page=50")).rowsRead,
      "detail": (await call(`/article?id=${sample.id}`)).rowsRead,
      "search, a rare word": (await call(`/search?q=${encodeURIComponent(sample.title.split(" ")[0])}`)).rowsRead,
      "search, the most common word (relevance)": (await call("/search?q=the")).rowsRead,
      "search, the most common word (date)": (await call("/search?q=the&sort=date")).rowsRead,
    });
    const readsFull = await requests();
    const detailBefore = (await call(`/article?id=${sample.id}`)).article;

    const archived = await archiveAll(call, "2100-01-01T00:00:00Z", "2026-11-27T00:00:00Z");
    const s3unmerged = archived.size;
    const s3 = (await call("/sql", [OPTIMIZE])).size;
    const detailAfter = (await call(`/article?id=${sample.id}`)).article;
    const identical = JSON.stringify(detailAfter) === JSON.stringify(detailBefore) && detailAfter.content_html === sample.content_html;
    const readsArchived = await requests();
    // Dropped, not emptied: deleting FTS5 rows writes delete markers, it frees nothing at once.
    const ftsArchived = s3 - (await call("/sql", ["DROP TRIGGER articles_fts_after_delete", "DROP TABLE articles_fts"])).size;
    const s4 = await size(call);
    // The same rows written afresh: what an archived row costs without the free space that
    // shrinking rows in place leaves in their pages (D1 offers no VACUUM).
    const compactRows = (await call("/sql", ["CREATE TABLE rows_probe AS SELECT * FROM articles"])).size - s4;
    await call("/sql", ["DROP TABLE rows_probe"]);

    const indexes = {};
    for (const name of ["articles_id_unique", "articles_source_dedupe_unique", "articles_published_idx", "articles_language_published_idx", "articles_source_published_idx", "articles_story_group_idx", "articles_search_scope_idx"]) {
      const before = await size(call);
      try {
        indexes[name] = before - (await call("/sql", [`DROP INDEX ${name}`])).size;
      } catch {
        // Not every name is an index of this schema; the ones that exist are measured.
      }
    }
    const indexBytes = Object.values(indexes).reduce((a, b) => a + b, 0);
    const rowsFull = s1 - s0 - indexBytes - unarchivedIdx;
    const rowsArchived = s4 - s0 - indexBytes;
    const textBytes = articles.reduce((n, a) => n + Buffer.byteLength(a.content_html) + Buffer.byteLength(a.content_text), 0);
    return {
      articles: SIZE,
      full: { total: perArticle(s2 - s0, SIZE), rows: perArticle(rowsFull, SIZE), indexes: perArticle(indexBytes + unarchivedIdx, SIZE), fts: perArticle(s2 - s1, SIZE) },
      archivedUnmerged: perArticle(s3unmerged - s0, SIZE),
      archivalRows: { written: (archived.rowsWritten / SIZE).toFixed(1), read: (archived.rowsRead / SIZE).toFixed(1) },
      archived: { total: perArticle(s3 - s0, SIZE), rows: perArticle(rowsArchived, SIZE), indexes: perArticle(indexBytes, SIZE), fts: perArticle(ftsArchived, SIZE) },
      compactRows: perArticle(compactRows, SIZE),
      storedTextFts: perArticle(storedText, SIZE),
      bodyBytes: perArticle(textBytes, SIZE),
      indexes: Object.fromEntries(Object.entries(indexes).map(([k, v]) => [k, perArticle(v, SIZE)])),
      unarchivedIndexFull: perArticle(unarchivedIdx, SIZE),
      readsFull,
      readsArchived,
      identical,
    };
  } finally {
    await mf.dispose();
  }
}

/** Phase 2: a year of ingest, archived by the cron's rule, month by month. */
async function simulatedYear(scriptPath, analyze, dir) {
  const { mf, call } = await start(scriptPath, dir);
  const rows = [];
  try {
    const start = Date.UTC(2026, 0, 1);
    const total = DAYS * PER_DAY;
    let pk = 0;
    const all = [];
    for (let day = 0; day < DAYS; day += 30) {
      const batch = [];
      for (let d = day; d < Math.min(DAYS, day + 30); d++) {
        for (let i = 0; i < PER_DAY; i++) batch.push(articleAt(++pk, total, start + d * DAY + Math.floor((i / PER_DAY) * DAY)));
      }
      await insert(call, batch, analyze);
      for (let i = 0; i < batch.length; i += 97) all.push(batch[i]);
      const now = start + Math.min(DAYS, day + 30) * DAY;
      const before = new Date(now - ARCHIVE_AFTER * DAY).toISOString();
      const r = await archiveAll(call, before, new Date(now).toISOString());
      const objects = await (await mf.getR2Bucket("ARCHIVE")).list({ limit: 1000 });
      rows.push({ day: Math.min(DAYS, day + 30), articles: pk, archivedNow: r.archived, dbBytes: r.size, packs: objects.objects.length });
      console.error(`day ${rows.at(-1).day}: ${pk} articles, ${fmtMb(r.size)} MB`);
    }
    // Every sampled article still readable byte for byte, listed, found by its title, and found
    // by its title and a phrase of its body together (the body is archived for most).
    let identical = 0;
    let found = 0;
    let foundByBody = 0;
    let withPhrase = 0;
    const quoted = (text) => `"${text.replace(/"/g, "")}"`;
    for (const a of all) {
      const got = (await call(`/article?id=${a.id}`)).article;
      if (got && got.content_html === a.content_html && got.content_text === a.content_text) identical++;
      const hits = await call(`/search?q=${encodeURIComponent(quoted(a.title))}`);
      if (hits.ids.includes(a.id)) found++;
      // Languages written with spaces: a few words from the middle of the body.
      const words = a.content_text.split(/\s+/);
      if (words.length < 20) continue;
      withPhrase++;
      const both = await call(`/search?q=${encodeURIComponent(`${quoted(a.title)} ${quoted(words.slice(10, 15).join(" "))}`)}`);
      if (both.ids.includes(a.id)) foundByBody++;
    }
    const listed = (await call("/list")).total;
    console.error(`sampled ${all.length}: ${identical} identical, ${found} by title, ${foundByBody} of ${withPhrase} by title and body`);
    const merged = (await call("/sql", [OPTIMIZE])).size;
    return { rows, sampled: all.length, identical, found, withPhrase, foundByBody, listed, total: pk, merged };
  } finally {
    await mf.dispose();
  }
}

const tmp = await mkdtemp(path.join(os.tmpdir(), "edge-news-capacity-"));
try {
  const app = await buildNodeModules(path.join(RESULTS_DIR, ".build", "node"));
  const scriptPath = await bundle(path.join(tmp, "build"));
  const started = Date.now();
  const unit = opts.only === "year" ? null : await bytesPerArticle(scriptPath, app.analyzeForIndex, path.join(tmp, "one"));
  if (unit) {
    console.log(`\n## Bytes per article (${unit.articles} generated articles; D1 size_after deltas)\n`);
    console.log("| | total | row | indexes | full-text index |\n|---|---:|---:|---:|---:|");
    console.log(`| body in D1 | ${unit.full.total} | ${unit.full.rows} | ${unit.full.indexes} | ${unit.full.fts} |`);
    console.log(`| body archived | ${unit.archived.total} | ${unit.archived.rows} | ${unit.archived.indexes} | ${unit.archived.fts} |`);
    console.log(`\nRight after archival, before FTS5 merges its segments: ${unit.archivedUnmerged} bytes per article.`);
    console.log(`An archived row written afresh (no free space in its pages): ${unit.compactRows} bytes.`);
    console.log(`Body (HTML + text) per article: ${unit.bodyBytes} bytes. The full-text index storing its text (before migration 0011): ${unit.storedTextFts} bytes per article.`);
    console.log(`Indexes per article: ${JSON.stringify(unit.indexes)}; unarchived index while all bodies are in D1: ${unit.unarchivedIndexFull}.`);
    console.log(`Archived detail byte-identical: ${unit.identical}`);
    console.log(`Archival cost per article: ${unit.archivalRows.written} D1 rows written, ${unit.archivalRows.read} rows read.`);
    console.log("\n## D1 rows read per request\n\n| request | body in D1 | bodies archived |\n|---|---:|---:|");
    for (const k of Object.keys(unit.readsFull)) console.log(`| ${k} | ${unit.readsFull[k]} | ${unit.readsArchived[k]} |`);
  }
  if (opts.only !== "unit") {
    const year = await simulatedYear(scriptPath, app.analyzeForIndex, path.join(tmp, "year"));
    console.log(`\n## A simulated year: ${PER_DAY} articles a day, bodies archived after ${ARCHIVE_AFTER} days\n`);
    console.log("| day | articles | archived this step | live D1 (MB) | bytes/article | R2 packs |\n|---:|---:|---:|---:|---:|---:|");
    for (const r of year.rows) console.log(`| ${r.day} | ${r.articles} | ${r.archivedNow} | ${fmtMb(r.dbBytes)} | ${perArticle(r.dbBytes, r.articles)} | ${r.packs} |`);
    console.log(`\nAfter merging the full-text index's segments: ${fmtMb(year.merged)} MB, ${perArticle(year.merged, year.total)} bytes per article.`);
    console.log(`Listed: ${year.listed} of ${year.total}. Sampled ${year.sampled}: ${year.identical} byte-identical bodies, ${year.found} found by their title; ${year.foundByBody} of ${year.withPhrase} found by their title and a phrase of their body.`);
  }
  console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
} finally {
  await rm(tmp, { recursive: true, force: true });
}
