import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CONTENT_VERSION_KEY } from "../../src/cache/keys";
import { contentChanged } from "../../src/cache/version";
import type { Bindings } from "../../src/env";
import worker from "../../src/index";
import { faultyD1, faultyEdgeCache, faultyKv, type Switch } from "../support/faults";
import { addSource, refreshNow } from "../support/worker";

type Worker = typeof worker;

/**
 * Calls a Worker with the given bindings; unless `settle` is false (a store that never ends),
 * waits for what it deferred, so stores are done on return.
 */
async function call(target: Worker, bindings: Bindings, path: string, settle = true): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await target.fetch!(new Request(`http://app.test${path}`), bindings, ctx);
  const body = await res.arrayBuffer();
  if (settle) await waitOnExecutionContext(ctx);
  return new Response(res.status === 304 ? null : body, res);
}

const kvSwitch: Switch = { fault: "none" };
const d1Switch: Switch = { fault: "none" };
const faulty = (): Bindings => ({ ...(env as Bindings), CACHE: faultyKv(env.CACHE, kvSwitch), DB: faultyD1(env.DB, d1Switch) });

/** The Worker as a new isolate starts it: no content version known, empty memory. */
async function freshWorker(): Promise<Worker> {
  vi.resetModules();
  return (await import("../../src/index")).default;
}

let uniq = 0;
/** A listing address no other test has asked for, so no tier holds it yet. */
const fresh = () => `/api/v1/articles?per_page=${(uniq++ % 90) + 5}&lang=${["en", "fr"][uniq % 2]}&page=${Math.floor(uniq / 90) + 1}`;

beforeAll(async () => {
  await addSource("fault-en", "/basic/en.xml");
  await addSource("fault-fr", "/basic/fr.atom");
  expect((await refreshNow()).status).toBe(200);
});

afterEach(() => {
  kvSwitch.fault = "none";
  d1Switch.fault = "none";
});

describe("a failing or slow KV", () => {
  it("leaves every request answered, uncached from D1, when no content version is known", async () => {
    const isolate = await freshWorker();
    const expected = await (await call(isolate, faulty(), "/api/v1/articles?per_page=3")).text();
    const restarted = await freshWorker();
    kvSwitch.fault = "error";
    const health = await call(restarted, faulty(), "/healthz");
    expect(health.status).toBe(200);
    const res = await call(restarted, faulty(), "/api/v1/articles?per_page=3");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-status")).toBe("edge-news; fwd=miss; detail=kv-error");
    expect(await res.text()).toBe(expected);
    const page = await call(restarted, faulty(), "/fr/");
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-status")).toBe("edge-news; fwd=miss; detail=kv-error");
  });

  it("gives up on a KV that does not answer and says so", async () => {
    const restarted = await freshWorker();
    kvSwitch.fault = "hang";
    const res = await call(restarted, faulty(), "/api/v1/articles?per_page=4");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-status")).toBe("edge-news; fwd=miss; detail=kv-timeout");
    expect((await call(restarted, faulty(), "/healthz")).status).toBe(200);
  });

  it("keeps the known version and the memory tier when KV fails later", async () => {
    const isolate = await freshWorker();
    const path = fresh();
    const first = await call(isolate, faulty(), path);
    expect(first.headers.get("cache-status")).toBe("edge-news; fwd=uri-miss; stored");
    kvSwitch.fault = "error";
    const again = await call(isolate, faulty(), path);
    expect(again.headers.get("cache-status")).toBe("edge-news; hit; detail=memory");
    expect(await again.text()).toBe(await first.text());
  });

  it("answers a miss from D1 when the KV entry cannot be read, and still files the answer", async () => {
    const isolate = await freshWorker();
    await call(isolate, faulty(), "/api/v1/articles?per_page=1");
    kvSwitch.fault = "error";
    const res = await call(isolate, faulty(), fresh());
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-status")).toBe("edge-news; fwd=miss; stored; detail=kv-error");
  });
});

describe("a failing Cache API", () => {
  it("costs a kind kept there a miss to D1 that names the fault", async () => {
    const edge: Switch = { fault: "error" };
    const restore = faultyEdgeCache(edge);
    try {
      const failed = await call(await freshWorker(), faulty(), "/api/v1/search?q=edgefault");
      expect(failed.status).toBe(200);
      expect(failed.headers.get("cache-status")).toBe("edge-news; fwd=miss; stored; detail=edge-error");
      edge.fault = "hang";
      const slow = await call(await freshWorker(), faulty(), "/api/v1/search?q=edgehang", false);
      expect(slow.status).toBe(200);
      expect(slow.headers.get("cache-status")).toBe("edge-news; fwd=miss; stored; detail=edge-timeout");
    } finally {
      restore();
    }
  });

  it("does not touch a kind kept in KV, which answers at once", async () => {
    const path = fresh();
    const first = await freshWorker();
    const stored = await call(first, faulty(), path);
    expect(stored.headers.get("cache-status")).toBe("edge-news; fwd=uri-miss; stored");
    // Its second request admits it to its shared tier (admission.ts).
    expect((await call(first, faulty(), path)).headers.get("cache-status")).toBe("edge-news; hit; detail=memory");
    const edge: Switch = { fault: "hang" };
    const restore = faultyEdgeCache(edge);
    try {
      const res = await call(await freshWorker(), faulty(), path, false);
      expect(res.headers.get("cache-status")).toBe("edge-news; hit; detail=kv");
      expect(await res.text()).toBe(await stored.text());
      const missing = await call(await freshWorker(), faulty(), fresh(), false);
      expect(missing.status).toBe(200);
      expect(missing.headers.get("cache-status")).toBe("edge-news; fwd=uri-miss; stored");
    } finally {
      restore();
    }
  });
});

describe("an unavailable D1", () => {
  it("answers 503 problems with Retry-After, never a 500", async () => {
    const isolate = await freshWorker();
    d1Switch.fault = "error";
    for (const path of [fresh(), "/api/v1/sources", "/api/v1/search?q=unreachable", "/healthz"]) {
      const res = await call(isolate, faulty(), path);
      expect(res.status, path).toBe(503);
      expect(res.headers.get("content-type"), path).toBe("application/problem+json; charset=utf-8");
      expect(res.headers.get("retry-after"), path).toMatch(/^\d+$/);
      expect(await res.json(), path).toMatchObject({ status: 503, code: "storage_unavailable" });
    }
  });

  it("shows readers an error page with Retry-After", async () => {
    d1Switch.fault = "error";
    const res = await call(await freshWorker(), faulty(), "/es/?page=2");
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
  });

  it("still serves what the cache holds", async () => {
    const isolate = await freshWorker();
    const path = fresh();
    const first = await call(isolate, faulty(), path);
    d1Switch.fault = "error";
    const fromMemory = await call(isolate, faulty(), path);
    expect(fromMemory.status).toBe(200);
    expect(await fromMemory.text()).toBe(await first.text());
    const fromKv = await call(await freshWorker(), faulty(), path);
    expect(fromKv.status).toBe(200);
    expect(fromKv.headers.get("cache-status")).toBe("edge-news; hit; detail=kv");
  });
});

describe("a content change whose version bump fails", () => {
  it("is made good by the next cron run", async () => {
    const before = await env.CACHE.get(CONTENT_VERSION_KEY);
    kvSwitch.fault = "error";
    await contentChanged(faulty(), { kind: "source-deleted", id: "gone" });
    kvSwitch.fault = "none";
    expect(await env.CACHE.get(CONTENT_VERSION_KEY)).toBe(before);

    const ctx = createExecutionContext();
    await worker.scheduled!(createScheduledController({ cron: "*/15 * * * *", scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    const after = await env.CACHE.get(CONTENT_VERSION_KEY);
    expect(after).not.toBe(before);
    expect(JSON.parse(after!).parts["*"]).toBeGreaterThan(JSON.parse(before ?? '{"parts":{}}').parts["*"] ?? 0);
  });

  it("is not made again when the bump succeeded", async () => {
    await contentChanged(env, { kind: "search-index" });
    const bumped = await env.CACHE.get(CONTENT_VERSION_KEY);
    const ctx = createExecutionContext();
    await worker.scheduled!(createScheduledController({ cron: "*/15 * * * *", scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await env.CACHE.get(CONTENT_VERSION_KEY)).toBe(bumped);
  });

  it("retires nothing when the write changed nothing shown", async () => {
    const before = await env.CACHE.get(CONTENT_VERSION_KEY);
    await contentChanged(env, { kind: "articles", stored: 0 });
    await contentChanged(env, { kind: "articles", stored: 0, health: 0 });
    await contentChanged(env, { kind: "source-updated", id: "fault-en", fields: [] });
    expect(await env.CACHE.get(CONTENT_VERSION_KEY)).toBe(before);
    // GET /sources shows every field of a source, so any change retires cached answers.
    await contentChanged(env, { kind: "source-updated", id: "fault-en", fields: ["enabled"] });
    expect(await env.CACHE.get(CONTENT_VERSION_KEY)).not.toBe(before);
  });
});

describe("a failing or slow rate limiter", () => {
  it("lets the request through rather than failing it", async () => {
    const limiters = [() => Promise.reject(new Error("rate limiter unavailable")), () => new Promise<never>(() => {})];
    for (const limit of limiters) {
      const bindings: Bindings = { ...faulty(), RATE_LIMITER: { limit } as unknown as RateLimit };
      const request = new Request(`http://app.test${fresh()}`, { headers: { "cf-connecting-ip": "198.51.100.7" } }) as Request<unknown, IncomingRequestCfProperties>;
      const res = await (await freshWorker()).fetch!(request, bindings, createExecutionContext());
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-status")).toBe("edge-news; fwd=uri-miss; stored");
    }
  });
});

describe("a failing or slow D1 read replica", () => {
  it("is passed over for the primary", async () => {
    const replica: Switch = { fault: "none" };
    const primary: Switch = { fault: "none" };
    const bindings: Bindings = { ...(env as Bindings), DB: faultyD1(env.DB, replica, primary) };
    const path = fresh();
    const expected = await (await call(await freshWorker(), bindings, path, false)).text();
    for (const fault of ["error", "hang"] as const) {
      replica.fault = fault;
      const res = await call(await freshWorker(), { ...bindings, CACHE: faultyKv(env.CACHE, { fault: "error" }) }, path, false);
      expect(res.status, fault).toBe(200);
      expect(await res.text(), fault).toBe(expected);
      expect((await call(await freshWorker(), bindings, "/healthz", false)).status, fault).toBe(200);
    }
    primary.fault = "error";
    expect((await call(await freshWorker(), bindings, "/healthz", false)).status).toBe(503);
  });
});
