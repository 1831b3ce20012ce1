import { env, SELF } from "cloudflare:test";
import type { Element } from "domhandler";
import { DomUtils, parseDocument } from "htmlparser2";
import { beforeAll, describe, expect, it } from "vitest";
import { LOCALES } from "../../src/i18n/locales";
import { addSource, cacheOf, getJson, refreshNow, runCron } from "../support/worker";

const ORIGIN = "http://app.test";
const get = (path: string, init?: RequestInit) => SELF.fetch(`${ORIGIN}${path}`, { redirect: "manual", ...init });

interface Listed {
  id: string;
  slug: string;
  title: string;
  language: string;
}
interface SitemapUrl {
  loc: string;
  lastmod: string | null;
  /** hreflang -> href, x-default included. */
  links: Record<string, string>;
  news: Record<string, string>;
}

const text = (el: Element | null) => (el ? DomUtils.textContent(el) : null);
const child = (el: Element, name: string) => DomUtils.findOne((e) => e.name === name, el.children, true);

/** A sitemap read with a real XML parser: its `url`s, or its index's `loc`s. */
function parseUrlset(xml: string): SitemapUrl[] {
  const doc = parseDocument(xml, { xmlMode: true });
  return DomUtils.getElementsByTagName("url", doc).map((url) => ({
    loc: text(child(url, "loc"))!,
    lastmod: text(child(url, "lastmod")),
    links: Object.fromEntries(DomUtils.getElementsByTagName("xhtml:link", url).map((l) => [l.attribs.hreflang, l.attribs.href])),
    news: Object.fromEntries(
      ["news:name", "news:language", "news:publication_date", "news:title"].flatMap((n) => {
        const found = child(url, n);
        return found ? [[n.slice(5), text(found)!]] : [];
      }),
    ),
  }));
}
const parseIndex = (xml: string) =>
  DomUtils.getElementsByTagName("sitemap", parseDocument(xml, { xmlMode: true })).map((s) => text(child(s, "loc"))!);

/** What an article page says about itself in its head: canonical and hreflang links. */
async function pageHead(loc: string): Promise<{ canonical: string; links: Record<string, string> }> {
  const res = await SELF.fetch(loc);
  expect(res.status, loc).toBe(200);
  const doc = parseDocument(await res.text());
  const links = DomUtils.getElementsByTagName("link", doc);
  return {
    canonical: links.find((l) => l.attribs.rel === "canonical")!.attribs.href!,
    links: Object.fromEntries(links.filter((l) => l.attribs.rel === "alternate" && l.attribs.hreflang).map((l) => [l.attribs.hreflang, l.attribs.href])),
  };
}

async function sitemapOf(path: string): Promise<SitemapUrl[]> {
  const res = await get(path);
  expect(res.status, path).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/xml; charset=utf-8");
  const xml = await res.text();
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"')).toBe(true);
  return parseUrlset(xml);
}

const articleUrl = (locale: string, a: { id: string; slug: string }) => `${ORIGIN}/${locale}/news/${a.id}/${encodeURIComponent(a.slug)}`;

let english: Listed;
let french: Listed;
let all: Listed[];

beforeAll(async () => {
  await addSource("edu-en", "/basic/en.xml");
  await addSource("edu-fr", "/basic/fr.atom");
  await runCron();
  all = (await getJson("/api/v1/articles?per_page=100")).body.data;
  english = all.find((a) => a.title.startsWith("School meals"))!;
  french = all.find((a) => a.title.startsWith("Les écoles rurales"))!;
  // The basic fixtures carry no hreflang alternates: make these two one story group.
  await env.DB.prepare("UPDATE articles SET story_group = 'g-sitemaps-test' WHERE id IN (?, ?)").bind(english.id, french.id).run();
});

describe("GET /robots.txt", () => {
  it("allows the reader pages, keeps crawlers off the API, admin, feeds and search, and names the sitemaps", async () => {
    const res = await get("/robots.txt");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=UTF-8");
    const lines = (await res.text()).split("\n");
    expect(lines[0]).toBe("User-agent: *");
    for (const rule of ["Disallow: /api/", "Disallow: /feeds/", "Disallow: /healthz", "Disallow: /en/search", "Disallow: /ko/search", "Allow: /"]) expect(lines).toContain(rule);
    expect(lines.filter((l) => l.startsWith("Disallow: /") && ["/en/", "/en/news/"].some((p) => p.startsWith(l.slice(10))))).toEqual([]);
    expect(lines).toContain(`Sitemap: ${ORIGIN}/sitemap.xml`);
    expect(lines).toContain(`Sitemap: ${ORIGIN}/sitemap-news.xml`);
  });

  it("names the sitemaps at the origin it was asked on, and answers a conditional GET with 304", async () => {
    const res = await SELF.fetch("https://news.other.test/robots.txt");
    expect(await res.text()).toContain("Sitemap: https://news.other.test/sitemap.xml");
    const again = await SELF.fetch("https://news.other.test/robots.txt", { headers: { "if-none-match": res.headers.get("etag")! } });
    expect(again.status).toBe(304);
  });
});

describe("GET /sitemap.xml", () => {
  it("is a sitemap index of one file per UI locale, at absolute addresses", async () => {
    const res = await get("/sitemap.xml");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/xml; charset=utf-8");
    const xml = await res.text();
    expect(xml).toContain('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
    expect(parseIndex(xml)).toEqual(LOCALES.map((l) => `${ORIGIN}/sitemaps/${l.code}-1.xml`));
  });
});

describe("per-locale sitemaps", () => {
  it("list every article page of the locale that is its own canonical, with lastmod", async () => {
    for (const { code } of LOCALES) {
      const urls = await sitemapOf(`/sitemaps/${code}-1.xml`);
      expect(urls.every((u) => u.loc.startsWith(`${ORIGIN}/${code}/news/`))).toBe(true);
      expect(urls.every((u) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(u.lastmod ?? ""))).toBe(true);
      // Every article but the grouped pair's member whose slot the other fills.
      expect(urls.length, code).toBe(all.length - 1);
    }
  });

  it("give each page the story's language versions and the UI locales it has no translation in, with x-default", async () => {
    const expected = {
      en: articleUrl("en", english),
      fr: articleUrl("fr", french),
      ...Object.fromEntries(["es", "ru", "ar", "zh", "ko"].map((l) => [l, articleUrl(l, english)])),
      "x-default": articleUrl("en", english),
    };
    const en = await sitemapOf("/sitemaps/en-1.xml");
    expect(en.find((u) => u.loc === articleUrl("en", english))?.links).toEqual(expected);
    expect(en.find((u) => u.loc === articleUrl("en", french))).toBeUndefined();
    const fr = await sitemapOf("/sitemaps/fr-1.xml");
    expect(fr.find((u) => u.loc === articleUrl("fr", french))?.links).toEqual(expected);
    expect(fr.find((u) => u.loc === articleUrl("fr", english))).toBeUndefined();
    const ko = await sitemapOf("/sitemaps/ko-1.xml");
    expect(ko.find((u) => u.loc === articleUrl("ko", english))?.links).toEqual(expected);
    const single = all.find((a) => a.id !== english.id && a.id !== french.id && a.language === "en")!;
    expect(ko.find((u) => u.loc === articleUrl("ko", single))?.links).toEqual({
      ...Object.fromEntries(LOCALES.map((l) => [l.code, articleUrl(l.code, single)])),
      "x-default": articleUrl("en", single),
    });
  });

  it("say about every listed page exactly what the page's own head says, and list every page that is its own canonical", async () => {
    const listed = new Set<string>();
    for (const { code } of LOCALES) {
      for (const url of await sitemapOf(`/sitemaps/${code}-1.xml`)) {
        const head = await pageHead(url.loc);
        expect(head.canonical, url.loc).toBe(url.loc);
        expect(head.links, url.loc).toEqual(url.links);
        listed.add(url.loc);
      }
    }
    for (const article of [english, french]) {
      for (const { code } of LOCALES) {
        const loc = articleUrl(code, article);
        expect((await pageHead(loc)).canonical === loc, loc).toBe(listed.has(loc));
      }
    }
  });

  it("answers 404 for a file past the last one and for a name the index never gives", async () => {
    for (const path of ["/sitemaps/en-2.xml", "/sitemaps/de-1.xml", "/sitemaps/en-01.xml", "/sitemaps/en-0.xml", "/sitemaps/en.xml"]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type"), path).toBe("application/problem+json; charset=utf-8");
    }
  });
});

describe("caching", () => {
  it("serves a sitemap from the response cache with its ETag, and 304 for a matching If-None-Match", async () => {
    const first = await get("/sitemaps/es-1.xml");
    const body = await first.text();
    const tag = first.headers.get("etag");
    expect(tag).toMatch(/^"[0-9a-f]{40}"$/);
    expect(first.headers.get("cache-control")).toBe("public, max-age=60, stale-while-revalidate=300");
    const second = await get("/sitemaps/es-1.xml");
    expect(cacheOf(second)).toBe("HIT");
    expect(second.headers.get("etag")).toBe(tag);
    expect(await second.text()).toBe(body);
    const conditional = await get("/sitemaps/es-1.xml", { headers: { "if-none-match": tag! } });
    expect(conditional.status).toBe(304);
  });
});

/** `n` articles written straight to the table with chosen keys, published `minutes` ago each. */
async function insertArticles(firstPk: number, n: number, minutesAgo: (i: number) => number) {
  await env.DB.prepare(
    `WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < ?2),
       p(pk, i) AS (SELECT CAST(?1 AS INTEGER) + i, i FROM k)
     INSERT INTO articles (pk, id, source_id, dedupe_key, title, slug, language, published_at, updated_at, fetched_at, first_seen_at, content_hash)
     SELECT pk, printf('%016x', pk), 'edu-en', 'bulk-' || pk, 'Rates & <bonds> ' || pk, 'rates-bonds-' || pk, 'en',
       strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-' || CAST(?3 + i * ?4 AS INTEGER) || ' minutes'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
       strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'h' FROM p`,
  )
    .bind(firstPk, n, minutesAgo(0), minutesAgo(1) - minutesAgo(0))
    .run();
}

describe("paging, limits and invalidation", () => {
  it("keeps the cached index until content changes, then pages articles in key ranges of 2,000", async () => {
    const before = parseIndex(await (await get("/sitemap.xml")).text());
    // 2,100 recent articles stored after key 2,000: files 2 and 3 of each locale.
    await insertArticles(2_001, 2_100, (i) => 10 + i);
    const cached = await get("/sitemap.xml");
    expect(cacheOf(cached)).toBe("HIT");
    expect(parseIndex(await cached.text())).toEqual(before);

    await addSource("edu-relevance", "/relevance/en.xml");
    expect((await refreshNow("source=edu-relevance")).report.sources[0]?.new).toBeGreaterThan(0);
    const index = parseIndex(await (await get("/sitemap.xml")).text());
    expect(index).toEqual(LOCALES.flatMap((l) => [1, 2, 3].map((n) => `${ORIGIN}/sitemaps/${l.code}-${n}.xml`)));

    const second = await sitemapOf("/sitemaps/en-2.xml");
    expect(second).toHaveLength(2_000);
    expect(second[0]?.loc).toBe(`${ORIGIN}/en/news/${(2_001).toString(16).padStart(16, "0")}/rates-bonds-2001`);
    const third = await sitemapOf("/sitemaps/ru-3.xml");
    expect(third.length).toBeGreaterThan(100);
    expect(third[0]?.loc).toBe(`${ORIGIN}/ru/news/${(4_001).toString(16).padStart(16, "0")}/rates-bonds-4001`);
    expect((await get("/sitemaps/en-4.xml")).status).toBe(404);
  });
});

describe("GET /sitemap-news.xml", () => {
  it("lists at most 1,000 articles of the last two days, newest first, in Google's news schema", async () => {
    const res = await get("/sitemap-news.xml");
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).toContain('xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"');
    const urls = parseUrlset(xml);
    expect(urls).toHaveLength(1_000);
    const first = urls[0]!;
    expect(first.loc).toBe(`${ORIGIN}/en/news/${(2_001).toString(16).padStart(16, "0")}/rates-bonds-2001`);
    expect(first.news).toEqual({ name: "Edge News", language: "en", publication_date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), title: "Rates & <bonds> 2001" });
    expect(xml).toContain("<news:title>Rates &amp; &lt;bonds&gt; 2001</news:title>");
    const dates = urls.map((u) => u.news.publication_date!);
    expect([...dates].sort().reverse()).toEqual(dates);
    const cutoff = new Date(Date.now() - 2 * 86_400_000).toISOString();
    expect(dates.every((d) => d >= cutoff.slice(0, 19))).toBe(true);
    // The fixtures' articles are weeks old.
    expect(urls.some((u) => u.loc.includes(english.id))).toBe(false);
  });

  it("lists only articles of the last two days", async () => {
    await env.DB.prepare("UPDATE articles SET published_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-3 days') WHERE pk > 2050").run();
    await addSource("edu-relevance-fr", "/relevance/fr.xml");
    await refreshNow("source=edu-relevance-fr");
    const urls = parseUrlset(await (await get("/sitemap-news.xml")).text());
    expect(urls.map((u) => u.loc)).toEqual(
      Array.from({ length: 50 }, (_, i) => 2_001 + i).map((pk) => `${ORIGIN}/en/news/${pk.toString(16).padStart(16, "0")}/rates-bonds-${pk}`),
    );
  });
});
