// HTTP load runs with autocannon against the harness: fixed connections, fixed duration,
// loopback only. "Uncached" endpoints are sent under a new host name on every request
// (`Host: m<n>.miss.test`): every cache tier keys on the origin (answers embed it), so each
// request is a miss. A query parameter the app ignores no longer does that: the response
// cache files such a request under the address without it (Content-Location), a hit.
import http from "node:http";
import { Worker } from "node:worker_threads";
import autocannon from "autocannon";
import { APP_LIKE_HEADERS, D1_FLOOR_PATH, EDGE_MISS_FLOOR_PATH, HEADERS_FLOOR_PATH, HELLO_PATH, KV_FLOOR_PATH, KV_MISS_FLOOR_PATH, MISS_PUT_FLOOR_PATH, MISS_READS_FLOOR_PATH, RANK_FLOOR_PATH, STATIC_FLOOR_PATH } from "./harness.mjs";
import { BROAD_WORD, MEDIUM_WORD, NARROW_WORD } from "./words.mjs";
import { median } from "./stats.mjs";

/**
 * The endpoints measured, in table order. `uncached`: a new host name per request;
 * `cached`: the same URL every time, served from the response cache after the first request.
 */
export function endpoints({ detailId }) {
  return [
    { key: "hello", label: "hello-world (runtime limit)", path: HELLO_PATH, kind: "baseline" },
    { key: "static_floor", label: "floor: 10 KB static body, no app code", path: STATIC_FLOOR_PATH, kind: "baseline" },
    { key: "headers_floor", label: `floor: 7 KB JSON + ${APP_LIKE_HEADERS.length} headers, no app code`, path: HEADERS_FLOOR_PATH, kind: "baseline" },
    { key: "kv_floor", label: "floor: 2 KV reads, no app code", path: KV_FLOOR_PATH, kind: "baseline" },
    { key: "d1_floor", label: "floor: 1 D1 round trip, no app code", path: D1_FLOOR_PATH, kind: "baseline" },
    { key: "miss_reads_floor", label: "floor: Cache API miss + KV miss + 1 D1 round trip, no app code", path: MISS_READS_FLOOR_PATH, kind: "baseline" },
    { key: "miss_put_floor", label: "floor: Cache API miss + 1 D1 round trip + Cache API put, no app code", path: MISS_PUT_FLOOR_PATH, kind: "baseline" },
    { key: "kv_miss_floor", label: "floor: KV miss + 1 D1 round trip, no app code", path: KV_MISS_FLOOR_PATH, kind: "baseline" },
    { key: "edge_miss_floor", label: "floor: Cache API miss + 1 D1 round trip, no app code", path: EDGE_MISS_FLOOR_PATH, kind: "baseline" },
    { key: "rank_floor", label: `floor: search broad "${BROAD_WORD}" statements alone, no app code`, path: RANK_FLOOR_PATH, kind: "baseline" },
    { key: "listing_cached", label: "listing, cached", path: "/api/v1/articles?per_page=10", kind: "cached" },
    { key: "detail_cached", label: "detail, cached", path: detailId ? `/api/v1/articles/${detailId}` : null, kind: "cached" },
    { key: "page_cached", label: "HTML page /en/, cached", path: "/en/", kind: "cached" },
    { key: "listing_uncached", label: "listing, uncached", path: "/api/v1/articles?per_page=10", kind: "uncached" },
    { key: "listing_deep", label: "listing page 50, uncached", path: "/api/v1/articles?per_page=10&page=50", kind: "uncached" },
    { key: "search_narrow", label: `search narrow "${NARROW_WORD}", uncached`, path: `/api/v1/search?q=${NARROW_WORD}`, kind: "uncached" },
    { key: "search_medium", label: `search medium "${MEDIUM_WORD}", uncached`, path: `/api/v1/search?q=${MEDIUM_WORD}`, kind: "uncached" },
    { key: "search_broad", label: `search broad "${BROAD_WORD}", uncached`, path: `/api/v1/search?q=${BROAD_WORD}`, kind: "uncached" },
    { key: "search_broad_lang", label: `search broad "${BROAD_WORD}" lang=en, uncached`, path: `/api/v1/search?q=${BROAD_WORD}&lang=en`, kind: "uncached" },
    { key: "feed_uncached", label: "feed /feeds/en.rss, uncached", path: "/feeds/en.rss", kind: "uncached" },
    { key: "page_uncached", label: "HTML page /en/, uncached", path: "/en/", kind: "uncached" },
  ];
}

/**
 * The statements the app sends for the broad search row (page 1, relevance, no filters), as
 * src/search/plan.ts plans them, for the floor that runs them alone. `app`: the Node build of
 * the app's modules (build.mjs, buildNodeModules).
 */
export function broadSearchStatements(app) {
  const parsed = app.parseSearchQuery(BROAD_WORD, { inflect: true });
  const scope = { languages: [], sources: [], from: null, to: null };
  const { page, total } = app.searchStatements({ expression: parsed.match, exclude: false, sort: "relevance", scope, limit: 10, offset: 0 });
  return [page, total];
}

/** "HIT" or "MISS" from the app's `Cache-Status` entry (RFC 9211); null without one. */
export function cacheVerdict(res) {
  const entry = res.headers.get("cache-status")?.split(",").find((e) => e.trim().startsWith("edge-news;"));
  if (!entry) return null;
  const params = entry.split(";").slice(1).map((p) => p.trim().split("=")[0]);
  return params.includes("hit") ? "HIT" : "MISS";
}

let missCounter = 0;
/** The path of the next request of an endpoint (the same every time: see missHost). */
export function nextPath(ep) {
  return ep.path;
}

/** The Host header of the next request: a new name for an uncached endpoint, else null. */
export function missHost(ep) {
  if (ep.kind !== "uncached") return null;
  missCounter = (missCounter + 1) % 1_000_000_000;
  return `m${Date.now().toString(36)}${missCounter.toString(36)}.miss.test`;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** GET with a Host header of our choosing (fetch does not let a caller set it); answers a standard Response. */
function getOnce(origin, path, host) {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = http.get({ hostname, port, path, agent, headers: { host: host ?? `${hostname}:${port}`, "accept-language": "en" } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) headers.set(name, Array.isArray(value) ? value.join(", ") : String(value));
        resolve(new Response(res.statusCode === 304 || res.statusCode === 204 ? null : Buffer.concat(chunks), { status: res.statusCode, headers }));
      });
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

/**
 * One GET over a kept-alive connection. The server may close an idle one just as it is reused
 * (the request then fails before any answer): a GET is asked again once, on a new connection.
 */
export async function getWithHost(origin, path, host) {
  try {
    return await getOnce(origin, path, host);
  } catch (err) {
    if (err?.code !== "ECONNRESET") throw err;
    return getOnce(origin, path, host);
  }
}

/** One request of an endpoint as the load sends it (a miss for an uncached one). */
export function requestOf(origin, ep) {
  return getWithHost(origin, nextPath(ep), missHost(ep));
}

/** One request of a path under a new host name: a miss in every cache tier. */
export function missRequest(origin, path) {
  return getWithHost(origin, path, missHost({ kind: "uncached" }));
}

/**
 * Checks an endpoint answers before loading it: a 404 (route not there yet) is reported as
 * missing, other non-200 answers as an error; cached endpoints are primed until a HIT shows.
 */
export async function preflight(origin, ep) {
  if (!ep.path) return { ok: false, status: null, note: "no article to show" };
  const get = () => requestOf(origin, ep);
  let res;
  try {
    res = await get();
  } catch (err) {
    return { ok: false, status: null, note: `request failed: ${String(err.message ?? err).slice(0, 100)}` };
  }
  const body = await res.text();
  if (res.status === 404) return { ok: false, status: 404, note: "route missing (404)" };
  if (res.status !== 200) return { ok: false, status: res.status, note: `answers ${res.status}` };
  const info = { ok: true, status: 200, bytes: Buffer.byteLength(body), cache: cacheVerdict(res) };
  if (ep.path.startsWith("/api/v1/search")) {
    try {
      info.matches = JSON.parse(body).meta?.total ?? null;
    } catch {}
  }
  if (ep.kind === "cached") {
    // The first answer is stored after it is sent (waitUntil): wait for the HIT.
    info.cache = null;
    for (let i = 0; i < 30 && info.cache !== "HIT"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const again = await get();
      await again.arrayBuffer();
      info.cache = cacheVerdict(again) ?? "(no cache-status header)";
    }
  }
  return info;
}

/**
 * Service time: requests one after another on one connection (no queueing), median of
 * `count` after a few unrecorded ones. Separates what a request costs from how requests
 * queue behind each other under load (D1 runs one database's queries one at a time).
 */
export async function serviceTime(origin, ep, { count = 20, warm = 3 } = {}) {
  const times = [];
  for (let i = 0; i < count + warm; i++) {
    const started = performance.now();
    const res = await requestOf(origin, ep);
    await res.arrayBuffer();
    if (i >= warm) times.push(performance.now() - started);
  }
  return median(times);
}

/** The value below which a fraction `f` of sorted numbers lie (nearest rank). */
export function quantile(sorted, f) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * f))] : null;
}

/**
 * Service time of one endpoint on two (or more) instances at once, their requests interleaved
 * in blocks: `block` requests to one instance, then to the next, the order flipped every round
 * so neither always goes first, one connection each. Drift in the machine's load then falls on
 * both alike, which sequential runs minutes apart cannot promise: this is what corpus scaling
 * is judged by. The first request of each block is not recorded: it pays for waking the
 * instance's process up (with blocks of one, both medians rose from 6.4 to 9.6 ms in a probe;
 * a fixed cost like that would flatter any ratio).
 * Returns, per origin, p25/p50/p75 in ms of at least `count` recorded requests.
 */
export async function interleavedServiceTimes(origins, ep, { count = 100, block = 10 } = {}) {
  const times = origins.map(() => []);
  for (let round = 0; times[0].length < count; round++) {
    const order = origins.map((_, i) => i);
    if (round % 2) order.reverse();
    for (const i of order) {
      for (let j = 0; j <= block; j++) {
        const started = performance.now();
        const res = await requestOf(origins[i], ep);
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${ep.label}: ${origins[i]} answered ${res.status}`);
        if (j > 0) times[i].push(performance.now() - started);
      }
    }
  }
  return times.map((t) => {
    t.sort((a, b) => a - b);
    return { n: t.length, p25: quantile(t, 0.25), p50: quantile(t, 0.5), p75: quantile(t, 0.75) };
  });
}

/** What the load sends next for an endpoint: its path, and a new host name when uncached. */
export function targetOf(ep) {
  return { path: nextPath(ep), host: missHost(ep) };
}

/** One autocannon run; resolves with the figures that matter. Bounded by `seconds`. `pathFor` answers a path or a `targetOf`. */
export function load(origin, pathFor, { seconds, connections = 10 }) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: origin,
        connections,
        duration: seconds,
        timeout: 10,
        headers: { "accept-language": "en" },
        requests: [
          {
            method: "GET",
            setupRequest: (req) => {
              const next = pathFor();
              if (typeof next === "string") return { ...req, path: next };
              return { ...req, path: next.path, headers: next.host ? { ...req.headers, host: next.host } : req.headers };
            },
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve(summarize(result))),
    );
    // Never let autocannon print its own tables.
    instance.on("error", () => {});
  });
}

/**
 * Several runs of one endpoint as one: requests and time add up; p50 and mean are
 * request-weighted; p99 is the median of the runs' p99s (`p99Max` the worst). A p99 from a
 * few seconds of load is mostly where this shared machine's hiccups fell: in a probe's four
 * rounds of 2 s, four cached endpoints had p99s of 21–39 ms in the first round and 4–12 ms
 * after, and hello-world 12–19 ms in every round. The worst round reports the hiccup.
 */
export function mergeRuns(runs) {
  const total = runs.reduce((n, x) => n + x.total, 0);
  const seconds = runs.reduce((n, x) => n + x.seconds, 0);
  const weighted = (key) => (total ? runs.reduce((n, x) => n + x[key] * x.total, 0) / total : 0);
  const sum = (key) => runs.reduce((n, x) => n + x[key], 0);
  return {
    rps: seconds ? total / seconds : 0,
    p50: Math.round(weighted("p50")),
    p99: median(runs.map((x) => x.p99)),
    p99Max: Math.max(...runs.map((x) => x.p99)),
    mean: weighted("mean"),
    total,
    non2xx: sum("non2xx"),
    errors: sum("errors"),
    timeouts: sum("timeouts"),
    seconds,
  };
}

export function summarize(r) {
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    mean: r.latency.mean,
    total: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    seconds: r.duration,
  };
}

/**
 * Measures every endpoint at one corpus size: preflight, a short warm-up, then the timed
 * run. On a shared machine the load of the neighbours drifts, so each endpoint is paired
 * with a short hello-world run right before it, and its ratio uses that adjacent baseline;
 * with `rounds` > 1, cached and floor endpoints alternate with hello-world `rounds` times and
 * their ratio is the median of the adjacent pairs (helloRps is then rps / that median).
 * Returns a map key → result (or { missing / error }).
 */
export async function measureEndpoints(origin, eps, { seconds, warmup, connections, pairSeconds = 0, rounds = 1, serialRequests = 0, log = () => {} }) {
  const out = {};
  const hello = eps.find((e) => e.key === "hello");
  for (const ep of eps) {
    const pre = await preflight(origin, ep);
    if (!pre.ok) {
      out[ep.key] = { label: ep.label, path: ep.path, missing: pre.status === 404, error: pre.note };
      log(`    ${ep.label}: ${pre.note}`);
      continue;
    }
    if (warmup > 0) await load(origin, () => targetOf(ep), { seconds: warmup, connections });
    const pairs = hello && ep !== hello && pairSeconds > 0;
    let r;
    let paired = null;
    let ratios = null;
    if (pairs && ep.kind !== "uncached" && rounds > 1) {
      // Fast endpoints run within a few percent of the runtime's limit, where the drift of a
      // shared machine's load over seconds is as large as the effect measured: alternate short
      // hello-world and endpoint runs, and take the median of the adjacent ratios.
      const runs = [];
      for (let round = 0; round < rounds; round++) {
        const base = await load(origin, () => hello.path, { seconds: Math.max(1, pairSeconds / rounds * 2), connections });
        const run = await load(origin, () => targetOf(ep), { seconds: Math.max(1, seconds / rounds), connections });
        runs.push({ base, run });
      }
      ratios = runs.map(({ base, run }) => run.rps / base.rps).sort((a, b) => a - b);
      r = mergeRuns(runs.map((x) => x.run));
      // No hello-world run lasted as long as the endpoint's: its rate here is derived from the ratio.
      paired = { rps: r.rps / median(ratios), p99: mergeRuns(runs.map((x) => x.base)).p99, derived: true };
    } else {
      paired = pairs ? await load(origin, () => hello.path, { seconds: pairSeconds, connections }) : null;
      r = await load(origin, () => targetOf(ep), { seconds, connections });
    }
    const serialP50 = ep.kind === "uncached" && serialRequests > 0 ? await serviceTime(origin, ep, { count: serialRequests }) : null;
    out[ep.key] = {
      label: ep.label,
      path: ep.path,
      kind: ep.kind,
      ...r,
      helloRps: paired?.rps ?? null,
      helloDerived: paired?.derived ?? false,
      helloP99: paired?.p99 ?? null,
      roundRatios: ratios,
      serialP50,
      bytes: pre.bytes,
      cache: pre.cache,
      matches: pre.matches,
    };
    const ratio = paired?.rps ? `  ${(r.rps / paired.rps).toFixed(2)}× hello (${Math.round(paired.rps)}${paired.derived ? ", derived" : ""})` : "";
    const serial = serialP50 ? `  (1 connection: p50 ${serialP50.toFixed(1)} ms)` : "";
    log(`    ${ep.label.padEnd(44)} ${Math.round(r.rps).toString().padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms${ratio}${serial}${r.non2xx ? `  non-2xx ${r.non2xx}` : ""}`);
  }
  return out;
}

/**
 * Memory under a mixed load: every second (in a worker thread, see sampler.mjs) workerd's RSS
 * and, given the inspector URL of the app, its isolate's used JS heap, while `seconds` of
 * traffic rotate over the endpoints. The heap retained after a forced full collection is read
 * before the load, between its two halves, and after it.
 */
export async function memoryUnderLoad(origin, eps, { seconds, connections, pid, wsUrl = null, settleMs = 2000 }) {
  const usable = eps.filter((e) => e.path && e.kind !== "baseline");
  let i = 0;
  const pathFor = () => targetOf(usable[i++ % usable.length]);
  const samples = [];
  const sampler = new Worker(new URL("./sampler.mjs", import.meta.url), { workerData: { pid, wsUrl, maxSamples: Math.ceil(seconds) + 60 } });
  const done = new Promise((resolve) => sampler.on("exit", resolve));
  let heapAvailable = false;
  const waiting = new Map();
  const ready = new Promise((resolve, reject) => {
    sampler.on("error", reject);
    sampler.on("message", (m) => {
      if (m.type === "ready") {
        heapAvailable = m.heap;
        resolve();
      } else if (m.type === "sample") samples.push(m.sample);
      else if (m.type === "retained") waiting.get(m.tag)?.(m.heap);
    });
  });
  const retained = (tag) =>
    heapAvailable
      ? Promise.race([
          new Promise((resolve) => {
            waiting.set(tag, resolve);
            sampler.postMessage({ type: "retained", tag });
          }),
          new Promise((resolve) => setTimeout(() => resolve(null), 60_000)),
        ])
      : null;
  await ready;
  await new Promise((r) => setTimeout(r, 1500));
  const before = samples[samples.length - 1] ?? { rss: null, heap: null };
  const from = samples.length;
  const kept = { before: await retained("before"), middle: null, after: null };
  let result;
  try {
    const first = await load(origin, pathFor, { seconds: seconds / 2, connections });
    kept.middle = await retained("middle");
    const second = await load(origin, pathFor, { seconds: seconds / 2, connections });
    result = mergeRuns([first, second]);
  } finally {
    await new Promise((r) => setTimeout(r, settleMs));
    kept.after = await retained("after");
    sampler.postMessage("stop");
    await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
    await sampler.terminate();
  }
  const during = samples.slice(from);
  const after = during[during.length - 1] ?? { rss: null, heap: null };
  return {
    before: before.rss,
    after: after.rss,
    heapBefore: before.heap,
    heapAfter: after.heap,
    heapAvailable,
    samples: during,
    ...analyseMemory(before.rss, during, after.rss, kept),
    load: result,
  };
}

const HEAP_FLAT_BYTES = 5 * 2 ** 20;
/** Retained heap may grow this much over the second half of the load and still be flat. */
const RETAINED_FLAT_BYTES = 2 * 2 ** 20;

/**
 * RSS: peak and growth over the second half (least-squares slope). Heap: given `retained`
 * (used heap after a forced full collection before, midway through and after the load), flat
 * means the second half added less than 2 MB: the first half holds the warm-up (code, the
 * memory tier filling up to its bound). Without it, the troughs (the lowest reading of a
 * quarter of the run) judge: the last quarter's less than 5 MB above the second quarter's.
 * Without heap samples, RSS decides: under 5% (and 16 MB) growth over the second half.
 */
export function analyseMemory(before, samples, after, retained = null) {
  const rssSamples = samples.filter((s) => s.rss);
  const peak = Math.max(before ?? 0, after ?? 0, ...rssSamples.map((s) => s.rss));
  const half = rssSamples.slice(Math.floor(rssSamples.length / 2));
  let slopePerMin = 0;
  if (half.length >= 3) {
    const n = half.length;
    const mt = half.reduce((a, s) => a + s.t, 0) / n;
    const mr = half.reduce((a, s) => a + s.rss, 0) / n;
    const num = half.reduce((a, s) => a + (s.t - mt) * (s.rss - mr), 0);
    const den = half.reduce((a, s) => a + (s.t - mt) ** 2, 0);
    slopePerMin = den ? (num / den) * 60 : 0;
  }
  const mid = half[0]?.rss ?? before ?? 0;
  const end = rssSamples[rssSamples.length - 1]?.rss ?? after ?? 0;
  const growthSecondHalf = end - mid;
  const out = { peak, slopePerMin, growthSecondHalf };

  if (retained?.middle && retained?.after) {
    out.retainedBefore = retained.before;
    out.retainedMiddle = retained.middle;
    out.retainedAfter = retained.after;
    out.retainedGrowth = retained.after - retained.middle;
  }
  const heaps = samples.filter((s) => s.heap);
  if (heaps.length >= 4) {
    const q = Math.max(1, Math.floor(heaps.length / 4));
    out.heapFirstTrough = Math.min(...heaps.slice(q, 2 * q).map((s) => s.heap));
    out.heapLastTrough = Math.min(...heaps.slice(-q).map((s) => s.heap));
    out.heapPeak = Math.max(...heaps.map((s) => s.heap));
    out.heapGrowth = out.heapLastTrough - out.heapFirstTrough;
    out.flat = out.heapGrowth < HEAP_FLAT_BYTES;
    out.flatBy = "isolate heap troughs";
  }
  if (out.retainedGrowth !== undefined) {
    out.flat = out.retainedGrowth < RETAINED_FLAT_BYTES;
    out.flatBy = "isolate heap retained after a full collection";
  } else if (out.heapFirstTrough === undefined) {
    out.flat = mid > 0 ? growthSecondHalf < Math.min(0.05 * mid, 16 * 2 ** 20) : null;
    out.flatBy = "workerd RSS";
  }
  return out;
}
