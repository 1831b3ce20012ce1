// Cache tiers: KV writes per 1,000 requests of each kind of answer, and the miss rate over
// refresh cycles with and without stale-while-revalidate. The production bundle runs in workerd
// (Miniflare, local D1 and KV) behind an entry module that wraps the KV binding to count its
// writes; refreshes run in a second worker of the same bundle on the same D1 and KV (the cron's
// isolate), so the readers' isolate learns of each change from KV, as every other isolate does.
// Publishers are a loopback upstream whose feeds gain items before each refresh.
//
//   node bench/tiers.mjs                        # 1,000 requests per kind; 2 cycles per mode
//   node bench/tiers.mjs --cycle-seconds 60 --cycles 2 --rate 40
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { startUpstream } from "../demo/upstream.mjs";
import { buildWorker, RESULTS_DIR } from "./build.mjs";
import { rng } from "./corpus.mjs";
import { ADMIN_TOKEN, applyMigrations, COMPATIBILITY_DATE, D1_ID, startApp } from "./harness.mjs";

const { values: opts } = parseArgs({
  options: {
    requests: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "8" },
    "cycle-seconds": { type: "string", default: "60" },
    cycles: { type: "string", default: "2" },
    rate: { type: "string", default: "40" },
  },
});
const REQUESTS = Number(opts.requests);
const CONCURRENCY = Number(opts.concurrency);
const CYCLE_MS = Number(opts["cycle-seconds"]) * 1000;
const CYCLES = Number(opts.cycles);
const RATE = Number(opts.rate);

/** Entry module: KV writes counted by key family; `swr: false` hides previous versions from the app. */
const COUNTING_WRAPPER = `import app from "./index.js";
const VERSIONS = "meta:content-versions";
const state = { puts: {}, inFlight: 0, swr: true };
function counted(kv) {
  return new Proxy(kv, { get(target, prop) {
    if (prop === "put") return async (key, ...rest) => {
      const family = key.startsWith("resp:") ? "answers" : key === VERSIONS ? "versions" : "other";
      state.puts[family] = (state.puts[family] ?? 0) + 1;
      state.inFlight++;
      try { return await target.put(key, ...rest); } finally { state.inFlight--; }
    };
    if (prop === "get") return async (key, ...rest) => {
      const value = await target.get(key, ...rest);
      if (state.swr || key !== VERSIONS || typeof value !== "string") return value;
      const parsed = JSON.parse(value);
      delete parsed.prev;
      return JSON.stringify(parsed);
    };
    const v = Reflect.get(target, prop);
    return typeof v === "function" ? v.bind(target) : v;
  } });
}
export default {
  async fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/__bench/tiers") {
      if (request.method === "POST") {
        const body = await request.json();
        if (typeof body.swr === "boolean") state.swr = body.swr;
        state.puts = {};
      }
      return Response.json(state);
    }
    return app.fetch(request, { ...env, CACHE: counted(env.CACHE) }, ctx);
  },
};
`;

// Seeded, so every run asks for the same addresses.
const rand = rng(16);
/** Zipf (s = 1) over `items`: the first is read most. */
function zipf(items) {
  const weights = items.map((_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  return () => {
    let r = rand() * total;
    for (let i = 0; i < items.length; i++) if ((r -= weights[i]) <= 0) return items[i];
    return items.at(-1);
  };
}
const pick = (items) => items[Math.floor(rand() * items.length)];

const WORDS = "market climate election energy health science football water river city budget school museum harbour railway festival vaccine drought satellite orchestra".split(" ");
const SOURCES = [
  { id: "t-en1", lang: "en" },
  { id: "t-en2", lang: "en" },
  { id: "t-fr", lang: "fr" },
  { id: "t-es", lang: "es" },
  { id: "t-ru", lang: "ru" },
  { id: "t-ar", lang: "ar" },
];
const LOCALES = ["en", "fr", "es", "ru", "ar", "zh", "ko"];
const LANGS = [...new Set(SOURCES.map((s) => s.lang))];

/** The publishers: each feed has `items[source]` items, the newest first. */
const items = Object.fromEntries(SOURCES.map((s) => [s.id, 40]));
function feedOf(source) {
  const n = items[source.id];
  const entries = Array.from({ length: n }, (_, k) => {
    const i = n - k;
    const title = `${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % WORDS.length]} ${source.id} ${i}`;
    const date = new Date(Date.UTC(2026, 10, 1) + i * 3_600_000).toUTCString();
    return `<item><title>${title}</title><guid>${source.id}-${i}</guid><link>https://${source.id}.example.org/${i}</link><pubDate>${date}</pubDate><description>${title}: ${WORDS[(i * 3) % WORDS.length]} report.</description></item>`;
  });
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${source.id}</title><link>https://${source.id}.example.org/</link><language>${source.lang}</language>${entries.join("")}</channel></rss>`;
}

function classify(res) {
  const status = res.headers.get("cache-status") ?? "";
  if (status.includes("fwd=stale")) return "stale";
  if (status.includes("fwd=")) return "miss";
  if (status.includes("hit")) return "hit";
  return "uncached";
}

async function get(origin, path) {
  const res = await fetch(origin + path);
  await res.arrayBuffer();
  return { status: res.status, outcome: classify(res), tier: /detail=(\w+)/.exec(res.headers.get("cache-status") ?? "")?.[1] ?? null };
}

async function state(origin, body) {
  const res = await fetch(`${origin}/__bench/tiers`, body ? { method: "POST", body: JSON.stringify(body) } : {});
  return res.json();
}

/** Waits for the writes the Worker deferred after answering (waitUntil) to be done. */
async function settled(origin) {
  let last = null;
  for (let i = 0; i < 100; i++) {
    const now = await state(origin);
    const total = JSON.stringify(now.puts);
    if (now.inFlight === 0 && total === last) return now;
    last = total;
    await new Promise((r) => setTimeout(r, 300));
  }
  return state(origin);
}

/** The kinds of answer and how readers ask for them (popular addresses read most). */
function workloads(ids) {
  const uniqueQuery = () => `${pick(WORDS)}+${pick(WORDS)}+${Math.floor(rand() * 1e6)}`;
  const popularQueries = WORDS.slice(0, 10).map((w) => `${w}`);
  const popular = zipf(popularQueries);
  const listing = zipf([
    "/api/v1/articles",
    ...LANGS.map((l) => `/api/v1/articles?lang=${l}`),
    ...[2, 3, 4, 5].map((p) => `/api/v1/articles?page=${p}`),
    ...SOURCES.map((s) => `/api/v1/articles?source=${s.id}`),
    ...LANGS.flatMap((l) => [2, 3].map((p) => `/api/v1/articles?lang=${l}&page=${p}`)),
  ]);
  return [
    { kind: "listing", label: "listing (API), pages 1–5", next: listing },
    { kind: "listing-deep", label: "listing (API), pages 6+", next: () => `/api/v1/articles?per_page=5&page=${6 + Math.floor(rand() * 40)}` },
    { kind: "detail", label: "article detail (API)", next: zipf(ids.map((id) => `/api/v1/articles/${id}`)) },
    { kind: "search", label: "search (API), 80% unique queries", next: () => `/api/v1/search?q=${rand() < 0.8 ? uniqueQuery() : popular()}` },
    { kind: "feed", label: "feeds", next: zipf(LOCALES.flatMap((l) => ["rss", "atom", "json"].map((f) => `/feeds/${l}.${f}`)).concat(LANGS.map((l) => `/feeds/en.rss?lang=${l}`))) },
    { kind: "listing", label: "reader listing pages", next: zipf(LOCALES.flatMap((l) => [`/${l}/`, `/${l}/?page=2`, `/${l}/?lang=${LANGS[LOCALES.indexOf(l) % LANGS.length]}`])) },
    { kind: "detail", label: "reader article pages", next: zipf(ids.flatMap((id) => [`/en/news/${id}`, `/fr/news/${id}`])) },
    { kind: "search", label: "reader search pages, 80% unique", next: () => `/en/search?q=${rand() < 0.8 ? uniqueQuery() : popular()}` },
    { kind: "sources", label: "source lists", next: zipf(["/api/v1/sources", ...LANGS.map((l) => `/api/v1/sources?lang=${l}`), ...LOCALES.map((l) => `/${l}/sources`)]) },
    { kind: "sitemap", label: "sitemaps", next: zipf(["/sitemap.xml", "/sitemap-news.xml", ...LOCALES.map((l) => `/sitemaps/${l}-1.xml`)]) },
  ];
}

async function kvWritesPerKind(origin, ids) {
  const rows = [];
  for (const w of workloads(ids)) {
    await state(origin, {});
    const counts = { hit: 0, miss: 0, stale: 0, uncached: 0, errors: 0 };
    let sent = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (sent < REQUESTS) {
          sent++;
          const r = await get(origin, w.next());
          counts[r.outcome]++;
          if (r.status >= 400) counts.errors++;
        }
      }),
    );
    const after = await settled(origin);
    const row = { label: w.label, kind: w.kind, requests: REQUESTS, ...counts, kvWrites: after.puts.answers ?? 0 };
    rows.push(row);
    console.log(`  ${w.label.padEnd(34)} misses ${String(counts.miss).padStart(4)}  KV writes ${String(row.kvWrites).padStart(4)}  (errors ${counts.errors})`);
  }
  return rows;
}

/** Readers at a steady rate over popular addresses while the cron refreshes every cycle. */
async function refreshCycles(origin, refresh, ids, swr) {
  await state(origin, { swr });
  const addresses = [
    "/api/v1/articles",
    ...LANGS.map((l) => `/api/v1/articles?lang=${l}`),
    "/feeds/en.rss",
    "/feeds/fr.atom",
    ...LANGS.map((l) => `/feeds/${l}.json?lang=${l}`),
    "/en/",
    "/fr/",
    "/es/",
    "/ru/",
    "/ar/",
    "/api/v1/articles?page=2",
    ...ids.slice(0, 20).map((id) => `/api/v1/articles/${id}`),
    "/api/v1/sources",
    "/en/sources",
    "/sitemap-news.xml",
  ];
  // Every popular address is in the tiers when the cycles start: the misses counted are the refreshes'.
  for (const address of addresses) await get(origin, address);
  await settled(origin);
  const popular = zipf(addresses);
  const counts = { hit: 0, miss: 0, stale: 0, uncached: 0 };
  const afterRefresh = { requests: 0, miss: 0, stale: 0 };
  let lastRefresh = -Infinity;
  const started = Date.now();
  const pending = new Set();
  const refreshes = [];
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    const cycleStart = started + cycle * CYCLE_MS;
    // The cron: every publisher has two new items, then one refresh of all sources.
    for (const s of SOURCES) items[s.id] += 2;
    refreshes.push(
      refresh().then(() => {
        lastRefresh = Date.now();
      }),
    );
    for (let t = cycleStart; t < cycleStart + CYCLE_MS; t += 1000 / RATE) {
      const wait = t - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (pending.size > 200) continue;
      const request = get(origin, popular()).then((r) => {
        counts[r.outcome]++;
        if (Date.now() - lastRefresh < 10_000) {
          afterRefresh.requests++;
          if (r.outcome === "miss") afterRefresh.miss++;
          if (r.outcome === "stale") afterRefresh.stale++;
        }
      });
      pending.add(request);
      request.finally(() => pending.delete(request));
    }
  }
  await Promise.all([...pending, ...refreshes]);
  const requests = counts.hit + counts.miss + counts.stale + counts.uncached;
  return { swr, requests, ...counts, missRate: counts.miss / requests, afterRefresh };
}

const workDir = path.join(RESULTS_DIR, ".build", "tiers-work");
await rm(workDir, { recursive: true, force: true });
await mkdir(workDir, { recursive: true });
const build = await buildWorker(path.join(RESULTS_DIR, ".build", "tiers-worker"));
const routes = Object.fromEntries(
  SOURCES.map((s) => [
    `/${s.id}.xml`,
    (_req, res) => {
      res.writeHead(200, { "content-type": "application/rss+xml" });
      res.end(feedOf(s));
    },
  ]),
);
const upstream = await startUpstream({ root: workDir, routes });
const common = { compatibilityDate: COMPATIBILITY_DATE, compatibilityFlags: ["nodejs_compat"] };
const refresher = {
  name: "refresher",
  modules: true,
  scriptPath: build.scriptPath,
  modulesRoot: path.dirname(build.scriptPath),
  modulesRules: [{ type: "Text", include: ["**/*.toml"] }],
  ...common,
  d1Databases: { DB: D1_ID },
  kvNamespaces: ["CACHE"],
  bindings: { ADMIN_TOKEN, ALLOW_PRIVATE_UPSTREAMS: "true", PUBLIC_BASE_URL: "" },
};
const app = await startApp({ scriptPath: build.scriptPath, d1Dir: path.join(workDir, "d1"), kvDir: path.join(workDir, "kv"), wrapper: COUNTING_WRAPPER, hello: false, extraWorkers: [refresher] });
try {
  const db = await app.db();
  await applyMigrations(db);
  const cron = await app.mf.getWorker("refresher");
  const admin = (p, init = {}) => cron.fetch(`http://bench.test${p}`, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json", ...init.headers } });
  for (const s of SOURCES) {
    const res = await admin("/api/v1/sources", { method: "POST", body: JSON.stringify({ id: s.id, name: `Publisher ${s.id}`, url: `${upstream.origin}/${s.id}.xml` }) });
    if (res.status !== 201) throw new Error(`source ${s.id}: ${res.status} ${await res.text()}`);
  }
  const refresh = async () => {
    const res = await admin("/api/v1/admin/refresh?force=true", { method: "POST" });
    const body = await res.json();
    if (res.status !== 200 || body.data.sources.some((s) => s.status !== "ok")) throw new Error(`refresh: ${res.status} ${JSON.stringify(body).slice(0, 400)}`);
  };
  await refresh();
  // Past the version cache of the readers' isolate (5 s), so it reads what the refresh published.
  await new Promise((r) => setTimeout(r, 6_000));
  const ids = (await db.prepare("SELECT id FROM articles ORDER BY published_at DESC").all()).results.map((r) => r.id);
  console.log(`KV writes per ${REQUESTS} requests of each kind (${ids.length} articles, ${SOURCES.length} sources, ${CONCURRENCY} at once)`);
  const kinds = await kvWritesPerKind(app.origin, ids);
  console.log(`Miss rate: ${CYCLES} cycles of ${CYCLE_MS / 1000} s (a 15-minute cron cycle scaled down), ${RATE} readers/s over popular addresses, one refresh per cycle`);
  const cycles = [];
  for (const swr of [true, false]) {
    const r = await refreshCycles(app.origin, refresh, ids, swr);
    cycles.push(r);
    console.log(
      `  SWR ${swr ? "on " : "off"}: ${r.requests} requests, misses ${r.miss} (${(r.missRate * 100).toFixed(2)}%), served stale ${r.stale}; in the 10 s after each refresh: ${r.afterRefresh.requests} requests, ${r.afterRefresh.miss} misses, ${r.afterRefresh.stale} stale`,
    );
  }
  const out = path.join(RESULTS_DIR, `tiers-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  await mkdir(RESULTS_DIR, { recursive: true });
  await (await import("node:fs/promises")).writeFile(out, JSON.stringify({ kinds, cycles }, null, 2));
  console.log(`results: ${path.relative(process.cwd(), out)}`);
} finally {
  await app.dispose().catch(() => {});
  await upstream.close().catch(() => {});
  await rm(workDir, { recursive: true, force: true }).catch(() => {});
}
