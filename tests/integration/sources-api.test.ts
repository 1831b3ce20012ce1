import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, addSource, cacheOf, fetchSettled, getJson, getJsonSettled, refreshNow } from "../support/worker";

interface Listed {
  id: string;
  name: string;
  language: string | null;
  enabled: boolean;
  last_status: string | null;
  consecutive_errors: number;
  article_count: number;
}

const ids = (body: { data: Listed[] }) => body.data.map((s) => s.id);

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  const res = await SELF.fetch(`http://app.test${path}`, { method, headers: { ...ADMIN, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  await res.arrayBuffer();
  return res;
}

beforeAll(async () => {
  await addSource("edu-en", "/basic/en.xml", { language: "en" });
  await addSource("edu-fr", "/basic/fr.atom", { name: "Éducation (français)", language: "fr" });
  await addSource("quebec", "/basic/fr.atom", { name: "Nouvelles du Québec", language: "fr-CA" });
  await addSource("zh-hans", "/basic/en.xml", { name: "新闻 (简体)", language: "zh-Hans" });
  await addSource("percent", "/basic/en.xml", { name: "100% Facts", language: "en" });
  await addSource("hundred", "/basic/en.xml", { name: "1000 Stories" });
  for (let i = 1; i <= 9; i++) await addSource(`bulk-${i}`, "/basic/en.xml", { name: `Bulk ${i}`, language: "es" });
  await admin("PATCH", "/api/v1/sources/bulk-9", { enabled: false });
  const { report } = await refreshNow("force=true&source=edu-en");
  expect(report.sources[0]).toMatchObject({ status: "ok", new: 12 });
});

describe("GET /api/v1/sources: paging", () => {
  it("answers the first 50 in id order with the listing's meta, links and paging headers", async () => {
    const { res, body } = await getJson("/api/v1/sources");
    expect(res.status).toBe(200);
    expect(body.meta).toEqual({ page: 1, per_page: 50, total: 15, total_pages: 1, locale: "en", query: {} });
    expect(ids(body)).toEqual([...ids(body)].sort());
    expect(ids(body)).toHaveLength(15);
    expect(body.links).toEqual({ self: "http://app.test/api/v1/sources", first: "http://app.test/api/v1/sources", prev: null, next: null, last: "http://app.test/api/v1/sources" });
    expect(res.headers.get("x-total-count")).toBe("15");
    expect(res.headers.get("x-total-pages")).toBe("1");
    expect(body.data.find((s: Listed) => s.id === "edu-en")).toMatchObject({ last_status: "ok", consecutive_errors: 0, article_count: 12 });
  });

  it("walks pages with per_page, every source once, with prev and next links", async () => {
    const seen: string[] = [];
    let next: string | null = "/api/v1/sources?per_page=4";
    let pages = 0;
    while (next) {
      const path: string = next.replace("http://app.test", "");
      const { res, body } = await getJson<{ data: Listed[]; meta: unknown; links: { next: string | null } }>(path);
      expect(body.meta).toMatchObject({ per_page: 4, total: 15, total_pages: 4, page: pages + 1 });
      expect(res.headers.get("link")).toContain('rel="last"');
      seen.push(...ids(body));
      next = body.links.next;
      pages += 1;
    }
    expect(pages).toBe(4);
    expect(seen).toHaveLength(15);
    expect(new Set(seen).size).toBe(15);
    const { res, body } = await getJson("/api/v1/sources?per_page=4&page=2");
    expect(body.links.prev).toBe("http://app.test/api/v1/sources?per_page=4");
    expect(body.links.next).toBe("http://app.test/api/v1/sources?per_page=4&page=3");
    expect(res.headers.get("link")).toContain('<http://app.test/api/v1/sources?per_page=4&page=3>; rel="next"');
  });

  it("answers an empty page past the end, and 400 naming the parameter for bad paging", async () => {
    const { res, body } = await getJson("/api/v1/sources?page=9");
    expect(res.status).toBe(200);
    expect(body.data).toEqual([]);
    for (const [query, path] of [
      ["per_page=101", "per_page"],
      ["per_page=0", "per_page"],
      ["page=0", "page"],
      ["page=201", "page"],
      ["enabled=yes", "enabled"],
      ["q=", "q"],
      [`q=${"a".repeat(101)}`, "q"],
      ["lang=english", "lang"],
    ]) {
      const { res, body } = await getJson(`/api/v1/sources?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(body.errors.map((e: { path: string }) => e.path), query).toContain(path);
    }
  });
});

describe("GET /api/v1/sources: filters", () => {
  it("keeps sources in a language, its regional and script variants included", async () => {
    const { body } = await getJson("/api/v1/sources?lang=fr");
    expect(ids(body)).toEqual(["edu-fr", "quebec"]);
    expect(body.meta.query).toEqual({ lang: ["fr"] });
    expect(ids((await getJson("/api/v1/sources?lang=zh,en")).body)).toEqual(["edu-en", "percent", "zh-hans"]);
  });

  it("finds sources by a prefix of the id or the name, ignoring ASCII case", async () => {
    expect(ids((await getJson("/api/v1/sources?q=EDU")).body)).toEqual(["edu-en", "edu-fr"]);
    expect(ids((await getJson("/api/v1/sources?q=nouvelles%20du")).body)).toEqual(["quebec"]);
    expect(ids((await getJson(`/api/v1/sources?q=${encodeURIComponent("新闻")}`)).body)).toEqual(["zh-hans"]);
    const { body } = await getJson("/api/v1/sources?q=bulk&per_page=5&page=2");
    expect(body.meta).toMatchObject({ total: 9, total_pages: 2, query: { q: "bulk" } });
    expect(ids(body)).toEqual(["bulk-6", "bulk-7", "bulk-8", "bulk-9"]);
  });

  it("means % and _ literally in a prefix", async () => {
    expect(ids((await getJson("/api/v1/sources?q=100%25")).body)).toEqual(["percent"]);
    expect(ids((await getJson("/api/v1/sources?q=bulk_")).body)).toEqual([]);
    expect(ids((await getJson("/api/v1/sources?q=%25")).body)).toEqual([]);
  });

  it("keeps enabled or disabled sources, combined with the other filters", async () => {
    expect(ids((await getJson("/api/v1/sources?enabled=false")).body)).toEqual(["bulk-9"]);
    const { body } = await getJson("/api/v1/sources?enabled=true&lang=es");
    expect(body.meta).toMatchObject({ total: 8, query: { lang: ["es"], enabled: "true" } });
  });
});

describe("GET /api/v1/sources: caching", () => {
  it("answers the second call from the cache, under the listing's key rules", async () => {
    const first = await fetchSettled("/api/v1/sources?per_page=3&utm_source=mail");
    expect(cacheOf(first)).toBe("MISS");
    expect(first.headers.get("content-location")).toBe("/api/v1/sources?per_page=3");
    const second = await fetchSettled("/api/v1/sources?per_page=3");
    expect(cacheOf(second)).toBe("HIT");
    expect(second.headers.get("x-total-count")).toBe(first.headers.get("x-total-count"));
    expect(await second.text()).toBe(await first.text());
  });

  it("shows a new, changed or removed source at once", async () => {
    const before = await getJsonSettled("/api/v1/sources?q=late");
    expect(before.body.data).toEqual([]);
    expect(cacheOf(await fetchSettled("/api/v1/sources?q=late"))).toBe("HIT");

    expect((await admin("POST", "/api/v1/sources", { id: "late", name: "Late arrival", url: "https://late.example.org/feed.xml" })).status).toBe(201);
    const added = await getJsonSettled("/api/v1/sources?q=late");
    expect(cacheOf(added.res)).toBe("MISS");
    expect(added.body.data).toMatchObject([{ id: "late", enabled: true }]);

    expect((await admin("PATCH", "/api/v1/sources/late", { enabled: false })).status).toBe(200);
    const disabled = await getJsonSettled("/api/v1/sources?q=late");
    expect(cacheOf(disabled.res)).toBe("MISS");
    expect(disabled.body.data).toMatchObject([{ id: "late", enabled: false }]);

    expect((await admin("DELETE", "/api/v1/sources/late")).status).toBe(204);
    const removed = await getJsonSettled("/api/v1/sources?q=late");
    expect(cacheOf(removed.res)).toBe("MISS");
    expect(removed.body.data).toEqual([]);
  });

  it("shows a failing source's health after the refresh that failed, each time it fails", async () => {
    await addSource("broken", "/hostile/500", { name: "Broken upstream" });
    const fresh = await getJsonSettled("/api/v1/sources?q=broken");
    expect(fresh.body.data).toMatchObject([{ last_status: null, consecutive_errors: 0 }]);
    expect(cacheOf(await fetchSettled("/api/v1/sources?q=broken"))).toBe("HIT");
    for (const errors of [1, 2]) {
      const { report } = await refreshNow("force=true&source=broken");
      expect(report.sources[0]).toMatchObject({ status: "error" });
      const after = await getJsonSettled("/api/v1/sources?q=broken");
      expect(cacheOf(after.res)).toBe("MISS");
      expect(after.body.data).toMatchObject([{ last_status: "error", consecutive_errors: errors }]);
    }
  });

  it("keeps the cached answer when a healthy source's refresh finds nothing new", async () => {
    await fetchSettled("/api/v1/sources?q=edu-en");
    const { report } = await refreshNow("force=true&source=edu-en");
    expect(report.sources[0]).toMatchObject({ status: "not_modified" });
    expect(cacheOf(await fetchSettled("/api/v1/sources?q=edu-en"))).toBe("HIT");
  });
});
