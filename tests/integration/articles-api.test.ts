import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { contentChanged } from "../../src/cache/version";
import { addSource, cacheOf, getJson, getJsonSettled, runCron } from "../support/worker";

beforeAll(async () => {
  await addSource("edu-en", "/basic/en.xml");
  await addSource("edu-fr", "/basic/fr.atom");
  await runCron();
});

describe("GET /api/v1/articles", () => {
  it("lists newest first with the contract's envelope and exact totals", async () => {
    const { res, body } = await getJson("/api/v1/articles");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(body.meta).toMatchObject({ page: 1, per_page: 10, total: 15, total_pages: 2, locale: "en" });
    expect(body.data).toHaveLength(10);
    const dates = body.data.map((a: { published_at: string }) => a.published_at);
    expect([...dates].sort().reverse()).toEqual(dates);
    expect(body.data[0]).toMatchObject({
      title: "Les écoles rurales accueillent des bibliothèques mobiles",
      language: "fr",
      url: "https://edu.example.org/fr/articles/1",
      source: { id: "edu-fr", name: "Source edu-fr" },
    });
    expect(body.data[0]).not.toHaveProperty("content_html");
    expect(res.headers.get("x-total-count")).toBe("15");
    expect(body.links).toMatchObject({ prev: null, next: "http://app.test/api/v1/articles?page=2", last: "http://app.test/api/v1/articles?page=2" });
    expect(res.headers.get("link")).toContain('<http://app.test/api/v1/articles?page=2>; rel="next"');
  });

  it("pages with per_page and keeps filters in the links", async () => {
    const { res, body } = await getJson("/api/v1/articles?per_page=5&page=3&lang=en");
    expect(body.meta).toMatchObject({ page: 3, per_page: 5, total: 12, total_pages: 3 });
    expect(body.data).toHaveLength(2);
    expect(body.links.next).toBeNull();
    expect(body.links.prev).toBe("http://app.test/api/v1/articles?per_page=5&page=2&lang=en");
    expect(res.headers.get("link")).toContain('rel="first"');
  });

  it("filters by language and source, repeated or comma separated", async () => {
    const fr = await getJson("/api/v1/articles?lang=fr");
    expect(fr.body.meta.total).toBe(3);
    expect(fr.body.data.every((a: { language: string }) => a.language === "fr")).toBe(true);
    const both = await getJson("/api/v1/articles?source=edu-en,edu-fr");
    expect(both.body.meta.total).toBe(15);
    const repeated = await getJson("/api/v1/articles?source=edu-en&source=edu-fr&per_page=100");
    expect(repeated.body.data).toHaveLength(15);
  });

  it("filters by an inclusive date range", async () => {
    const { body } = await getJson("/api/v1/articles?from=2026-11-18&to=2026-11-20&per_page=100");
    const days = body.data.map((a: { published_at: string }) => a.published_at.slice(0, 10));
    expect(days.length).toBeGreaterThan(0);
    expect(days.every((d: string) => d >= "2026-11-18" && d <= "2026-11-20")).toBe(true);
    // The total with a date range is a count of the same rows the pages walk.
    expect(body.meta.total).toBe(days.length);
  });

  it("still reports the exact total on a page past the last one, and pages join up without gaps or repeats", async () => {
    const past = await getJson("/api/v1/articles?per_page=5&page=9&lang=en");
    expect(past.res.status).toBe(200);
    expect(past.body.data).toEqual([]);
    expect(past.body.meta).toMatchObject({ page: 9, total: 12, total_pages: 3 });
    const pages = await Promise.all([1, 2, 3, 4].map((page) => getJson(`/api/v1/articles?per_page=4&page=${page}`)));
    const ids = pages.flatMap((p) => p.body.data.map((a: { id: string }) => a.id));
    const all = await getJson("/api/v1/articles?per_page=100");
    expect(ids).toEqual(all.body.data.map((a: { id: string }) => a.id));
    expect(pages[3]!.body.data).toHaveLength(3);
  });

  it("answers an invalid per_page with a 400 problem naming the parameter", async () => {
    for (const bad of ["0", "101", "ten", "2.5"]) {
      const { res, body } = await getJson(`/api/v1/articles?per_page=${bad}`);
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(body).toMatchObject({ status: 400, code: "invalid_parameter", instance: "/api/v1/articles" });
      expect(body.errors.map((e: { path: string }) => e.path)).toEqual(["per_page"]);
    }
  });

  it("names every faulty parameter at once", async () => {
    const { body } = await getJson("/api/v1/articles?page=0&from=yesterday&lang=english");
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["from", "lang", "page"]);
  });

  it("serves a repeated request from the KV cache and drops it after a content change", async () => {
    const first = await getJsonSettled("/api/v1/articles?per_page=3");
    expect(cacheOf(first.res)).toBe("MISS");
    const second = await getJson("/api/v1/articles?per_page=3");
    expect(cacheOf(second.res)).toBe("HIT");
    expect(second.body).toEqual(first.body);
    expect(second.res.headers.get("x-total-count")).toBe("15");

    await contentChanged(env, { kind: "articles", stored: 1 });
    const third = await getJson("/api/v1/articles?per_page=3");
    expect(cacheOf(third.res)).toBe("MISS");
  });

  it("answers If-None-Match with 304", async () => {
    const { res } = await getJson("/api/v1/articles?per_page=2");
    const tag = res.headers.get("etag");
    expect(tag).toBeTruthy();
    const again = await SELF.fetch("http://app.test/api/v1/articles?per_page=2", { headers: { "if-none-match": tag! } });
    expect(again.status).toBe(304);
  });
});

describe("GET /api/v1/articles/{id}", () => {
  it("returns the article with sanitized HTML, text and its source link", async () => {
    const list = await getJson("/api/v1/articles?lang=fr&per_page=1");
    const id = list.body.data[0].id;
    const { res, body } = await getJson(`/api/v1/articles/${id}`);
    expect(res.status).toBe(200);
    const a = body.data;
    expect(a).toMatchObject({ id, language: "fr", url: "https://edu.example.org/fr/articles/1", tags: [], translations: [] });
    expect(a.content_html).toContain("<p>Deuxième paragraphe.</p>");
    expect(a.content_html).not.toMatch(/script|onclick|javascript:/i);
    expect(a.content_text).toContain("Premier paragraphe");
    expect(a.content_text).not.toContain("alert");
    expect(typeof a.fetched_at).toBe("string");
  });

  it("returns a 404 problem for an unknown article", async () => {
    const { res, body } = await getJson("/api/v1/articles/0123456789abcdef");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(body).toMatchObject({ status: 404, code: "not_found", instance: "/api/v1/articles/0123456789abcdef" });
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts|stack/i);
  });

  it("returns a 404 problem for an article id of any other form", async () => {
    for (const id of ["NOT-AN-ID", "0123456789ABCDEF", "12", "x".repeat(300)]) {
      const { res, body } = await getJson(`/api/v1/articles/${id}`);
      expect(res.status).toBe(404);
      expect(body).toMatchObject({ status: 404, code: "not_found", instance: `/api/v1/articles/${id}` });
    }
  });

  it("localizes the problem title with ?locale=", async () => {
    const { body } = await getJson("/api/v1/articles/0123456789abcdef?locale=fr");
    expect(body.title).toBe("Introuvable");
  });
});

describe("other public endpoints", () => {
  it("GET /healthz reports liveness and the last refresh", async () => {
    const { res, body } = await getJson("/healthz");
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ status: "ok", articles: 15, last_refresh: { trigger: "cron", sources: 2, errors: 0, new: 15 } });
  });

  it("GET /api/v1/locales lists the seven UI locales", async () => {
    const { body } = await getJson("/api/v1/locales");
    expect(body.data.map((l: { code: string }) => l.code)).toEqual(["en", "fr", "es", "ru", "ar", "zh", "ko"]);
    expect(body.data.find((l: { code: string }) => l.code === "ar")).toEqual({ code: "ar", name: "العربية", dir: "rtl" });
  });

  it("unknown paths are 404 problems", async () => {
    const { res, body } = await getJson("/api/v1/nothing-here");
    expect(res.status).toBe(404);
    expect(body.code).toBe("not_found");
  });
});
