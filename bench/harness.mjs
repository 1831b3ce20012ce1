// The one harness every figure is measured with: the production bundle in workerd through
// Miniflare (local D1 and KV), on 127.0.0.1. The hello-world baseline is a second worker in
// the same Miniflare, reached through the same entry socket, so it pays the same routing.
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { Miniflare } from "miniflare";
import { ROOT } from "./build.mjs";

export const COMPATIBILITY_DATE = "2026-04-26";
export const D1_ID = "bench-db";
export const ADMIN_TOKEN = "bench-token";
export const HELLO_PATH = "/__bench/hello";
export const KV_FLOOR_PATH = "/__bench/kv";
export const D1_FLOOR_PATH = "/__bench/d1";
export const STATIC_FLOOR_PATH = "/__bench/static";
export const HEADERS_FLOOR_PATH = "/__bench/headers";
/** What a miss must pay on this platform beside D1: the shared-tier lookups, and a write after it. */
export const MISS_READS_FLOOR_PATH = "/__bench/miss-reads";
export const MISS_PUT_FLOOR_PATH = "/__bench/miss-put";
/** What a miss of each kind must pay here, by the one shared tier its kind is kept in (src/cache/keys.ts). */
export const KV_MISS_FLOOR_PATH = "/__bench/kv-miss";
export const EDGE_MISS_FLOOR_PATH = "/__bench/edge-miss";
/** The broad search's own statements (page and exact total, as the app plans them), and nothing else. */
export const RANK_FLOOR_PATH = "/__bench/rank";

/** The header set a cached API answer carries (content, cache, paging, CORS, security). */
export const APP_LIKE_HEADERS = [
  ["content-type", "application/json; charset=utf-8"],
  ["cache-control", "public, max-age=60, stale-while-revalidate=300"],
  ["content-security-policy", "default-src 'none'; frame-ancestors 'none'"],
  ["x-content-type-options", "nosniff"],
  ["etag", '"abcdef0123456789abcdef0123456789abcdef01"'],
  ["link", '<http://127.0.0.1/api/v1/articles?per_page=10>; rel="first", <http://127.0.0.1/api/v1/articles?per_page=10&page=2>; rel="next", <http://127.0.0.1/api/v1/articles?per_page=10&page=1000>; rel="last"'],
  ["x-total-count", "10000"],
  ["x-total-pages", "1000"],
  ["access-control-allow-origin", "*"],
  ["access-control-expose-headers", "Link,X-Total-Count,X-Total-Pages,ETag,Retry-After,x-d1-bookmark"],
  ["vary", "Accept-Language"],
  ["content-language", "en"],
  ["cache-status", "edge-news; hit; detail=memory"],
];

const HELLO_WORKER = `const BODY = "<p>static</p>".repeat(10240 / 13);
const HEADERS = new Headers(${JSON.stringify(APP_LIKE_HEADERS)});
const JSON_BODY = new TextEncoder().encode(JSON.stringify({ data: Array.from({ length: 10 }, (_, i) => ({ id: i, title: "x".repeat(700) })) }));
export default {
  fetch(request) {
    const { pathname } = new URL(request.url);
    if (pathname === "${STATIC_FLOOR_PATH}") return new Response(BODY, { headers: { "content-type": "text/html" } });
    if (pathname === "${HEADERS_FLOOR_PATH}") return new Response(JSON_BODY, { headers: HEADERS });
    return new Response("Hello World!", { headers: { "content-type": "text/plain" } });
  },
};`;

/**
 * Floors of the local runtime, for reading the app's figures: what two KV reads (a cache hit
 * reads the content version and the entry) and one D1 round trip cost here, with no app code;
 * and what a miss must pay beside its D1 round trip: the one lookup of its kind's shared tier
 * that finds nothing (KV, or the Cache API: src/cache/keys.ts); both lookups (every miss before
 * each kind had one shared tier); or a Cache API lookup and a Cache API put of a 7 KB entry after
 * the answer (a miss written at once, as before admission.ts). And the broad search's own
 * statements alone (`rankStatements`: page and exact total as the app plans them), the floor of
 * that row.
 * (The hello worker also serves a 10 KB static body, the cost of bytes alone, and a 7 KB JSON
 * body with the headers a cached API answer carries, the floor of any cached response.)
 */
const PROBE_WORKER = `const VALUE = "x".repeat(10240);
const ENTRY = "x".repeat(7168);
// Every lookup is of a key never written, as a miss's is.
const RUN = Math.random().toString(36).slice(2);
let n = 0;
export default {
  async fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    if (pathname === "${RANK_FLOOR_PATH}") {
      if (!env.RANK_SQL) return new Response("no ranking statements given", { status: 404 });
      const [rows] = await env.DB.batch(JSON.parse(env.RANK_SQL).map((s) => env.DB.prepare(s.sql).bind(...s.params)));
      return new Response(JSON.stringify(rows.results), { headers: { "content-type": "application/json" } });
    }
    if (pathname === "${KV_MISS_FLOOR_PATH}" || pathname === "${EDGE_MISS_FLOOR_PATH}") {
      const key = "https://floor.test/" + RUN + "/" + n++;
      if (pathname === "${EDGE_MISS_FLOOR_PATH}") await caches.default.match(key);
      else await env.CACHE.get("bench:miss:" + key);
      const row = await env.DB.prepare("SELECT 1 AS one").first();
      return new Response(JSON.stringify(row), { headers: { "content-type": "application/json" } });
    }
    if (pathname === "${MISS_READS_FLOOR_PATH}" || pathname === "${MISS_PUT_FLOOR_PATH}") {
      const key = "https://floor.test/" + RUN + "/" + n++;
      await caches.default.match(key);
      if (pathname === "${MISS_READS_FLOOR_PATH}") await env.CACHE.get("bench:miss:" + key);
      const row = await env.DB.prepare("SELECT 1 AS one").first();
      if (pathname === "${MISS_PUT_FLOOR_PATH}") {
        ctx.waitUntil(caches.default.put(key, new Response(ENTRY, { headers: { "cache-control": "max-age=600" } })));
      }
      return new Response(JSON.stringify(row), { headers: { "content-type": "application/json" } });
    }
    if (pathname === "${KV_FLOOR_PATH}") {
      await env.CACHE.get("bench:probe-version");
      let hit = await env.CACHE.getWithMetadata("bench:probe", "text");
      if (hit.value === null) {
        await env.CACHE.put("bench:probe", VALUE, { metadata: { headers: [] } });
        hit = { value: VALUE };
      }
      return new Response(hit.value, { headers: { "content-type": "text/plain" } });
    }
    const row = await env.DB.prepare("SELECT 1 AS one").first();
    return new Response(JSON.stringify(row), { headers: { "content-type": "application/json" } });
  },
};`;

/** The migration files in order, each with a content hash and its statements (split the way drizzle writes them). */
export async function migrationFiles(dir = path.join(ROOT, "migrations")) {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort();
  const out = [];
  for (const name of files) {
    const sql = await readFile(path.join(dir, name), "utf8");
    const statements = sql.split("--> statement-breakpoint").map((s) => s.trim()).filter(Boolean);
    out.push({ name, sha: createHash("sha256").update(sql).digest("hex").slice(0, 16), statements });
  }
  return out;
}

/** Applies migrations (all, or the given ones) through a D1 binding. */
export async function applyMigrations(db, migrations) {
  for (const m of migrations ?? (await migrationFiles())) {
    for (const sql of m.statements) await db.prepare(sql).run();
  }
}

/** PIDs of this process's direct children named workerd. */
async function workerdChildren() {
  const found = new Set();
  let entries = [];
  try {
    entries = await readdir("/proc");
  } catch {
    return found;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = await readFile(`/proc/${e}/stat`, "utf8");
      // pid (comm) state ppid ...
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const ppid = Number(stat.slice(close + 2).split(" ")[1]);
      if (ppid === process.pid && comm.startsWith("workerd")) found.add(Number(e));
    } catch {}
  }
  return found;
}

/** Resident set size of a process in bytes (VmRSS), or null if it cannot be read. */
export async function rssBytes(pid) {
  if (!pid) return null;
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * CPU seconds (user + system) the process has used so far, or null if it cannot be read. On
 * this stack workerd runs the Worker, local D1, KV and the Cache API in one process, so the
 * difference over a load run divided by its requests is what one request costs the machine,
 * all of it: a figure that moves far less with other processes' load than a rate does.
 */
export async function cpuSeconds(pid) {
  if (!pid) return null;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * Starts the production bundle in workerd.
 * @param {{ scriptPath: string, d1Dir: string, kvDir: string, bindings?: Record<string,string>,
 *           wrapper?: string, hello?: boolean, extraWorkers?: object[], inspector?: boolean,
 *           workerOptions?: object }} opts
 *   wrapper: source of a module that imports "./index.js" (the bundle) and is the entry instead.
 *   workerOptions: Miniflare options of the app worker (e.g. `cache: false`, no Cache API).
 */
export async function startApp({ scriptPath, d1Dir, kvDir, bindings = {}, wrapper, hello = true, extraWorkers = [], inspector = false, queues = null, workerOptions = {}, rankStatements = null }) {
  const before = await workerdChildren();
  const dir = path.dirname(scriptPath);
  const common = { compatibilityDate: COMPATIBILITY_DATE, compatibilityFlags: ["nodejs_compat"] };
  const appBindings = { ADMIN_TOKEN, ALLOW_PRIVATE_UPSTREAMS: "true", PUBLIC_BASE_URL: "", ...bindings };
  // The bundle imports wrangler.toml as text (the Worker reads its rate-limit settings from it).
  const textModules = await Promise.all(
    (await readdir(dir)).filter((f) => f.endsWith(".toml")).map(async (f) => ({ type: "Text", path: path.join(dir, f), contents: await readFile(path.join(dir, f), "utf8") })),
  );
  const app = wrapper
    ? {
        name: "app",
        modules: [
          { type: "ESModule", path: path.join(dir, "bench-entry.mjs"), contents: wrapper },
          { type: "ESModule", path: scriptPath, contents: await readFile(scriptPath, "utf8") },
          ...textModules,
        ],
        modulesRoot: dir,
      }
    : { name: "app", modules: true, scriptPath, modulesRoot: dir, modulesRules: [{ type: "Text", include: ["**/*.toml"] }] };
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    d1Persist: d1Dir,
    kvPersist: kvDir,
    ...(inspector ? { inspectorPort: 0 } : {}),
    workers: [
      {
        ...app,
        ...common,
        d1Databases: { DB: D1_ID },
        kvNamespaces: ["CACHE"],
        bindings: appBindings,
        // Local queues: { producers: { BINDING: name }, consumers: { name: options } }.
        ...(queues ? { queueProducers: queues.producers, queueConsumers: queues.consumers } : {}),
        ...workerOptions,
      },
      ...(hello
        ? [
            { name: "hello", modules: true, script: HELLO_WORKER, ...common, routes: [`*${HELLO_PATH}`, `*${STATIC_FLOOR_PATH}`, `*${HEADERS_FLOOR_PATH}`] },
            {
              name: "probe",
              modules: true,
              script: PROBE_WORKER,
              ...common,
              routes: [`*${KV_FLOOR_PATH}`, `*${D1_FLOOR_PATH}`, `*${MISS_READS_FLOOR_PATH}`, `*${MISS_PUT_FLOOR_PATH}`, `*${KV_MISS_FLOOR_PATH}`, `*${EDGE_MISS_FLOOR_PATH}`, `*${RANK_FLOOR_PATH}`],
              ...(rankStatements ? { bindings: { RANK_SQL: JSON.stringify(rankStatements) } } : {}),
              d1Databases: { DB: D1_ID },
              kvNamespaces: ["CACHE"],
            },
          ]
        : []),
      ...extraWorkers,
    ],
  });
  let url;
  try {
    url = await mf.ready;
  } catch (err) {
    await mf.dispose().catch(() => {});
    throw err;
  }
  const after = await workerdChildren();
  const pid = [...after].find((p) => !before.has(p)) ?? null;
  const origin = url.origin;
  return {
    mf,
    origin,
    pid,
    db: () => mf.getD1Database("DB", "app"),
    rss: () => rssBytes(pid),
    cpu: () => cpuSeconds(pid),
    /** The inspector WebSocket URL of the app isolate (needs `inspector: true`). */
    inspectorUrl: async () => {
      const { targetUrl } = await import("./inspector.mjs");
      return targetUrl(mf, "app");
    },
    dispose: () => mf.dispose(),
  };
}

/** Polls `fn` until it returns a truthy value or the time is up (bounded loop). */
export async function waitFor(fn, { timeoutMs = 5000, intervalMs = 100 } = {}) {
  const until = Date.now() + timeoutMs;
  for (let i = 0; i < 10_000 && Date.now() < until; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return null;
}
