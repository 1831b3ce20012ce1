import { mkdir } from "node:fs/promises";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { languageName, plural } from "../../src/i18n/format";
import { LOCALES, type Locale } from "../../src/i18n/locales";
import { messages } from "../../src/i18n/messages";
import { launchBrowser, openSession, seriousViolations, type Session } from "./browser";

const baseUrl = inject("baseUrl");
const SCREENSHOTS = "test-results/e2e";
let browser: Browser;
let total: number;

async function api<T = any>(path: string): Promise<T> {
  const res = await fetch(`${baseUrl}${path}`);
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return (await res.json()) as T;
}

/** Runs a scenario in a fresh context; any console error or failed request fails the test. */
async function inBrowser(scenario: (s: Session) => Promise<void>, options?: { javaScriptEnabled?: boolean }) {
  const session = await openSession(browser, baseUrl, options);
  try {
    await scenario(session);
    expect(session.problems).toEqual([]);
  } finally {
    await session.context.close();
  }
}

beforeAll(async () => {
  browser = await launchBrowser();
  await mkdir(SCREENSHOTS, { recursive: true });
  total = (await api("/api/v1/articles?per_page=1")).meta.total;
  expect(total).toBeGreaterThan(100);
});

afterAll(async () => {
  await browser?.close();
});

describe("listing in every locale", () => {
  it.each(LOCALES.map((l) => l.code))("/%s/ renders in its language", async (locale) => {
    await inBrowser(async ({ page }) => {
      const res = await page.goto(`/${locale}/`);
      expect(res?.status()).toBe(200);
      const html = page.locator("html");
      await expect(html.getAttribute("lang")).resolves.toBe(locale);
      await expect(html.getAttribute("dir")).resolves.toBe(locale === "ar" ? "rtl" : "ltr");
      const t = messages(locale);
      await expect(page.locator("h1").innerText()).resolves.toBe(t.listing.title);
      await expect(page.locator(".count").innerText()).resolves.toBe(plural(locale, t.listing.results, total));
      await expect(page.locator("ol.articles > li").count()).resolves.toBe(10);
      if (locale === "en" || locale === "ar" || locale === "zh") {
        await page.screenshot({ path: `${SCREENSHOTS}/listing-${locale}.png`, fullPage: true });
      }
    });
  });

  it("sends each listing as one small HTML response", async () => {
    for (const { code } of LOCALES) {
      const res = await fetch(`${baseUrl}/${code}/`);
      const bytes = (await res.arrayBuffer()).byteLength;
      expect(bytes, code).toBeLessThan(32 * 1024);
    }
  });

  it("mirrors the layout in Arabic", async () => {
    await inBrowser(async ({ page }) => {
      await page.goto("/ar/?page=2");
      expect(await page.evaluate(() => getComputedStyle(document.body).direction)).toBe("rtl");
      const width = page.viewportSize()!.width;
      const brand = (await page.locator(".brand").boundingBox())!;
      expect(brand.x).toBeGreaterThan(width / 2);
      const h1 = (await page.locator("h1").boundingBox())!;
      expect(h1.x + h1.width).toBeGreaterThan(width / 2);
      // "Previous" comes first in reading order, so it sits to the right of "Next".
      const prev = (await page.locator('a[rel="prev"]').boundingBox())!;
      const next = (await page.locator('a[rel="next"]').boundingBox())!;
      expect(prev.x).toBeGreaterThan(next.x);
    });
  });
});

describe("navigation by clicking", () => {
  it("pages through the listing with numbered and next/previous links", async () => {
    const last = Math.ceil(total / 10);
    await inBrowser(async ({ page }) => {
      await page.goto("/en/");
      const current = page.locator('.pager a[aria-current="page"]');
      await expect(current.getAttribute("href")).resolves.toBe("/en/");
      await expect(page.locator(".pager").innerText()).resolves.toContain("…");
      await page.click('a[rel="next"]');
      await page.waitForURL(/\/en\/\?page=2$/);
      await expect(current.getAttribute("href")).resolves.toBe("/en/?page=2");
      await page.getByRole("link", { name: `Page ${last}`, exact: true }).click();
      await page.waitForURL(new RegExp(`/en/\\?page=${last}$`));
      await expect(page.locator('a[rel="next"]').count()).resolves.toBe(0);
      await expect(page.locator("ol.articles > li").count()).resolves.toBe(total - (last - 1) * 10);
      await page.click('a[rel="prev"]');
      await page.waitForURL(new RegExp(`/en/\\?page=${last - 1}$`));
      await expect(page.locator("ol.articles > li").count()).resolves.toBe(10);
    });
  });

  it("switches language on the same page and filters", async () => {
    await inBrowser(async ({ page }) => {
      await page.goto("/en/?lang=fr&page=2");
      await page.locator("nav.langs").getByRole("link", { name: "Русский" }).click();
      await page.waitForURL(/\/ru\/\?lang=fr&page=2$/);
      await expect(page.locator("html").getAttribute("lang")).resolves.toBe("ru");
      await expect(page.locator('.pager a[aria-current="page"]').textContent()).resolves.toBe("Страница 2");
    });
  });

  it("filters the listing with the language picker", async () => {
    await inBrowser(async ({ page }) => {
      await page.goto("/en/");
      await page.locator("form.filters").getByLabel("Language").selectOption("ko");
      await page.getByRole("button", { name: "Apply" }).click();
      await page.waitForURL(/\/en\/\?lang=ko/);
      const languages = await page.locator("ol.articles > li > div").evaluateAll((els) => els.map((e) => e.getAttribute("lang")));
      expect(languages).toHaveLength(10);
      expect(new Set(languages)).toEqual(new Set(["ko"]));
    });
  });

  it("searches from the header box and sorts by date", async () => {
    await inBrowser(async ({ page }) => {
      await page.goto("/en/");
      await page.getByRole("searchbox", { name: "Search news" }).fill("UNESCO");
      await page.getByRole("button", { name: "Search", exact: true }).click();
      await page.waitForURL(/\/en\/search\?q=UNESCO$/);
      await expect(page.locator("h1").innerText()).resolves.toBe("Results for UNESCO");
      await expect(page.locator(".count").innerText()).resolves.toMatch(/^\d+ results? found$/);
      const marks = await page.locator("ol.articles mark").allInnerTexts();
      expect(marks.length).toBeGreaterThan(0);
      expect(marks.some((m) => m.toLowerCase() === "unesco")).toBe(true);
      await page.getByRole("link", { name: "Newest first" }).click();
      await page.waitForURL(/sort=date/);
      const dates = await page.locator("ol.articles time").evaluateAll((els) => els.map((e) => e.getAttribute("datetime")!));
      expect(dates.length).toBeGreaterThan(1);
      expect([...dates].sort().reverse()).toEqual(dates);
    });
  });

  it("applies every filter of the advanced search form", async () => {
    const expected = await api("/api/v1/search?q=UNESCO&lang=fr&from=2026-09-05&to=2026-11-20&sort=date&per_page=100");
    expect(expected.meta.total).toBeGreaterThan(0);
    await inBrowser(async ({ page }) => {
      await page.goto("/en/search/advanced");
      await page.getByLabel("All of these words").fill("UNESCO");
      await page.getByLabel(languageName("en", "fr"), { exact: true }).check();
      await page.getByLabel("From", { exact: true }).fill("2026-09-05");
      await page.getByLabel("To", { exact: true }).fill("2026-11-20");
      await page.getByLabel("Sort by").selectOption("date");
      await page.getByRole("button", { name: "Search", exact: true }).last().click();
      await page.waitForURL(/\/en\/search\?/);
      const url = new URL(page.url());
      expect(Object.fromEntries(url.searchParams)).toEqual({ q: "UNESCO", lang: "fr", from: "2026-09-05", to: "2026-11-20", sort: "date" });
      await expect(page.locator(".count").innerText()).resolves.toBe(plural("en", messages("en").listing.results, expected.meta.total));
      const items = page.locator("ol.articles > li");
      const languages = await items.locator("div[lang]").evaluateAll((els) => els.map((e) => e.getAttribute("lang")));
      const dates = await items.locator("time").evaluateAll((els) => els.map((e) => e.getAttribute("datetime")!.slice(0, 10)));
      expect(languages).toEqual(expected.data.map(() => "fr"));
      expect(dates).toEqual(expected.data.map((a: { published_at: string }) => a.published_at.slice(0, 10)));
      expect(dates.every((d) => d >= "2026-09-05" && d <= "2026-11-20")).toBe(true);
    });
  });

  it("works without JavaScript", async () => {
    await inBrowser(
      async ({ page }) => {
        await page.goto("/fr/");
        await page.getByRole("searchbox").fill("climat");
        await page.getByRole("searchbox").press("Enter");
        await page.waitForURL(/\/fr\/search\?q=climat$/);
        await expect(page.locator("ol.articles > li").count()).resolves.toBeGreaterThan(0);
        await page.goto("/fr/");
        await page.click('a[rel="next"]');
        await page.waitForURL(/\/fr\/\?page=2$/);
      },
      { javaScriptEnabled: false },
    );
  });
});

describe("article pages", () => {
  it("carry reciprocal hreflang links and lead to the other languages", async () => {
    await inBrowser(async ({ page }) => {
      await page.goto("/en/?lang=en");
      await page.locator("ol.articles > li h2 a").first().click();
      await page.waitForURL(/\/en\/news\/[0-9a-f]{16}\//);
      const alternates = () =>
        page.locator('head link[rel="alternate"][hreflang]').evaluateAll((els) =>
          Object.fromEntries(els.map((e) => [e.getAttribute("hreflang")!, e.getAttribute("href")!])),
        );
      const set = await alternates();
      expect(Object.keys(set).sort()).toEqual(["ar", "en", "es", "fr", "ko", "ru", "x-default", "zh"]);
      expect(set["x-default"]).toBe(set.en);
      await expect(page.locator('link[rel="canonical"]').getAttribute("href")).resolves.toBe(page.url());
      for (const language of ["fr", "ar", "zh"]) {
        await page.goto(set[language]!);
        expect(await alternates(), language).toEqual(set);
      }
      await page.goto(set.en!);
      await page.locator("nav.translations").getByRole("link", { name: "العربية" }).click();
      await page.waitForURL(set.ar!);
      await expect(page.locator("html").getAttribute("dir")).resolves.toBe("rtl");
      await expect(page.locator("time").first().getAttribute("datetime")).resolves.toMatch(/^\d{4}-\d{2}-\d{2}T/);
      await expect(page.getByRole("link", { name: messages("ar").article.readAtSource }).count()).resolves.toBe(1);
    });
  });
});

describe("accessibility", () => {
  const pages: [string, Locale][] = [
    ["/en/", "en"],
    ["/ar/", "ar"],
    ["/zh/", "zh"],
    ["/ko/?page=3", "ko"],
    ["/ru/search?q=ЮНЕСКО", "ru"],
    ["/es/search/advanced", "es"],
    ["/ar/sources", "ar"],
    ["/fr/no-such-page", "fr"],
    ["/en/?page=0", "en"],
  ];

  it("finds no serious or critical axe violations on listing, search, form and error pages", async () => {
    await inBrowser(async ({ page }) => {
      const found: Record<string, unknown> = {};
      for (const [path] of pages) {
        await page.goto(path);
        const violations = await seriousViolations(page);
        if (violations.length) found[path] = violations;
      }
      expect(found).toEqual({});
    });
  });

  it("finds no serious or critical axe violations on article pages in both directions", async () => {
    const [article] = (await api("/api/v1/articles?lang=en&per_page=1")).data;
    await inBrowser(async ({ page }) => {
      const found: Record<string, unknown> = {};
      for (const locale of ["en", "ar"]) {
        await page.goto(`/${locale}/news/${article.id}/${article.slug}`);
        const violations = await seriousViolations(page);
        if (violations.length) found[locale] = violations;
      }
      expect(found).toEqual({});
    });
  });

  it("moves focus to the main content with the skip link", async () => {
    await inBrowser(async ({ page }) => {
      await page.goto("/ko/");
      await page.keyboard.press("Tab");
      await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe(messages("ko").nav.skip);
      await page.keyboard.press("Enter");
      await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("main");
    });
  });
});
