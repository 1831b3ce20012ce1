// Period databases over a simulated year, scaled down (docs/CAPACITY.md, "Past one database"):
// each simulated day a day of articles arrives in the live database, the cron's archival moves
// bodies older than --archive-after days to R2, and the cron's mover moves articles older than
// --live-days into the database of their month. Prints, every 30 days, the live database's size
// against the budget scaled to this load (DB_BUDGET_MB x per-day / 50,000), the total, rows per
// period database and rows moved per run, and checks that counting every database as readers
// do (live unbounded, each period database before the boundary) finds each article once.
// Runs the app's own code (src/archive) in workerd with local D1 and R2.
//
//   node bench/shards.mjs                      # 100 articles a day for 365 days
//   node bench/shards.mjs --days 60 --per-day 50
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
    "per-day": { type: "string", default: "100" },
    days: { type: "string", default: "365" },
    "archive-after": { type: "string", default: "3" },
    "live-days": { type: "string", default: "13" },
  },
});
const PER_DAY = Number(opts["per-day"]);
const DAYS = Number(opts.days);
const ARCHIVE_AFTER = Number(opts["archive-after"]);
const LIVE_DAYS = Number(opts["live-days"]);
const DAY = 86_400_000;
const MB = 1024 * 1024;
/** DB_BUDGET_MB's default at the planned 50,000 articles a day, scaled to this load. */
const BUDGET = 5120 * MB * (PER_DAY / 50_000);
const START = Date.UTC(2026, 0, 1);
const MONTHS = Math.ceil(DAYS / 28) + 1;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

const bundle = (outDir) => bundleForWorkerd(path.join(ROOT, "bench", "shards-entry.ts"), path.join(outDir, "shards-worker.mjs"));

/** One period per calendar month; the first starts at the beginning of time, as the oldest articles' home. */
function periods() {
  const out = [];
  for (let m = 0; m < MONTHS; m++) {
    const from = new Date(Date.UTC(2026, m, 1));
    const to = new Date(Date.UTC(2026, m + 1, 1));
    out.push({ period: from.toISOString().slice(0, 7), startsAt: m === 0 ? "0000-01-01T00:00:00Z" : iso(from.getTime()), endsAt: iso(to.getTime()), binding: `SHARD_${m + 1}` });
  }
  return out;
}

async function start(scriptPath, dir) {
  const shards = periods();
  const d1Databases = { DB: "live", ...Object.fromEntries(shards.map((s) => [s.binding, s.binding.toLowerCase()])) };
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    modules: true,
    scriptPath,
    modulesRoot: path.dirname(scriptPath),
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: ["nodejs_compat"],
    d1Databases,
    r2Buckets: ["ARCHIVE"],
    d1Persist: path.join(dir, "d1"),
    r2Persist: path.join(dir, "r2"),
  });
  const url = await mf.ready;
  const migrations = await migrationFiles();
  for (const name of Object.keys(d1Databases)) await applyMigrations(await mf.getD1Database(name), migrations);
  const call = async (pathAndQuery, body) => {
    const send = () => fetch(new URL(pathAndQuery, url), body ? { method: "POST", body: JSON.stringify(body) } : {});
    const res = await send().catch((err) => (err?.cause?.code === "EPIPE" ? send() : Promise.reject(err)));
    const text = await res.text();
    if (!res.ok) throw new Error(`${pathAndQuery}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
  await call("/sql", sourceStatements());
  const registered = iso(START - 30 * DAY);
  await call(
    "/sql",
    shards.map((s) => `INSERT INTO shards (period, starts_at, ends_at, binding, created_at) VALUES ('${s.period}', '${s.startsAt}', '${s.endsAt}', '${s.binding}', '${registered}')`),
  );
  return { mf, call, shards };
}

function articleAt(pk, total, publishedMs) {
  const a = makeArticle(pk, total);
  const at = iso(publishedMs);
  return { ...a, published_at: at, updated_at: at, fetched_at: at, first_seen_at: at };
}

async function insert(call, articles, analyze) {
  const statements = insertStatements(articles, analyze);
  for (let i = 0; i < statements.length; i += 20) await call("/sql", statements.slice(i, i + 20));
}

const fmtMb = (bytes) => (bytes / MB).toFixed(2);

const tmp = await mkdtemp(path.join(os.tmpdir(), "edge-news-shards-"));
const { mf, call, shards } = await start(await bundle(path.join(tmp, "build")), tmp).catch(async (err) => {
  await rm(tmp, { recursive: true, force: true });
  throw err;
});
try {
  const app = await buildNodeModules(path.join(RESULTS_DIR, ".build", "node"));
  const started = Date.now();
  const total = DAYS * PER_DAY;
  const rows = [];
  let pk = 0;
  let moved = 0;
  let runs = 0;
  let maxPerRun = 0;
  let maxLive = 0;
  let failedChecks = 0;
  for (let day = 0; day < DAYS; day++) {
    const batch = [];
    for (let i = 0; i < PER_DAY; i++) batch.push(articleAt(++pk, total, START + day * DAY + Math.floor((i / PER_DAY) * DAY)));
    await insert(call, batch, app.analyzeForIndex);
    const now = START + (day + 1) * DAY;
    for (let r = await call(`/archive?before=${iso(now - ARCHIVE_AFTER * DAY)}&now=${iso(now)}`); !r.done; ) {
      r = await call(`/archive?before=${iso(now - ARCHIVE_AFTER * DAY)}&now=${iso(now)}`);
    }
    // The cron's runs of this day, as many as it takes (at this load, one).
    for (;;) {
      const r = await call(`/move?before=${iso(now - LIVE_DAYS * DAY)}&now=${iso(now)}`);
      runs++;
      moved += r.moved;
      maxPerRun = Math.max(maxPerRun, r.moved);
      if (r.blocked) throw new Error(`mover blocked at ${r.blocked.published_at}: ${r.blocked.reason}`);
      if (r.done || r.moved === 0) break;
    }
    const live = (await call("/size")).size;
    maxLive = Math.max(maxLive, live);
    if ((day + 1) % 30 === 0 || day + 1 === DAYS) {
      const count = await call("/count");
      const once = count.counted === pk && count.distinct === pk;
      if (!once) failedChecks++;
      const sizes = [];
      for (const s of shards) if (count.perPeriod[s.period]) sizes.push((await call(`/size?db=${s.binding}`)).size);
      rows.push({ day: day + 1, articles: pk, live: count.live, liveBytes: live, periodBytes: sizes.reduce((a, b) => a + b, 0), perPeriod: count.perPeriod, moved, runs, once });
      console.error(`day ${day + 1}: ${pk} articles, live ${count.live} (${fmtMb(live)} MB), moved ${moved}, each once: ${once}`);
    }
  }
  console.log(`\n## Period databases over a simulated year: ${PER_DAY} articles a day, bodies archived after ${ARCHIVE_AFTER} days, live ${LIVE_DAYS} days\n`);
  console.log(`Scaled budget: ${fmtMb(BUDGET)} MB (5,120 MB at 50,000 articles a day).\n`);
  console.log("| day | articles | in live | live D1 (MB) | within budget | period DBs (MB) | moved so far | cron runs | each counted once |\n|---:|---:|---:|---:|---|---:|---:|---:|---|");
  for (const r of rows) {
    console.log(`| ${r.day} | ${r.articles} | ${r.live} | ${fmtMb(r.liveBytes)} | ${r.liveBytes <= BUDGET ? "yes" : "NO"} | ${fmtMb(r.periodBytes)} | ${r.moved} | ${r.runs} | ${r.once ? "yes" : "NO"} |`);
  }
  const last = rows.at(-1);
  console.log(`\nRows per period database at the end: ${Object.entries(last.perPeriod).map(([p, n]) => `${p} ${n}`).join(", ")}.`);
  console.log(`Largest live database: ${fmtMb(maxLive)} MB (${((maxLive / BUDGET) * 100).toFixed(0)}% of the scaled budget). Rows moved per cron run: at most ${maxPerRun}, ${(moved / runs).toFixed(0)} on average over ${runs} runs.`);
  console.log(`Counted across databases as readers count: ${failedChecks === 0 ? "every article exactly once at every check" : `${failedChecks} checks FAILED`}.`);
  console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
  if (failedChecks) process.exitCode = 1;
} finally {
  await mf.dispose();
  await rm(tmp, { recursive: true, force: true });
}
