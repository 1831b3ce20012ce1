import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { sharedKeys, STALE_MAX_MS } from "../../src/cache/keys";
import type { Bindings } from "../../src/env";
import { ADMIN, addSource, cacheOf, fetchSettled, getJsonSettled, setMutableFeed, tierOf } from "../support/worker";

/** A feed of this file's own publisher; `edition` changes every title, so a refresh changes content. */
function rss(edition: string, count = 8): string {
  const items = Array.from(
    { length: count },
    (_, i) => `<item><title>Tiered story ${i} ${edition}</title><guid>t${i}</guid><link>https://tiers.example.org/t${i}</link><pubDate>Mon, 30 Nov 2026 1${i % 10}:00:00 GMT</pubDate><description>Tiered summary ${i}</description></item>`,
  );
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Tiers</title><link>https://tiers.example.org/</link><language>en</language>${items.join("")}</channel></rss>`;
}

/** Refreshes the source and waits for the versions to be published to KV. */
async function refreshSettled(): Promise<void> {
  const res = await fetchSettled("/api/v1/admin/refresh?source=tiers&force=true", { method: "POST", headers: ADMIN });
  const { data } = (await res.json()) as { data: { sources: { status: string }[] } };
  expect(data.sources[0]?.status, JSON.stringify(data)).toBe("ok");
}

async function edition(name: string): Promise<void> {
  // The loopback upstream closes idle connections after 1 s; a PUT that raced that close is sent again.
  await setMutableFeed("tiers", rss(name)).catch(() => setMutableFeed("tiers", rss(name)));
  await refreshSettled();
}

/** Another isolate of this Worker: its own memory and its own copy of the versions, read from KV. */
async function otherIsolate(): Promise<ExportedHandler<Bindings>> {
  vi.resetModules();
  return (await import("../../src/index")).default as ExportedHandler<Bindings>;
}

/** A request through `isolate`, returning once the work it deferred (stores, rebuilds) is done. */
async function callIn(isolate: ExportedHandler<Bindings>, path: string, bindings: Bindings = env): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await isolate.fetch!(new Request(`http://app.test${path}`) as Request<unknown, IncomingRequestCfProperties>, bindings, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** The KV binding with `method` calls recorded (the key of each). */
function watchedKv(method: "get" | "put"): { bindings: Bindings; keys: string[] } {
  const keys: string[] = [];
  const kv = new Proxy(env.CACHE, {
    get(target, name) {
      if (name === method) return (key: string, ...rest: unknown[]) => (keys.push(key), (target[method] as (...a: unknown[]) => unknown).call(target, key, ...rest));
      const value = Reflect.get(target, name) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { bindings: { ...env, CACHE: kv }, keys };
}

/** The KV keys of stored answers. */
async function kvAnswers(): Promise<string[]> {
  return (await env.CACHE.list({ prefix: "resp:" })).keys.map((k) => k.name);
}

const status = (res: Response) => res.headers.get("cache-status");

beforeAll(async () => {
  await setMutableFeed("tiers", rss("first"));
  await addSource("tiers", "/mutable/tiers");
  await refreshSettled();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("which tiers keep which answer", () => {
  it("writes listings, feeds, sources and listing pages to KV only, and searches, details and deep pages to the Cache API only", async () => {
    const id = (await getJsonSettled("/api/v1/articles?source=tiers&per_page=1")).body.data[0].id as string;
    const cases: [string, boolean][] = [
      ["/api/v1/articles?source=tiers&per_page=2", true],
      ["/feeds/en.rss?source=tiers", true],
      ["/api/v1/sources?q=tier", true],
      ["/en/?source=tiers", true],
      ["/api/v1/search?q=tiered&source=tiers", false],
      ["/en/search?q=tiered", false],
      [`/api/v1/articles/${id}`, false],
      ["/api/v1/articles?source=tiers&per_page=1&page=6", false],
    ];
    for (const [path, inKv] of cases) {
      const res = await fetchSettled(path);
      expect(res.status, path).toBe(200);
      expect(cacheOf(res), path).toBe("MISS");
      // The second request is what admits an answer to the shared tiers.
      expect(tierOf(await fetchSettled(path)), path).toBe("memory");
      const keys = await sharedKeys("en", new URL(`http://app.test${path}`));
      expect((await kvAnswers()).includes(keys.kv), path).toBe(inKv);
      // One shared tier per kind: a kind kept in KV is not copied to this location's Cache API.
      expect((await caches.default.match(keys.edge)) !== undefined, path).toBe(!inKv);
    }
  });

  it("does not even look in KV for a kind it never writes there", async () => {
    const path = "/api/v1/search?q=summary&source=tiers";
    const keys = await sharedKeys("en", new URL(`http://app.test${path}`));
    const { bindings, keys: reads } = watchedKv("get");
    const res = await callIn(await otherIsolate(), path, bindings);
    expect(cacheOf(res)).toBe("MISS");
    expect(reads).not.toContain(keys.kv);
    expect(await kvAnswers()).not.toContain(keys.kv);
  });
});

describe("admission to the shared tiers: on the second request", () => {
  it("keeps an answer asked for once out of the Cache API and KV, and writes it when it is asked for again", async () => {
    const cases: [string, "kv" | "edge"][] = [
      ["/api/v1/articles?source=tiers&per_page=2&lang=en", "kv"],
      ["/api/v1/search?q=tiered&source=tiers&per_page=2", "edge"],
    ];
    for (const [path, tier] of cases) {
      const keys = await sharedKeys("en", new URL(`http://app.test${path}`));
      const isolate = await otherIsolate();
      const miss = await callIn(isolate, path);
      expect(status(miss), path).toBe("edge-news; fwd=uri-miss; stored");
      expect(await caches.default.match(keys.edge), path).toBeUndefined();
      expect(await kvAnswers(), path).not.toContain(keys.kv);

      const hit = await callIn(isolate, path);
      expect(status(hit), path).toBe("edge-news; hit; detail=memory");
      expect(await hit.text(), path).toBe(await miss.text());
      expect((await caches.default.match(keys.edge)) !== undefined, path).toBe(tier === "edge");
      expect((await kvAnswers()).includes(keys.kv), path).toBe(tier === "kv");
      // Once: a third request writes nothing more.
      const { bindings, keys: puts } = watchedKv("put");
      expect(tierOf(await callIn(isolate, path, bindings)), path).toBe("memory");
      expect(puts, path).toHaveLength(0);
      // Another isolate now reads it from its kind's shared tier.
      expect(tierOf(await callIn(await otherIsolate(), path)), path).toBe(tier);
    }
  });

  it("writes at once an answer memory does not keep (filed under another address)", async () => {
    const listing = await sharedKeys("en", new URL("http://app.test/api/v1/articles?source=tiers&per_page=3&lang=en"));
    const miss = await callIn(await otherIsolate(), "/api/v1/articles?source=tiers&per_page=3&lang=en&utm_source=letter");
    expect(status(miss)).toBe("edge-news; fwd=uri-miss; stored");
    expect(await kvAnswers()).toContain(listing.kv);
    const search = await sharedKeys("en", new URL("http://app.test/api/v1/search?q=tiered&source=tiers&per_page=3"));
    const searched = await callIn(await otherIsolate(), "/api/v1/search?q=tiered&source=tiers&per_page=3&utm_source=letter");
    expect(status(searched)).toBe("edge-news; fwd=uri-miss; stored");
    expect(await caches.default.match(search.edge)).toBeDefined();
  });
});

describe("stale-while-revalidate after a refresh", () => {
  it("serves the entry a refresh retired, marked stale, and the next read gets the new content", async () => {
    await edition("second");
    const listing = "/api/v1/articles?source=tiers&per_page=3";
    const id = (await getJsonSettled("/api/v1/articles?source=tiers&per_page=1")).body.data[0].id as string;
    const detail = `/api/v1/articles/${id}`;
    for (const path of [listing, detail]) {
      expect(await (await fetchSettled(path)).text()).toContain("second");
      // Asked for twice, so it is in the shared tiers (admission.ts).
      await fetchSettled(path);
    }

    await edition("third");
    // The isolate that refreshed serves what it wrote at once; another one knows only KV.
    const reader = await otherIsolate();
    const tiers: [string, "kv" | "edge"][] = [[listing, "kv"], [detail, "edge"]];
    for (const [path, tier] of tiers) {
      const stale = await callIn(reader, path);
      expect(status(stale), path).toBe(`edge-news; hit; fwd=stale; detail=${tier}`);
      const body = await stale.text();
      expect(body, path).toContain("second");
      expect(body, path).not.toContain("third");

      const fresh = await callIn(reader, path);
      expect(status(fresh), path).toBe("edge-news; hit; detail=memory");
      expect(await fresh.text(), path).toContain("third");
    }
    // The rebuild replaced the shared entries too: a third isolate reads the new content from them.
    const third = await callIn(await otherIsolate(), listing);
    expect(tierOf(third)).toBe("kv");
    expect(status(third)).not.toContain("stale");
    expect(await third.text()).toContain("third");
    const keys = await sharedKeys("en", new URL(`http://app.test${listing}`));
    expect(await env.CACHE.get(keys.kv)).toContain("third");
  });

  it("rebuilds a stale entry once however many readers get it at once", async () => {
    const path = "/api/v1/articles?source=tiers&per_page=4";
    await fetchSettled(path);
    await fetchSettled(path);
    await edition("fourth");
    const keys = await sharedKeys("en", new URL(`http://app.test${path}`));
    const { bindings: counted, keys: puts } = watchedKv("put");
    const reader = await otherIsolate();
    const ctx = createExecutionContext();
    const answers = await Promise.all(Array.from({ length: 5 }, () => reader.fetch!(new Request(`http://app.test${path}`) as Request<unknown, IncomingRequestCfProperties>, counted, ctx)));
    await waitOnExecutionContext(ctx);
    for (const res of answers) expect(status(res)).toBe("edge-news; hit; fwd=stale; detail=kv");
    expect(puts.filter((key) => key === keys.kv)).toHaveLength(1);
    expect(await env.CACHE.get(keys.kv)).toContain("fourth");
  });

  it("does not serve a stale entry once its bound has passed", async () => {
    const path = "/api/v1/articles?source=tiers&per_page=5";
    expect(await (await fetchSettled(path)).text()).not.toContain("fifth");
    await edition("fifth");
    const reader = await otherIsolate();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + STALE_MAX_MS + 1_000);
    const res = await callIn(reader, path);
    expect(status(res)).toBe("edge-news; fwd=uri-miss; stored");
    expect(await res.text()).toContain("fifth");
  });

  it("does not serve an answer stale after a source was renamed", async () => {
    const path = "/api/v1/articles?source=tiers&per_page=6";
    await fetchSettled(path);
    const renamed = await fetchSettled("/api/v1/sources/tiers", { method: "PATCH", headers: { ...ADMIN, "content-type": "application/json" }, body: JSON.stringify({ name: "Renamed tiers" }) });
    expect(renamed.status).toBe(200);
    const res = await callIn(await otherIsolate(), path);
    expect(status(res)).toBe("edge-news; fwd=uri-miss; stored");
    expect(await res.text()).toContain("Renamed tiers");
  });
});
