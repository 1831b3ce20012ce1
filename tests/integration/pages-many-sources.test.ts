import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { contentChanged } from "../../src/cache/version";
import { LOCALES } from "../../src/i18n/locales";
import { messages } from "../../src/i18n/messages";
import { LISTED_SOURCES } from "../../src/pages/site-options";
import { addSource, runCron } from "../support/worker";

const MANY = 10_000;
/** A reader page with ten articles and a bounded form weighs about 13 KB; every source listed would add over 500 KB. */
const PAGE_BUDGET_BYTES = 32 * 1024;

const page = async (path: string) => {
  const res = await SELF.fetch(`http://app.test${path}`, { redirect: "manual" });
  return { res, html: await res.text() };
};

/** The `<option>`s of the `<select>` with this id. */
function optionsOf(html: string, id: string): string[] {
  const select = html.match(new RegExp(`<select id="${id}"[^>]*>([\\s\\S]*?)</select>`));
  expect(select, id).not.toBeNull();
  return [...select![1]!.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]!);
}

beforeAll(async () => {
  await addSource("edu-en", "/basic/en.xml", { name: "Education news" });
  await runCron();
  // Ten thousand sources written straight to D1 in one statement, as a large import leaves them.
  await env.DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
     INSERT INTO sources (id, name, url, language)
     SELECT printf('bulk-%05d', i), printf('Bulk source %05d', i), printf('https://bulk.example.org/%05d.xml', i), 'en' FROM n`,
  )
    .bind(MANY)
    .run();
  await contentChanged(env, { kind: "sources-imported", updated: 0, added: MANY });
  expect((await env.DB.prepare("SELECT count(*) AS n FROM sources").first<{ n: number }>())?.n).toBe(MANY + 1);
});

describe("reader filter forms with 10,000 sources", () => {
  it("list the busiest sources only, and stay small on every locale", async () => {
    for (const { code } of LOCALES) {
      const { res, html } = await page(`/${code}/`);
      expect(res.status).toBe(200);
      expect(html.length, code).toBeLessThan(PAGE_BUDGET_BYTES);
      const listed = optionsOf(html, "filter-source");
      expect(listed, code).toHaveLength(LISTED_SOURCES + 1);
      expect(listed[0]).toBe("");
      expect(listed).toContain("edu-en");
      const t = messages(code);
      expect(html).toContain(`<label for="filter-source-id">${t.listing.otherSource}</label>`);
      expect(html).toContain(t.listing.otherSourceHint);
    }
  });

  it("keeps the selected sources in the picker, however few articles they have", async () => {
    const { res, html } = await page("/fr/?source=bulk-07777");
    expect(res.status).toBe(200);
    expect(html.length).toBeLessThan(PAGE_BUDGET_BYTES);
    expect(optionsOf(html, "filter-source")).toContain("bulk-07777");
    expect(html).toMatch(/<option value="bulk-07777" selected="">Bulk source 07777<\/option>/);
  });

  it("filters by a source typed in the id field, as the untouched picker submits with it", async () => {
    const { res, html } = await page("/en/?source=&source=bulk-00042");
    expect(res.status).toBe(200);
    expect(html).toMatch(/<option value="bulk-00042" selected="">Bulk source 00042<\/option>/);
    expect(html).toContain(messages("en").listing.empty);
  });

  it("bounds the search and advanced search forms the same way", async () => {
    const search = await page("/ko/search?q=school&source=bulk-09999");
    expect(search.res.status).toBe(200);
    expect(search.html.length).toBeLessThan(PAGE_BUDGET_BYTES);
    expect(optionsOf(search.html, "filter-source")).toContain("bulk-09999");
    expect(optionsOf(search.html, "filter-source").length).toBeLessThanOrEqual(LISTED_SOURCES + 2);

    const advanced = await page("/ar/search/advanced?source=bulk-00001");
    expect(advanced.res.status).toBe(200);
    expect(advanced.html.length).toBeLessThan(PAGE_BUDGET_BYTES);
    const listed = optionsOf(advanced.html, "adv-source");
    expect(listed).toContain("bulk-00001");
    expect(listed).toContain("edu-en");
    expect(listed.length).toBeLessThanOrEqual(LISTED_SOURCES + 2);
    expect(advanced.html).toContain(`<label for="adv-source-id">${messages("ar").listing.otherSource}</label>`);
  });
});

describe("the source directory with 10,000 sources", () => {
  const links = (html: string) => [...html.matchAll(/<h2[^>]*><a href="([^"]+)">/g)].map((m) => m[1]!);

  it("is linked from the id field of every filter form", async () => {
    for (const path of ["/en/", "/en/search?q=school", "/en/search/advanced"]) {
      const { html } = await page(path);
      expect(html, path).toContain(`<a href="/en/sources">${messages("en").sources.browse}</a>`);
    }
  });

  it("lists every source a page at a time, in each locale, each linking to its articles", async () => {
    for (const { code } of LOCALES) {
      const { res, html } = await page(`/${code}/sources`);
      expect(res.status, code).toBe(200);
      expect(html.length, code).toBeLessThan(PAGE_BUDGET_BYTES);
      expect(html).toContain(`<h1>${messages(code).sources.title}</h1>`);
      expect(links(html)).toHaveLength(50);
      expect(links(html)[0]).toBe(`/${code}/?source=bulk-00001`);
    }
    const { html } = await page("/en/sources?page=3");
    expect(html).toContain("10,001 sources");
    expect(links(html)[0]).toBe("/en/?source=bulk-00101");
    expect(html).toContain('rel="next"');
  });

  it("finds sources by a prefix of the name or id", async () => {
    const byId = await page("/fr/sources?q=bulk-0777");
    expect(links(byId.html)).toEqual(Array.from({ length: 10 }, (_, i) => `/fr/?source=bulk-0777${i}`));
    expect(byId.html).toContain('value="bulk-0777"');
    const byName = await page("/en/sources?q=education");
    expect(links(byName.html)).toEqual(["/en/?source=edu-en"]);
    expect(byName.html).toContain("12 articles");
    const none = await page("/ko/sources?q=zzz");
    expect(none.res.status).toBe(200);
    expect(none.html).toContain(messages("ko").sources.empty);
  });

  it("answers 400 naming the fault past the paging depth, and 404 past the last page", async () => {
    expect((await page("/en/sources?page=201")).res.status).toBe(400);
    expect((await page(`/en/sources?q=${"a".repeat(101)}`)).res.status).toBe(400);
    expect((await page("/en/sources?q=bulk-0777&page=2")).res.status).toBe(404);
  });
});
