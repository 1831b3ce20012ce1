import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, addSource, cacheOf, getJson, runCron } from "../support/worker";

const get = (path: string, headers: Record<string, string> = {}, method = "GET") => SELF.fetch(`http://app.test${path}`, { method, headers, redirect: "manual" });

let articleId: string;

beforeAll(async () => {
  await addSource("edu-en", "/basic/en.xml");
  await addSource("edu-fr", "/basic/fr.atom");
  await runCron();
  articleId = (await getJson("/api/v1/articles?per_page=1")).body.data[0].id;
});

/** Every public GET of the contract, as a reader would call it. */
const publicReads = () => [
  "/api/v1/articles?per_page=3",
  `/api/v1/articles/${articleId}`,
  "/api/v1/search?q=school",
  "/api/v1/sources",
  "/api/v1/locales",
  "/api/v1/openapi.json",
  "/api/docs",
  "/feeds/en.rss",
  "/feeds/fr.atom?lang=fr",
  "/feeds/ko.json?q=education",
  "/en/",
  `/en/search?q=school`,
];

describe("locale negotiation in the JSON API", () => {
  it("prefers ?locale= over Accept-Language and reports the result", async () => {
    const { res, body } = await getJson("/api/v1/articles?locale=ar", { headers: { "accept-language": "fr" } });
    expect(body.meta.locale).toBe("ar");
    expect(res.headers.get("content-language")).toBe("ar");
    expect(res.headers.get("vary") ?? "").not.toContain("Accept-Language");
  });

  it("falls back to Accept-Language, weighted, and varies on it", async () => {
    const { res, body } = await getJson("/api/v1/locales", { headers: { "accept-language": "de;q=1, ru;q=0.8, zh-TW;q=0.9" } });
    expect(body.meta.locale).toBe("zh");
    expect(res.headers.get("content-language")).toBe("zh");
    expect(res.headers.get("vary")).toContain("Accept-Language");
  });

  it("answers in English when nothing matches, still varying on the header", async () => {
    const { res, body } = await getJson("/api/v1/sources", { headers: { "accept-language": "de, nl;q=0.5" } });
    expect(body.meta.locale).toBe("en");
    expect(res.headers.get("content-language")).toBe("en");
    expect(res.headers.get("vary")).toContain("Accept-Language");
  });

  it("keeps one cached copy per locale", async () => {
    const fr = await getJson("/api/v1/articles?per_page=2", { headers: { "accept-language": "fr" } });
    const ko = await getJson("/api/v1/articles?per_page=2", { headers: { "accept-language": "ko" } });
    const frAgain = await getJson("/api/v1/articles?per_page=2", { headers: { "accept-language": "fr-CA" } });
    expect([fr.body.meta.locale, ko.body.meta.locale, frAgain.body.meta.locale]).toEqual(["fr", "ko", "fr"]);
    expect(frAgain.res.headers.get("content-language")).toBe("fr");
  });

  it("ignores an unknown ?locale= and negotiates instead", async () => {
    const { body } = await getJson("/api/v1/locales?locale=xx", { headers: { "accept-language": "es" } });
    expect(body.meta.locale).toBe("es");
  });

  it.each([
    ["fr", "/api/v1/articles/0123456789abcdef", "Introuvable"],
    ["ru", "/api/v1/articles?per_page=500", "Недопустимые параметры запроса"],
    ["ar", "/api/v1/nothing", "غير موجود"],
    ["zh", "/api/v1/admin/runs", "需要身份验证"],
    ["ko", "/api/v1/search", "잘못된 요청 매개변수"],
  ])("titles problems in the reader's language (%s)", async (language, path, title) => {
    const { res, body } = await getJson(path, { headers: { "accept-language": language } });
    expect(res.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
    expect(body.title).toBe(title);
  });
});

describe("conditional requests and caching headers", () => {
  it("gives every public GET an ETag and answers a matching If-None-Match with an empty 304", async () => {
    for (const path of publicReads()) {
      const first = await get(path);
      expect(first.status, path).toBe(200);
      const tag = first.headers.get("etag");
      expect(tag, path).toMatch(/^(W\/)?"[^"]+"$/);
      await first.arrayBuffer();
      const again = await get(path, { "if-none-match": tag! });
      expect(again.status, path).toBe(304);
      expect(await again.text(), path).toBe("");
      expect(again.headers.get("etag"), path).toBe(tag);
    }
  });

  it("matches any tag in a list and the weak form of a strong tag", async () => {
    const tag = (await get("/api/v1/articles?per_page=4")).headers.get("etag")!;
    expect((await get("/api/v1/articles?per_page=4", { "if-none-match": `"nope", ${tag}` })).status).toBe(304);
    expect((await get("/api/v1/articles?per_page=4", { "if-none-match": `W/${tag}` })).status).toBe(304);
    expect((await get("/api/v1/articles?per_page=4", { "if-none-match": '"stale"' })).status).toBe(200);
  });

  it("keeps caching, vary and CORS headers on a 304", async () => {
    const first = await get("/api/v1/articles?per_page=5", { origin: "https://reader.example" });
    const again = await get("/api/v1/articles?per_page=5", { origin: "https://reader.example", "if-none-match": first.headers.get("etag")! });
    expect(again.status).toBe(304);
    expect(again.headers.get("cache-control")).toBe("public, max-age=60, stale-while-revalidate=300");
    expect(again.headers.get("vary")).toContain("Accept-Language");
    expect(again.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("lets public GETs be cached with stale-while-revalidate", async () => {
    for (const path of publicReads()) {
      const cacheControl = (await get(path)).headers.get("cache-control") ?? "";
      expect(cacheControl, path).toMatch(/^public, max-age=\d+, stale-while-revalidate=\d+$/);
    }
  });

  it("marks admin responses and errors no-store", async () => {
    expect((await get("/api/v1/admin/runs", ADMIN)).headers.get("cache-control")).toBe("no-store");
    expect((await get("/api/v1/admin/runs")).headers.get("cache-control")).toBe("no-store");
    expect((await get("/api/v1/articles/0123456789abcdef")).headers.get("cache-control")).toBe("no-store");
    expect((await get("/api/v1/articles?page=0")).headers.get("cache-control")).toBe("no-store");
  });

  it("sends Last-Modified for an article and for feeds", async () => {
    const { res, body } = await getJson(`/api/v1/articles/${articleId}`);
    expect(res.headers.get("last-modified")).toBe(new Date(body.data.updated_at).toUTCString());
    expect(Date.parse((await get("/feeds/en.atom")).headers.get("last-modified") ?? "")).toBeGreaterThan(0);
  });

  it("answers HEAD like GET, without a body", async () => {
    const head = await get("/api/v1/articles?per_page=2", {}, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers.get("etag")).toBeTruthy();
    expect(head.headers.get("x-total-count")).toBe("15");
    expect(await head.text()).toBe("");
  });
});

describe("CORS and security headers", () => {
  it("lets any origin read public GETs and their paging headers", async () => {
    const res = await get("/api/v1/articles", { origin: "https://reader.example" });
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const exposed = res.headers.get("access-control-expose-headers")?.toLowerCase() ?? "";
    for (const name of ["link", "x-total-count", "etag", "retry-after", "x-d1-bookmark"]) expect(exposed).toContain(name);
    expect((await get("/feeds/en.json", { origin: "https://reader.example" })).headers.get("access-control-allow-origin")).toBe("*");
  });

  it("answers a preflight for GET", async () => {
    const res = await get("/api/v1/search?q=x", { origin: "https://reader.example", "access-control-request-method": "GET", "access-control-request-headers": "if-none-match" }, "OPTIONS");
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-methods")).toBe("GET,HEAD");
    expect(res.headers.get("access-control-allow-headers")).toBe("if-none-match");
  });

  it("does not offer admin endpoints cross-origin", async () => {
    const res = await get("/api/v1/admin/runs", { ...ADMIN, origin: "https://reader.example" });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("sends a cached API answer with the contract's headers and nothing else", async () => {
    // Every header is paid for on every hit: a new one should be a decision, not a side effect.
    let cached = await get("/api/v1/articles?per_page=2", { "accept-language": "fr" });
    for (let i = 0; i < 5 && cacheOf(cached) !== "HIT"; i++) cached = await get("/api/v1/articles?per_page=2", { "accept-language": "fr" });
    expect(cacheOf(cached)).toBe("HIT");
    const names = [...cached.headers.keys()].filter((name) => !["content-length", "content-encoding", "transfer-encoding"].includes(name)).sort();
    expect(names).toEqual([
      "access-control-allow-origin",
      "access-control-expose-headers",
      "cache-control",
      "cache-status",
      "content-language",
      "content-security-policy",
      "content-type",
      "etag",
      "link",
      "vary",
      "x-content-type-options",
      "x-total-count",
      "x-total-pages",
    ]);
    expect(cached.headers.get("content-language")).toBe("fr");
  });

  it("sends a locked-down policy with JSON and feeds, and the page's own policy with HTML", async () => {
    for (const path of ["/api/v1/articles", "/feeds/en.rss", "/api/v1/articles/0123456789abcdef"]) {
      const res = await get(path);
      expect(res.headers.get("content-security-policy"), path).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      // Document-only and legacy headers are not paid for on every API and feed answer.
      for (const name of ["x-frame-options", "cross-origin-opener-policy", "referrer-policy", "strict-transport-security", "cross-origin-resource-policy", "x-xss-protection", "x-download-options", "x-dns-prefetch-control", "x-permitted-cross-domain-policies", "origin-agent-cluster"]) {
        expect(res.headers.get(name), `${path} ${name}`).toBeNull();
      }
    }
    const docs = await get("/api/docs");
    expect(docs.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(docs.headers.get("content-security-policy")).toBe("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'");
    const page = await get("/en/");
    expect(page.headers.get("content-security-policy")).toContain("form-action 'self'");
    // The same headers when the page comes back from the memory tier or the shared cache.
    let cached = await get("/en/");
    for (let i = 0; i < 5 && cacheOf(cached) !== "HIT"; i++) cached = await get("/en/");
    expect(cacheOf(cached)).toBe("HIT");
    for (const html of [docs, page, cached, await get("/en/no-such-page")]) {
      expect(html.headers.get("x-frame-options")).toBe("DENY");
      expect(html.headers.get("cross-origin-opener-policy")).toBe("same-origin");
      expect(html.headers.get("strict-transport-security")).toContain("max-age=");
      expect(html.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(html.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });
});

describe("errors of the contract", () => {
  it("answers a known path called with the wrong method with a 405 problem naming the allowed ones", async () => {
    const res = await get("/api/v1/articles", { "accept-language": "es" }, "DELETE");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    expect(res.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
    expect(await res.json()).toMatchObject({ status: 405, code: "method_not_allowed", title: "Método no permitido" });
  });

  it("answers unknown paths, feeds and articles with 404 problems", async () => {
    for (const path of ["/api/v1/nothing", "/feeds/de.rss", "/feeds/en.xml", "/api/v1/articles/0123456789abcdef"]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { code: string }).code, path).toBe("not_found");
    }
  });
});

describe("D1 sessions", () => {
  it("returns a bookmark after reading, and accepts one back", async () => {
    // Distinct filters: each read misses the response cache and so reads D1.
    const first = await get("/api/v1/sources?q=bookmark-first");
    const bookmark = first.headers.get("x-d1-bookmark");
    expect(bookmark).toMatch(/^[0-9a-f-]+$/);
    const next = await get("/api/v1/sources?q=bookmark-next", { "x-d1-bookmark": bookmark! });
    expect(next.status).toBe(200);
    expect(next.headers.get("x-d1-bookmark")).toMatch(/^[0-9a-f-]+$/);
  });

  it("ignores a malformed bookmark instead of failing", async () => {
    for (const bookmark of ["not a bookmark", "'; DROP TABLE articles; --", "-".repeat(300)]) {
      const res = await get("/api/v1/sources", { "x-d1-bookmark": bookmark });
      expect(res.status).toBe(200);
    }
  });

  it("returns a bookmark from the primary after an admin write", async () => {
    const res = await SELF.fetch("http://app.test/api/v1/sources/edu-fr", { method: "PATCH", headers: { ...ADMIN, "content-type": "application/json" }, body: JSON.stringify({ enabled: true }) });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-d1-bookmark")).toMatch(/^[0-9a-f-]+$/);
  });
});

describe("the locales resource", () => {
  it("lists the seven UI locales with endonyms and direction", async () => {
    const { res, body } = await getJson("/api/v1/locales");
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(body.data).toEqual([
      { code: "en", name: "English", dir: "ltr" },
      { code: "fr", name: "Français", dir: "ltr" },
      { code: "es", name: "Español", dir: "ltr" },
      { code: "ru", name: "Русский", dir: "ltr" },
      { code: "ar", name: "العربية", dir: "rtl" },
      { code: "zh", name: "简体中文", dir: "ltr" },
      { code: "ko", name: "한국어", dir: "ltr" },
    ]);
  });
});
