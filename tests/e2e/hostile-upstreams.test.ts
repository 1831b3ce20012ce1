// Every hostile upstream of the suite, refreshed through the stack a user runs (`npm start`:
// wrangler's local dev server, local D1 and KV), while a reader keeps using the instance: each
// source must end as its own error in the run report within the fetch timeout, and every
// other request must keep answering 200 meanwhile.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
// @ts-expect-error plain ESM module shared with `npm start`, typed by its JSDoc
import { startUpstream } from "../../demo/upstream.mjs";
import { hostileRoutes } from "../support/hostile-upstream";

const baseUrl = inject("baseUrl");
const adminToken = inject("adminToken");
const fetchTimeoutMs = inject("fetchTimeoutMs");
/** How long a reader may wait for any answer while a hostile refresh runs. */
const READER_PATIENCE_MS = 5000;
/** Room for the run's own bookkeeping (D1 writes) on top of the fetch timeout. */
const RUN_OVERHEAD_MS = 3000;

const admin = { authorization: `Bearer ${adminToken}`, "content-type": "application/json" };
let upstream: { origin: string; close: () => Promise<void> };

/** The hostile sources and the error code each must end with (null: any per-source error). */
const HOSTILE: { id: string; path: string; code: string | null; httpStatus?: number }[] = [
  { id: "h-never-ending", path: "/hostile/never-ending", code: "timeout" },
  { id: "h-no-headers", path: "/hostile/no-headers", code: "timeout" },
  { id: "h-60mb", path: "/hostile/60mb", code: "too_large", httpStatus: 200 },
  { id: "h-gzip-bomb", path: "/hostile/gzip-bomb", code: "too_large" },
  { id: "h-redirect-loop", path: "/hostile/redirect-loop", code: "too_many_redirects" },
  { id: "h-redirect-metadata", path: "/hostile/redirect-to-metadata", code: "blocked_url" },
  { id: "h-429", path: "/hostile/429", code: "rate_limited", httpStatus: 429 },
  { id: "h-500", path: "/hostile/500", code: "http_error", httpStatus: 500 },
];

interface Outcome {
  id: string;
  status: string;
  http_status: number | null;
  error: { code: string; message: string } | null;
  duration_ms: number;
}

/** Refreshes through the admin API; gives up after `patienceMs`, so a wedged instance fails fast. */
async function refresh(query: string, patienceMs = 2 * fetchTimeoutMs + 5000): Promise<Outcome[]> {
  const res = await fetch(`${baseUrl}/api/v1/admin/refresh?${query}`, { method: "POST", headers: admin, signal: AbortSignal.timeout(patienceMs) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { sources: Outcome[] } }).data.sources;
}

/**
 * Runs `work` while a reader uses the instance: health check and article listing in turn, each
 * bounded by READER_PATIENCE_MS. Its own client address keeps it in its own rate-limit window.
 */
async function whileReading<T>(clientIp: string, work: () => Promise<T>) {
  const failures: string[] = [];
  let answered = 0;
  let stopped = false;
  const loop = (async () => {
    for (let i = 0; !stopped && i < 1000; i++) {
      const target = i % 2 ? "/api/v1/articles?per_page=5" : "/healthz";
      const status = await fetch(`${baseUrl}${target}`, { headers: { "cf-connecting-ip": clientIp }, signal: AbortSignal.timeout(READER_PATIENCE_MS) }).then(
        async (res) => (await res.arrayBuffer(), res.status),
        (err: Error) => err.name,
      );
      if (status === 200) answered++;
      else failures.push(`${target}: ${status}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  })();
  try {
    return { result: await work(), answered, failures };
  } finally {
    stopped = true;
    await loop;
  }
}

beforeAll(async () => {
  upstream = await startUpstream({ root: path.join(import.meta.dirname, "..", "fixtures", "feeds"), routes: hostileRoutes() });
  for (const { id, path: feedPath } of [...HOSTILE, { id: "h-billion-laughs", path: "/hostile/billion-laughs" }]) {
    const res = await fetch(`${baseUrl}/api/v1/sources`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ id, name: `Hostile ${id}`, url: `${upstream.origin}${feedPath}`, language: "en" }),
    });
    expect(res.status, `register ${id}`).toBe(201);
  }
});

afterAll(async () => {
  // The stack outlives this file: leave its other tests only the demo sources.
  for (const id of [...HOSTILE.map((h) => h.id), "h-billion-laughs"]) {
    await fetch(`${baseUrl}/api/v1/sources/${id}?purge=true`, { method: "DELETE", headers: admin, signal: AbortSignal.timeout(5000) }).catch(() => {});
  }
  await upstream?.close();
});

describe("hostile upstreams through the local stack", () => {
  HOSTILE.forEach(({ id, code, httpStatus }, n) => {
    it(`${id} ends as a per-source ${code} error while the instance keeps answering`, async () => {
      const seen = await whileReading(`198.51.100.${n + 1}`, () => refresh(`source=${id}&force=true`));
      const outcome = seen.result.find((o) => o.id === id);
      expect(outcome).toMatchObject({ status: "error", error: { code } });
      if (httpStatus) expect(outcome?.http_status).toBe(httpStatus);
      expect(outcome!.duration_ms).toBeLessThanOrEqual(fetchTimeoutMs + RUN_OVERHEAD_MS);
      expect(seen.failures).toEqual([]);
      expect(seen.answered).toBeGreaterThan(0);
    });
  });

  it("a billion-laughs feed is answered without expanding its entities", async () => {
    const [outcome] = await refresh("source=h-billion-laughs&force=true");
    expect(outcome?.id).toBe("h-billion-laughs");
    expect(outcome!.duration_ms).toBeLessThanOrEqual(fetchTimeoutMs + RUN_OVERHEAD_MS);
    const listing = (await (await fetch(`${baseUrl}/api/v1/articles?source=h-billion-laughs`, { headers: admin })).json()) as { data: { title: string }[] };
    for (const article of listing.data) expect(article.title).not.toContain("lollol");
  });

  it("one run over every source records each hostile one as an error and still refreshes the demo feeds", async () => {
    const seen = await whileReading("198.51.100.99", () => refresh("force=true", HOSTILE.length * fetchTimeoutMs + 30_000));
    const outcomes = seen.result;
    for (const { id, code } of HOSTILE) expect(outcomes.find((o) => o.id === id), id).toMatchObject({ status: "error", error: { code } });
    const demo = outcomes.filter((o) => !o.id.startsWith("h-"));
    expect(demo.length).toBeGreaterThan(0);
    for (const o of demo) expect(["ok", "not_modified"], o.id).toContain(o.status);
    expect(seen.failures).toEqual([]);
  });
});
