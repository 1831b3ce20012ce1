import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { encodeEntry } from "../../src/cache/entry";
import { CONTENT_VERSION_KEY, sharedKeys } from "../../src/cache/keys";
import { dependenciesOf, stampOf } from "../../src/cache/partitions";
import worker from "../../src/index";
import { ADMIN, cacheOf, getJson, refreshNow, tierOf } from "../support/worker";

/**
 * A publisher this file alone controls: its feed is answered in-process (the refresh runs in
 * this isolate), so editing a story here cannot disturb other test files.
 */
const PUBLISHER = "https://publisher.cache-test.example";
const realFetch = globalThis.fetch;
let feed = { body: "", version: 0 };

function publish(items: { guid: string; title: string; summary: string }[]) {
  feed = {
    version: feed.version + 1,
    body: `<?xml version="1.0"?><rss version="2.0"><channel><title>Publisher</title><link>${PUBLISHER}/</link><language>en</language>
${items.map((i) => `<item><title>${i.title}</title><guid>${i.guid}</guid><link>${PUBLISHER}/${i.guid}</link><pubDate>Tue, 01 Dec 2026 10:00:00 GMT</pubDate><description>${i.summary}</description></item>`).join("\n")}
</channel></rss>`,
  };
}

beforeAll(async () => {
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin !== PUBLISHER) return realFetch(input, init);
    const etag = `"v${feed.version}"`;
    if (new Headers(init?.headers).get("if-none-match") === etag) return new Response(null, { status: 304, headers: { etag } });
    return new Response(feed.body, { headers: { "content-type": "application/rss+xml", etag } });
  });
  publish([
    { guid: "s1", title: "Original headline", summary: "First version of the story" },
    { guid: "s2", title: "Second story", summary: "Unchanged" },
  ]);
  const created = await SELF.fetch("http://app.test/api/v1/sources", {
    method: "POST",
    headers: { ...ADMIN, "content-type": "application/json" },
    body: JSON.stringify({ id: "pub", name: "Publisher", url: `${PUBLISHER}/feed.xml` }),
  });
  expect(created.status).toBe(201);
  const { report } = await refreshNow("source=pub");
  expect(report.sources[0]).toMatchObject({ status: "ok", new: 2 });
});

afterAll(() => {
  vi.restoreAllMocks();
});

const get = (path: string, headers: Record<string, string> = {}) => SELF.fetch(`http://app.test${path}`, { headers, redirect: "manual" });

/** Calls the Worker directly, so the writes it defers until after responding are done on return. */
async function settled(path: string): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch!(new Request(`http://app.test${path}`), env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/**
 * A miss and then a memory hit, each settled: an answer reaches the shared tiers on its second
 * request (admission.ts). Returns the miss.
 */
async function sharedBy(path: string): Promise<Response> {
  const miss = await settled(path);
  const hit = await settled(path);
  expect(cacheOf(miss), path).toBe("MISS");
  expect(tierOf(hit), path).toBe("memory");
  return miss;
}

/** The version the answer at `path` is filed under now, as every isolate reads it from KV. */
const version = async (path = "/api/v1/articles") => {
  const versions = JSON.parse((await env.CACHE.get(CONTENT_VERSION_KEY)) ?? '{"floor":0,"parts":{}}');
  return stampOf(versions, dependenciesOf(`http://app.test${path}`));
};

/** Files a response for `path` (in `locale`) under the current version, as another isolate would have; returns its keys. */
async function storedElsewhere(path: string, locale: "en" | "fr", headers: [string, string][], body: string) {
  const keys = await sharedKeys(locale, new URL(`http://app.test${path}`));
  return { keys, entry: encodeEntry({ version: await version(path), headers, body: new TextEncoder().encode(body) }) };
}

describe("the response cache", () => {
  it("answers a repeated request from isolate memory with the same body and headers", async () => {
    const first = await get("/api/v1/articles?source=pub&per_page=1");
    const second = await get("/api/v1/articles?source=pub&per_page=1");
    expect(cacheOf(first)).toBe("MISS");
    expect(cacheOf(second)).toBe("HIT");
    expect(tierOf(second)).toBe("memory");
    // RFC 9211 syntax: the cache's name, then its parameters.
    expect(first.headers.get("cache-status")).toBe("edge-news; fwd=uri-miss; stored");
    expect(second.headers.get("cache-status")).toBe("edge-news; hit; detail=memory");
    expect(await second.text()).toBe(await first.text());
    for (const name of ["etag", "link", "x-total-count", "x-total-pages", "cache-control", "content-type", "content-language", "vary", "content-security-policy", "access-control-allow-origin"]) {
      expect(second.headers.get(name), name).toBe(first.headers.get(name));
    }
    expect(second.headers.get("x-d1-bookmark")).toBeNull();
  });

  it("shares one stored entry between orderings of the same query", async () => {
    const first = await sharedBy("/api/v1/articles?lang=en&source=pub&per_page=2");
    const reordered = await get("/api/v1/articles?per_page=2&source=pub&lang=en");
    expect(cacheOf(first)).toBe("MISS");
    expect(cacheOf(reordered)).toBe("HIT");
    expect(await reordered.text()).toBe(await first.text());
  });

  it("answers If-None-Match from memory with an empty 304", async () => {
    const first = await get("/api/v1/articles?source=pub&per_page=3");
    await first.arrayBuffer();
    const again = await get("/api/v1/articles?source=pub&per_page=3", { "if-none-match": first.headers.get("etag")! });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(first.headers.get("etag"));
    expect(again.headers.get("cache-control")).toBe(first.headers.get("cache-control"));
    expect(again.headers.get("x-total-count")).toBeNull();
  });

  it("keeps one memory entry per Accept-Language the API negotiates from", async () => {
    const ru = await getJson("/api/v1/articles?source=pub&per_page=4", { headers: { "accept-language": "ru" } });
    const ko = await getJson("/api/v1/articles?source=pub&per_page=4", { headers: { "accept-language": "ko" } });
    const ruAgain = await getJson("/api/v1/articles?source=pub&per_page=4", { headers: { "accept-language": "ru" } });
    expect([ru.body.meta.locale, ko.body.meta.locale, ruAgain.body.meta.locale]).toEqual(["ru", "ko", "ru"]);
    expect(tierOf(ruAgain.res)).toBe("memory");
    expect(ruAgain.res.headers.get("content-language")).toBe("ru");
  });

  it("stores a listing in KV with the current version, and not in the location's Cache API as well", async () => {
    const res = await sharedBy("/api/v1/articles?source=pub&per_page=7");
    const keys = await sharedKeys("en", new URL("http://app.test/api/v1/articles?per_page=7&source=pub"));
    expect(keys.kv).toBe("resp:en:http://app.test/api/v1/articles?per_page=7&source=pub");
    const stored = await env.CACHE.get(keys.kv);
    expect(stored?.endsWith(await res.text())).toBe(true);
    expect(stored?.startsWith(`{"v":${await version("/api/v1/articles?source=pub")},`)).toBe(true);
    expect(await caches.default.match(keys.edge)).toBeUndefined();
  });

  it("serves an entry that another isolate stored in KV, then keeps it in isolate memory", async () => {
    const { keys, entry } = await storedElsewhere("/api/v1/articles?source=pub&per_page=8", "en", [["content-type", "application/json"], ["etag", '"from-kv"']], '{"data":[],"from":"kv"}');
    await env.CACHE.put(keys.kv, entry);

    const fromKv = await settled("/api/v1/articles?source=pub&per_page=8");
    expect(tierOf(fromKv)).toBe("kv");
    expect(fromKv.headers.get("etag")).toBe('"from-kv"');
    expect(await fromKv.text()).toBe('{"data":[],"from":"kv"}');
    // KV serves a key read often from the location's own cache: no Cache API copy is made.
    expect(await caches.default.match(keys.edge)).toBeUndefined();
    expect(tierOf(await get("/api/v1/articles?source=pub&per_page=8"))).toBe("memory");
  });

  it("replays a reader page from a shared tier with the page's own security headers", async () => {
    const { keys, entry } = await storedElsewhere("/fr/?page=1&sort=x", "fr", [["content-type", "text/html; charset=utf-8"], ["etag", '"page-kv"']], "<!doctype html><p>from kv</p>");
    await env.CACHE.put(keys.kv, entry);
    const res = await settled("/fr/?page=1&sort=x");
    expect(tierOf(res)).toBe("kv");
    expect(await res.text()).toBe("<!doctype html><p>from kv</p>");
    expect(res.headers.get("content-security-policy")).toContain("form-action 'self'");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect(res.headers.get("content-language")).toBe("fr");
  });

  it("serves a search from an entry found in the location's Cache API", async () => {
    const { keys, entry } = await storedElsewhere("/api/v1/search?q=edgeentry", "en", [["content-type", "application/json"]], '{"from":"edge"}');
    await caches.default.put(keys.edge, new Response(entry, { headers: { "cache-control": "max-age=600" } }));
    const res = await get("/api/v1/search?q=edgeentry");
    expect(tierOf(res)).toBe("edge");
    expect(await res.text()).toBe('{"from":"edge"}');
  });

  it("caches detail, search, feeds and pages as well as listings", async () => {
    const id = (await getJson("/api/v1/articles?source=pub&per_page=1")).body.data[0].id;
    for (const path of [`/api/v1/articles/${id}`, "/api/v1/search?q=headline", "/feeds/en.json?source=pub", "/fr/?source=pub"]) {
      await (await get(path)).arrayBuffer();
      expect(cacheOf(await get(path)), path).toBe("HIT");
    }
  });

  it("caches an address too long for a plain KV key under a bounded one", async () => {
    const q = encodeURIComponent("образование ".repeat(40).trim());
    // A saved search as a feed: feeds are kept in KV (searches are not, keys.ts).
    const path = `/feeds/en.json?q=${q}`;
    expect(path.length).toBeGreaterThan(512);
    const first = await sharedBy(path);
    expect(first.status).toBe(200);
    const keys = await sharedKeys("en", new URL(`http://app.test${path}`));
    expect(new TextEncoder().encode(keys.kv).length).toBeLessThanOrEqual(512);
    expect(await env.CACHE.get(keys.kv)).not.toBeNull();
    expect(cacheOf(await get(path))).toBe("HIT");
  });

  it("ignores query parameters the route does not read: one entry, named by Content-Location", async () => {
    const first = await settled("/api/v1/articles?source=pub&per_page=5&utm_source=newsletter");
    expect(first.status).toBe(200);
    expect(first.headers.get("content-location")).toBe("/api/v1/articles?source=pub&per_page=5");
    const body = await first.text();
    expect(body).not.toContain("utm_source");
    expect(first.headers.get("link")).not.toContain("utm_source");
    const other = await get("/api/v1/articles?source=pub&per_page=5&fbclid=abc");
    expect(cacheOf(other)).toBe("HIT");
    expect(other.headers.get("content-location")).toBe("/api/v1/articles?source=pub&per_page=5");
    expect(await other.text()).toBe(body);
    const plain = await get("/api/v1/articles?source=pub&per_page=5");
    expect(cacheOf(plain)).toBe("HIT");
    expect(plain.headers.get("content-location")).toBeNull();
    const keys = (await env.CACHE.list({ prefix: "resp:" })).keys.map((k) => k.name);
    expect(keys.filter((k) => k.includes("utm_source") || k.includes("fbclid"))).toEqual([]);
  });

  it("keeps answers reached through another origin apart, since they embed it", async () => {
    const here = await settled("/api/v1/articles?source=pub&per_page=6");
    expect(cacheOf(here)).toBe("MISS");
    const ctx = createExecutionContext();
    const mirrored = await worker.fetch!(new Request("https://mirror.example.net/api/v1/articles?source=pub&per_page=6"), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(cacheOf(mirrored)).toBe("MISS");
    const { links } = (await mirrored.json()) as { links: { self: string } };
    expect(links.self.startsWith("https://mirror.example.net/")).toBe(true);
  });

  it("never caches errors", async () => {
    for (const path of ["/api/v1/articles/0123456789abcdef", "/api/v1/articles?per_page=0", "/feeds/en.rss?from=never"]) {
      await get(path);
      const again = await get(path);
      expect(again.status, path).toBeGreaterThanOrEqual(400);
      expect(cacheOf(again), path).toBeNull();
    }
  });
});

describe("coherence with refreshes", () => {
  const views = async () => {
    const listing = await getJson("/api/v1/articles?source=pub");
    const id = listing.body.data.find((a: { url: string }) => a.url.endsWith("/s1")).id;
    const detail = await getJson(`/api/v1/articles/${id}`);
    const search = await getJson("/api/v1/search?q=story&source=pub");
    const rss = await (await get("/feeds/en.rss?source=pub")).text();
    const page = await (await get("/en/?source=pub")).text();
    return { listing, detail, search, rss, page, text: JSON.stringify([listing.body, detail.body, search.body]) + rss + page };
  };

  it("keeps serving the cached copies when a refresh changes nothing", async () => {
    await views();
    const before = await version();
    const { report } = await refreshNow("source=pub");
    expect(report.sources[0]?.status).toBe("not_modified");
    expect(await version()).toBe(before);
    const again = await get("/api/v1/articles?source=pub");
    expect(cacheOf(again)).toBe("HIT");
  });

  it("shows an edited story everywhere at once after the refresh that brings it in", async () => {
    const before = await views();
    expect(before.text).toContain("Original headline");
    const oldTag = before.listing.res.headers.get("etag")!;

    publish([
      { guid: "s1", title: "Corrected headline", summary: "Second version of the story" },
      { guid: "s2", title: "Second story", summary: "Unchanged" },
    ]);
    const { report } = await refreshNow("source=pub");
    expect(report.sources[0]).toMatchObject({ status: "ok", updated: 1 });

    const after = await views();
    expect(after.text).not.toContain("Original headline");
    expect(after.listing.body.data.map((a: { title: string }) => a.title)).toContain("Corrected headline");
    expect(after.detail.body.data.title).toBe("Corrected headline");
    expect(after.rss).toContain("Corrected headline");
    expect(after.page).toContain("Corrected headline");
    const conditional = await get("/api/v1/articles?source=pub", { "if-none-match": oldTag });
    expect(conditional.status).toBe(200);
  });

  it("shows a renamed source in cached listings at once", async () => {
    await (await get("/api/v1/articles?source=pub&per_page=2")).arrayBuffer();
    const renamed = await SELF.fetch("http://app.test/api/v1/sources/pub", {
      method: "PATCH",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify({ name: "The Renamed Publisher" }),
    });
    expect(renamed.status).toBe(200);
    const { body } = await getJson("/api/v1/articles?source=pub&per_page=2");
    expect(body.data[0].source.name).toBe("The Renamed Publisher");
  });
});
