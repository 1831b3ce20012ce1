#!/usr/bin/env node
// `node bench/shards-read.mjs [--requests 5]` — what a miss reads with older articles in period
// databases (docs/CAPACITY.md, "Reading across shards"). On a private copy of the 10k corpus:
// each kind of miss is profiled (bench/profile.mjs's entry module, with the period databases'
// bindings recorded too) by the commit the branch started from, by this checkout with nothing
// moved, and by this checkout after 6,000 of the oldest articles went to two periods (the
// boundary inside the second). Per kind: D1 calls, sequential rounds of them (calls that
// overlap in time are one round), statements and rows read, medians; and the first request's.
import { execFileSync } from "node:child_process";
import { cp, mkdir, readdir, rm, symlink } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, RESULTS_DIR, buildNodeModules, buildWorker } from "./build.mjs";
import { ensureCorpus } from "./corpus-db.mjs";
import { applyMigrations, startApp } from "./harness.mjs";
import { missRequest } from "./http.mjs";
import { PROFILE_WRAPPER } from "./profile.mjs";
import { median } from "./stats.mjs";
import { BROAD_WORD, NARROW_WORD } from "./words.mjs";
import { bundleForNode } from "../scripts/esbuild.mjs";

const BASE_COMMIT = "9bfb4ad";
const SIZE = 10_000;
const SHARDS = { SHARD_1: "bench-shard-1", SHARD_2: "bench-shard-2" };

const WRAPPER = PROFILE_WRAPPER.replace("DB: d1(env.DB),", "DB: d1(env.DB), SHARD_1: d1(env.SHARD_1), SHARD_2: d1(env.SHARD_2),");
if (WRAPPER === PROFILE_WRAPPER) throw new Error("the profile entry module changed: cannot wrap the period databases");

/** The production bundle of the commit the branch started from, built with these node_modules. */
async function buildBase(dir) {
  const tree = path.join(dir, "tree");
  await rm(dir, { recursive: true, force: true });
  await mkdir(tree, { recursive: true });
  execFileSync("tar", ["-x", "-C", tree], { input: execFileSync("git", ["archive", BASE_COMMIT], { cwd: ROOT, maxBuffer: 256 * 2 ** 20 }) });
  await symlink(path.join(ROOT, "node_modules"), path.join(tree, "node_modules"));
  return buildWorker(path.join(dir, "worker"), { root: tree });
}

/** The store's own index writer, for the period databases' entries. */
async function ftsModule(dir) {
  const outfile = path.join(dir, "fts.mjs");
  await bundleForNode(`export { indexText, indexStatement } from ${JSON.stringify(path.join(ROOT, "src", "db", "fts.ts"))};`, outfile);
  return import(pathToFileURL(outfile).href);
}

/** A private copy of the cached corpus (the shared one is left as it is). */
async function corpusCopy(dir, analyze, log) {
  const shared = path.join(RESULTS_DIR, "corpus");
  const base = path.join(dir, "corpus");
  await mkdir(base, { recursive: true });
  for (const entry of await readdir(shared).catch(() => [])) {
    if (entry.startsWith("10k-")) await cp(path.join(shared, entry), path.join(base, entry), { recursive: true });
  }
  return ensureCorpus({ size: SIZE, analyze, dir: base, log });
}

const BOUND = "(published_at < ?3 OR (published_at = ?3 AND pk < ?4))";

/**
 * Moves the oldest 6,000 articles: period A holds the oldest 3,500 by date, period B the next
 * 3,500 of which 2,500 sort before the boundary. Rows are copied with every column, indexed
 * by the store's index writer, deleted from live; then the registry and the boundary.
 */
async function movePeriods(mf, fts, log) {
  const live = await mf.getD1Database("DB", "app");
  const at = async (offset) => live.prepare("SELECT published_at, pk FROM articles ORDER BY published_at, pk LIMIT 1 OFFSET ?1").bind(offset).first();
  const aEnd = (await at(3_500)).published_at;
  const bEnd = (await at(7_000)).published_at;
  const boundary = await at(6_000);
  const periods = [
    { period: "bench-a", startsAt: "2000-01-01T00:00:00Z", endsAt: aEnd, binding: "SHARD_1" },
    { period: "bench-b", startsAt: aEnd, endsAt: bEnd, binding: "SHARD_2" },
  ];
  for (const p of periods) {
    const db = await mf.getD1Database(p.binding, "app");
    await applyMigrations(db);
    let moved = 0;
    for (let after = 0; ; ) {
      const { results } = await live
        .prepare(`SELECT * FROM articles WHERE published_at >= ?1 AND published_at < ?2 AND ${BOUND} AND pk > ?5 ORDER BY pk LIMIT 200`)
        .bind(p.startsAt, p.endsAt, boundary.published_at, boundary.pk, after)
        .all();
      if (!results.length) break;
      const columns = Object.keys(results[0]);
      const insert = `INSERT INTO articles (${columns.join(", ")}) VALUES (${columns.map((_, i) => `?${i + 1}`).join(", ")})`;
      await db.batch(results.map((r) => db.prepare(insert).bind(...columns.map((c) => r[c] ?? null))));
      for (let i = 0; i < results.length; i += 25) {
        const entries = results.slice(i, i + 25).map((r) => [r.id, r.content_hash, ...fts.indexText({ title: r.title, summary: r.summary, contentText: r.content_text })]);
        await fts.indexStatement(db, JSON.stringify(entries)).run();
      }
      moved += results.length;
      after = results.at(-1).pk;
    }
    await live.prepare(`DELETE FROM articles WHERE published_at >= ?1 AND published_at < ?2 AND ${BOUND}`).bind(p.startsAt, p.endsAt, boundary.published_at, boundary.pk).run();
    await live
      .prepare("INSERT INTO shards (period, starts_at, ends_at, binding, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(p.period, p.startsAt, p.endsAt, p.binding, new Date().toISOString())
      .run();
    log(`moved ${moved} articles to ${p.period} (${p.binding})`);
  }
  await live.prepare("INSERT INTO shard_boundary (id, published_at, pk, updated_at) VALUES (1, ?1, ?2, ?3)").bind(boundary.published_at, boundary.pk, new Date().toISOString()).run();
  const n = (await live.prepare("SELECT count(*) AS n FROM articles").first()).n;
  log(`live now holds ${n} articles; boundary ${boundary.published_at} / ${boundary.pk}`);
  return { liveCount: n };
}

/** The kinds of miss: the profile's, plus pages and a detail that reach the moved articles, and the sitemaps. */
function kinds({ liveId, movedId, deepPage }) {
  return [
    ["listing, page 1", "/api/v1/articles?per_page=10"],
    ["listing, page 1, lang=fr", "/api/v1/articles?per_page=10&lang=fr"],
    [`listing, page ${deepPage} (in the periods once moved)`, `/api/v1/articles?per_page=10&page=${deepPage}`],
    [`search "${NARROW_WORD}", relevance`, `/api/v1/search?q=${NARROW_WORD}`],
    [`search "${BROAD_WORD}", relevance`, `/api/v1/search?q=${BROAD_WORD}`],
    [`search "${BROAD_WORD}", by date`, `/api/v1/search?q=${BROAD_WORD}&sort=date`],
    [`search "${BROAD_WORD}", by date, page ${deepPage}`, `/api/v1/search?q=${BROAD_WORD}&sort=date&page=${deepPage}`],
    ["feed /feeds/en.rss", "/feeds/en.rss"],
    ["HTML page /en/", "/en/"],
    ["detail, live article", `/api/v1/articles/${liveId}`],
    ["detail, moved article", `/api/v1/articles/${movedId}`],
    ["sitemap index", "/sitemap.xml"],
    ["sitemap file en-1", "/sitemaps/en-1.xml"],
  ];
}

/** Sequential rounds: D1 calls that overlap in time count once. */
function rounds(spans) {
  const d1 = spans.filter((s) => s.kind === "d1" && !s.after).sort((a, b) => a.start - b.start);
  let n = 0;
  let end = -Infinity;
  for (const s of d1) {
    if (s.start >= end) n++;
    end = Math.max(end, s.start + s.ms);
  }
  return n;
}

async function profile(origin, list, requests) {
  const out = [];
  for (const [label, p] of list) {
    const rows = [];
    for (let i = 0; i < requests; i++) {
      const res = await missRequest(origin, p);
      await res.arrayBuffer();
      let recs = [];
      for (let j = 0; j < 200 && !recs.length; j++) {
        recs = await (await fetch(`${origin}/__profile/records`)).json();
        if (!recs.length) await new Promise((r) => setTimeout(r, 5));
      }
      const rec = recs[0];
      if (!rec) continue;
      const before = rec.spans.filter((s) => !s.after);
      rows.push({ status: res.status, calls: before.filter((s) => s.kind === "d1").length, rounds: rounds(rec.spans), statements: rec.statements, rowsRead: rec.rowsRead });
    }
    const med = (k) => median(rows.map((r) => r[k]));
    out.push({ label, path: p, status: rows[0]?.status, first: rows[0], calls: med("calls"), rounds: med("rounds"), statements: med("statements"), rowsRead: med("rowsRead") });
  }
  return out;
}

async function main() {
  const requests = process.argv.includes("--requests") ? Number(process.argv[process.argv.indexOf("--requests") + 1]) : 5;
  const log = (s) => process.stderr.write(`${s}\n`);
  const dir = path.join(RESULTS_DIR, "tmp", `shards-read-${Date.now()}`);
  try {
    log(`building this checkout and ${BASE_COMMIT}…`);
    const now = await buildWorker(path.join(dir, "worker"));
    const base = await buildBase(path.join(dir, "base"));
    const app = await buildNodeModules(path.join(dir, "node"));
    const fts = await ftsModule(path.join(dir, "node"));
    const corpus = await corpusCopy(dir, app.analyzeForIndex, log);
    const opts = (scriptPath, kv) => ({ scriptPath, d1Dir: corpus.d1Dir, kvDir: path.join(dir, kv), wrapper: WRAPPER, hello: false, workerOptions: { d1Databases: { DB: "bench-db", ...SHARDS } } });
    const table = {};
    let ids;
    let instance = await startApp(opts(base.scriptPath, "kv-base"));
    try {
      const oldest = await (await instance.mf.getD1Database("DB", "app")).prepare("SELECT id FROM articles ORDER BY published_at, pk LIMIT 1").first();
      const newest = await (await instance.mf.getD1Database("DB", "app")).prepare("SELECT id FROM articles ORDER BY published_at DESC, pk DESC LIMIT 1").first();
      // Page 500 of 10: past the 4,000 articles left live once moved.
      ids = { liveId: newest.id, movedId: oldest.id, deepPage: 500 };
      table.base = await profile(instance.origin, kinds(ids), requests);
    } finally {
      await instance.dispose();
    }
    instance = await startApp(opts(now.scriptPath, "kv-now"));
    try {
      table.nothingMoved = await profile(instance.origin, kinds(ids), requests);
      await movePeriods(instance.mf, fts, log);
    } finally {
      await instance.dispose();
    }
    instance = await startApp(opts(now.scriptPath, "kv-moved"));
    try {
      table.moved = await profile(instance.origin, kinds(ids), requests);
    } finally {
      await instance.dispose();
    }
    const cell = (r) => `${r.rounds} / ${r.calls} / ${r.statements} / ${Math.round(r.rowsRead).toLocaleString("en-US")}`;
    const firstCell = (r) => (r.first ? `${r.first.rounds} / ${r.first.calls} / ${r.first.statements} / ${Math.round(r.first.rowsRead).toLocaleString("en-US")}` : "");
    process.stdout.write(`\nMisses at 10k, ${requests} requests each, medians: D1 rounds / calls / statements / rows read\n\n`);
    process.stdout.write(`| miss | ${BASE_COMMIT} | this, nothing moved | this, 6,000 moved (first request) | this, 6,000 moved (median) |\n|---|---|---|---|---|\n`);
    table.base.forEach((b, i) => {
      const n = table.nothingMoved[i];
      const m = table.moved[i];
      process.stdout.write(`| ${b.label} | ${cell(b)} | ${cell(n)} | ${firstCell(m)} | ${cell(m)} |\n`);
      for (const r of [b, n, m]) if (r.status !== 200) log(`warning: ${r.label} answered ${r.status}`);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`shards-read bench failed: ${err?.stack ?? err}\n`);
  process.exitCode = 1;
});
