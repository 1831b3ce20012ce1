import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { LOCALES, type Locale } from "../../src/i18n/locales";
import { messages } from "../../src/i18n/messages";
import { buildQuery } from "../../src/pages/advanced-query";
import { pageWindow } from "../../src/pages/page-window";
import { addSource, cacheOf, fetchSettled, getJson, runCron } from "../support/worker";

const page = (path: string, init?: RequestInit) => SELF.fetch(`http://app.test${path}`, { redirect: "manual", ...init });
const num = (locale: Locale, n: number) => new Intl.NumberFormat(locale).format(n);

interface Listed {
  id: string;
  slug: string;
  title: string;
  language: string;
}
let english: Listed;
let french: Listed;

beforeAll(async () => {
  await addSource("edu-en", "/basic/en.xml");
  await addSource("edu-fr", "/basic/fr.atom");
  await runCron();
  const { body } = await getJson("/api/v1/articles?per_page=100");
  english = body.data.find((a: Listed) => a.title.startsWith("School meals"));
  french = body.data.find((a: Listed) => a.title.startsWith("Les écoles rurales"));
  // The basic fixtures carry no hreflang alternates: make these two one story group.
  await env.DB.prepare("UPDATE articles SET story_group = 'g-pages-test' WHERE id IN (?, ?)").bind(english.id, french.id).run();
});

describe("GET /", () => {
  it("redirects to the locale the browser prefers, varying on Accept-Language", async () => {
    const res = await page("/", { headers: { "accept-language": "fr-CA,fr;q=0.9,en;q=0.5" } });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/fr/");
    expect(res.headers.get("vary")).toContain("Accept-Language");
    expect((await page("/", { headers: { "accept-language": "zh-TW" } })).headers.get("location")).toBe("/zh/");
    expect((await page("/", { headers: { "accept-language": "de, nl;q=0.5" } })).headers.get("location")).toBe("/en/");
    expect((await page("/")).headers.get("location")).toBe("/en/");
  });

  it("adds the missing slash to a bare locale", async () => {
    const res = await page("/ko?page=2");
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe("/ko/?page=2");
  });
});

describe("listing pages", () => {
  const counts: Record<Locale, (n: string) => string> = {
    en: (n) => `${n} results found`,
    fr: (n) => `${n} résultats trouvés`,
    es: (n) => `${n} resultados encontrados`,
    ru: (n) => `Найдено ${n} результатов`,
    ar: (n) => `تم العثور على ${n} نتيجة`,
    zh: (n) => `共找到 ${n} 条结果`,
    ko: (n) => `결과 ${n}건`,
  };

  it.each(LOCALES.map((l) => l.code))("renders /%s/ in its language and direction", async (locale) => {
    const res = await page(`/${locale}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-language")).toBe(locale);
    const html = await res.text();
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain(`<html lang="${locale}" dir="${locale === "ar" ? "rtl" : "ltr"}">`);
    expect(html).toContain(counts[locale](num(locale, 15)));
    expect(html).toContain(`<h1>${messages(locale).listing.title}</h1>`);
  });

  it("sends the security and caching headers of reader pages", async () => {
    const res = await page("/en/");
    expect(res.headers.get("cache-control")).toBe("public, max-age=60, stale-while-revalidate=300");
    expect(res.headers.get("content-security-policy")).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(res.headers.get("etag")).toBeTruthy();
  });

  it("keeps every header when served from the KV cache, and answers If-None-Match with 304", async () => {
    await (await fetchSettled("/es/?lang=en")).text();
    const second = await page("/es/?lang=en");
    expect(cacheOf(second)).toBe("HIT");
    expect(second.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(second.headers.get("cache-control")).toContain("max-age=60");
    expect(second.headers.get("content-language")).toBe("es");
    const etag = second.headers.get("etag")!;
    expect((await page("/es/?lang=en", { headers: { "if-none-match": etag } })).status).toBe(304);
  });

  it("chooses the plural form the locale needs", async () => {
    const three = "?lang=fr";
    const one = "?source=edu-en&from=2026-11-20&to=2026-11-20";
    const cases: [Locale, string, string][] = [
      ["en", three, "3 results found"],
      ["en", one, "1 result found"],
      ["ru", three, "Найдено 3 результата"],
      ["ru", one, "Найден 1 результат"],
      ["ar", three, `تم العثور على ${num("ar", 3)} نتائج`],
      ["ar", one, "تم العثور على نتيجة واحدة"],
      ["fr", one, "1 résultat trouvé"],
    ];
    for (const [locale, query, text] of cases) {
      expect(await (await page(`/${locale}/${query}`)).text()).toContain(text);
    }
  });

  it("has a plural form for every category each locale uses", () => {
    for (const { code } of LOCALES) {
      const forms = messages(code).listing.results;
      for (const category of new Intl.PluralRules(code).resolvedOptions().pluralCategories) {
        if (category !== "many" || code === "ru" || code === "ar") expect(forms, `${code} ${category}`).toHaveProperty(category);
      }
    }
  });

  it("paginates with numbered links, marking the current page", async () => {
    const first = await (await page("/en/")).text();
    expect(first.match(/class="meta"/g)).toHaveLength(10);
    expect(first).toContain('<a href="/en/" aria-current="page"><span class="sr">Page </span>1</a>');
    expect(first).toContain('<a href="/en/?page=2"><span class="sr">Page </span>2</a>');
    expect(first).toContain('<a href="/en/?page=2" rel="next">');
    expect(first).not.toContain('rel="prev"');
    const second = await (await page("/en/?page=2")).text();
    expect(second.match(/class="meta"/g)).toHaveLength(5);
    expect(second).toContain('<a href="/en/" rel="prev">');
    expect(second).toContain('aria-current="page"><span class="sr">Page </span>2</a>');
    expect(second).not.toContain('rel="next"');
  });

  it("keeps filters in page links and in the language switcher", async () => {
    const html = await (await page("/en/?lang=en")).text();
    expect(html).toContain('href="/en/?lang=en&amp;page=2"');
    expect(html).toContain('<a href="/fr/?lang=en" hreflang="fr" lang="fr" dir="ltr">Français</a>');
    expect(html).toContain('<a href="/ar/?lang=en" hreflang="ar" lang="ar" dir="rtl">العربية</a>');
    expect(html).toMatch(/<a href="\/en\/\?lang=en" hreflang="en" lang="en" dir="ltr" aria-current="true">English<\/a>/);
  });

  it("links the locale's feeds in the head, filtered like the page", async () => {
    const html = await (await page("/ru/?lang=fr")).text();
    expect(html).toContain('<link rel="alternate" type="application/rss+xml" href="/feeds/ru.rss?lang=fr"');
    expect(html).toContain('<link rel="alternate" type="application/atom+xml" href="/feeds/ru.atom?lang=fr"');
    expect(html).toContain('<link rel="alternate" type="application/feed+json" href="/feeds/ru.json?lang=fr"');
  });

  it("marks articles in another language than the UI with lang and dir", async () => {
    const html = await (await page("/en/?lang=fr")).text();
    expect(html).toContain('<div lang="fr" dir="ltr">');
    expect(await (await page("/fr/?lang=fr")).text()).not.toContain('<div lang="fr"');
  });

  it("answers a page past the end with a localized 404", async () => {
    const res = await page("/es/?page=3");
    expect(res.status).toBe(404);
    expect(await res.text()).toContain(messages("es").errors.notFoundTitle);
  });

  it("ships no script and little CSS", async () => {
    const html = await (await page("/en/")).text();
    expect(html).not.toMatch(/<script/i);
    const css = html.match(/<style>([\s\S]*?)<\/style>/)?.[1] ?? "";
    expect(css.length).toBeGreaterThan(500);
    expect(css.length).toBeLessThan(8 * 1024);
  });
});

describe("no English on other locales' pages", () => {
  const en = messages("en");
  const probes = [en.nav.skip, en.listing.title, en.listing.anyLanguage, en.nav.advanced, en.footer.about, en.feeds.title, "results found"];
  it.each(LOCALES.map((l) => l.code).filter((c) => c !== "en"))("/%s/ shows none of the English UI strings", async (locale) => {
    const html = await (await page(`/${locale}/`)).text();
    for (const probe of probes) expect(html, probe).not.toContain(probe);
  });
});

describe("article pages", () => {
  it("shows the article with its source, date and original link", async () => {
    const res = await page(`/en/news/${english.id}/${english.slug}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`<h1>${english.title}</h1>`);
    expect(html).toContain("Source edu-en");
    expect(html).toContain('<time datetime="2026-11-20T09:00:00Z">November 20, 2026</time>');
    expect(html).toContain('href="https://edu.example.org/en/stories/01"');
    expect(html).toContain("Read at source");
    expect(html).toContain("<p>School meals reach two million pupils in the Sahel.");
  });

  it("carries reciprocal hreflang links with x-default on every member of a story group", async () => {
    const enUrl = `http://app.test/en/news/${english.id}/${english.slug}`;
    const frUrl = `http://app.test/fr/news/${french.id}/${encodeURIComponent(french.slug)}`;
    for (const path of [`/en/news/${english.id}/${english.slug}`, `/fr/news/${french.id}/${french.slug}`, `/ko/news/${french.id}/${french.slug}`]) {
      const html = await (await page(path)).text();
      expect(html, path).toContain(`<link rel="alternate" hreflang="en" href="${enUrl}"/>`);
      expect(html, path).toContain(`<link rel="alternate" hreflang="fr" href="${frUrl}"/>`);
      expect(html, path).toContain(`<link rel="alternate" hreflang="x-default" href="${enUrl}"/>`);
    }
    const html = await (await page(`/en/news/${english.id}/${english.slug}`)).text();
    expect(html).toContain(`<link rel="canonical" href="${enUrl}"/>`);
    expect(html).toContain(`<a href="${frUrl}" hreflang="fr" lang="fr">Français</a>`);
  });

  it("has Open Graph tags", async () => {
    const html = await (await page(`/en/news/${french.id}/${french.slug}`)).text();
    expect(html).toContain('<meta property="og:type" content="article"/>');
    expect(html).toContain(`<meta property="og:title" content="${french.title}"/>`);
    expect(html).toContain(`<meta property="og:url" content="http://app.test/fr/news/${french.id}/${encodeURIComponent(french.slug)}"/>`);
    expect(html).toContain('<meta property="og:locale" content="fr_FR"/>');
    expect(html).toMatch(/<meta property="og:description" content="[^"]+"\/>/);
  });

  it("puts a foreign-language article in a container with its lang, keeping the UI's around it", async () => {
    const html = await (await page(`/ar/news/${english.id}/${english.slug}`)).text();
    expect(html).toContain('<html lang="ar" dir="rtl">');
    expect(html).toContain('<article lang="en" dir="ltr">');
    expect(html).toContain('<p class="meta" lang="ar" dir="rtl">');
    expect(html).toContain(`<time datetime="2026-11-20T09:00:00Z">${new Intl.DateTimeFormat("ar", { dateStyle: "long", timeZone: "UTC" }).format(Date.parse("2026-11-20T09:00:00Z"))}</time>`);
  });

  it("redirects a wrong or missing slug to the canonical one", async () => {
    for (const path of [`/en/news/${english.id}/old-title`, `/en/news/${english.id}`]) {
      const res = await page(path);
      expect(res.status, path).toBe(301);
      expect(res.headers.get("location")).toBe(`/en/news/${english.id}/${english.slug}`);
    }
  });

  it("renders the sanitized content without the hostile parts of the feed", async () => {
    const html = await (await page(`/fr/news/${french.id}/${french.slug}`)).text();
    expect(html).toContain("Deuxième paragraphe.");
    expect(html).not.toMatch(/<script|onclick|javascript:/i);
  });
});

describe("error pages", () => {
  it("answers an unknown article with a localized 404 page", async () => {
    const res = await page("/ko/news/0123456789abcdef/nothing");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    expect(html).toContain('<html lang="ko" dir="ltr">');
    expect(html).toContain("페이지를 찾을 수 없습니다");
    expect(html).toContain('<a href="/ko/">최신 뉴스 보기</a>');
  });

  it("answers unknown paths and malformed ids under a locale with a 404 page", async () => {
    for (const path of ["/ar/no-such-page", "/ar/news/not-an-id/x", "/ar/news/"]) {
      const res = await page(path);
      expect(res.status, path).toBe(404);
      const html = await res.text();
      expect(html).toContain('<html lang="ar" dir="rtl">');
      expect(html).toContain(messages("ar").errors.notFoundTitle);
    }
  });

  it("answers bad parameters with a localized 400 page naming each one", async () => {
    const res = await page("/fr/?page=0&from=hier&lang=français");
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await res.text();
    expect(html).toContain("Cette adresse comporte une erreur");
    for (const param of ["page", "from", "lang"]) expect(html).toContain(`<li data-param="${param}">`);
    expect(html).toContain(messages("fr").errors.params.page);
    expect(html).not.toContain('data-param="to"');
  });

  it("rejects a start date after the end date", async () => {
    const res = await page("/zh/?from=2026-11-20&to=2026-11-01");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<li data-param="from">');
  });
});

describe("search pages", () => {
  it("shows highlighted results with the count and the words in the search box", async () => {
    const res = await page("/en/search?q=school");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<mark>");
    expect(html).toMatch(/\d+ results? found/);
    expect(html).toContain('value="school"');
    expect(html).toContain("Results for <bdi>school</bdi>");
  });

  it("offers a prompt, not an error, when no words are given", async () => {
    const res = await page("/es/search?q=");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(messages("es").search.prompt);
  });

  it("reports a query that is too long as a 400 page", async () => {
    const res = await page(`/en/search?q=${"a".repeat(501)}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<li data-param="q">');
  });

  it("turns a submitted advanced form into a query-language search", async () => {
    const res = await page("/en/search?all=school+meals&phrase=&any=Sahel+Nepal&none=war&lang=en&source=&from=&to=2026-12-31&sort=date");
    expect(res.status).toBe(302);
    const target = new URL(res.headers.get("location")!, "http://app.test");
    expect(target.pathname).toBe("/en/search");
    expect(target.searchParams.get("q")).toBe("school meals (Sahel OR Nepal) -war");
    expect(target.searchParams.getAll("lang")).toEqual(["en"]);
    expect(target.searchParams.get("to")).toBe("2026-12-31");
    expect(target.searchParams.get("sort")).toBe("date");
    expect(target.searchParams.has("source")).toBe(false);
    const results = await (await page(target.pathname + target.search)).text();
    expect(results).toContain("<mark>");
  });

  it("sends an advanced search with filters but no words to the filtered listing", async () => {
    const res = await page("/fr/search?all=&phrase=&any=&none=&lang=fr&sort=relevance");
    expect(res.headers.get("location")).toBe("/fr/?lang=fr");
  });

  it("renders the advanced form with a label for every field", async () => {
    const res = await page("/zh/search/advanced?lang=fr");
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const id of ["adv-all", "adv-phrase", "adv-any", "adv-none", "adv-source", "adv-sort", "adv-from", "adv-to"]) {
      expect(html).toContain(`<label for="${id}">`);
      expect(html).toContain(`id="${id}"`);
    }
    expect(html).toContain('<option value="edu-en">Source edu-en</option>');
    expect(html).toMatch(/<input type="checkbox" name="lang" value="fr" checked="" ?\/?>/);
    // Every source is listed, so no field for other ids.
    expect(html).not.toContain('id="adv-source-id"');
    expect(html).toContain("高级搜索");
  });
});

describe("pure page helpers", () => {
  it("windows page numbers with ellipses", () => {
    expect(pageWindow(1, 16)).toEqual([1, 2, 3, null, 16]);
    expect(pageWindow(8, 16)).toEqual([1, null, 7, 8, 9, null, 16]);
    expect(pageWindow(4, 16)).toEqual([1, 2, 3, 4, 5, null, 16]);
    expect(pageWindow(16, 16)).toEqual([1, null, 14, 15, 16]);
    expect(pageWindow(2, 3)).toEqual([1, 2, 3]);
    expect(pageWindow(1, 1)).toEqual([1]);
  });

  it("writes advanced fields in the query language, quoting what would be syntax", () => {
    expect(buildQuery({ all: "climate  schools", phrase: 'out of "school"', any: "Sahel", none: "war OR" })).toBe(
      'climate schools "out of school" Sahel -war -"OR"',
    );
    expect(buildQuery({ all: "co-op c++" })).toBe('"co-op" "c++"');
    expect(buildQuery({})).toBe("");
  });
});
