// The sitemaps as a crawler meets them on the stack a user runs (`npm start`): robots.txt names
// them, and every file validates against the sitemaps.org schema (with Google's news and hreflang
// elements) under xmllint and parses with the `sitemap` package's parser in its strict mode.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { Readable } from "node:stream";
import { ErrorLevel, parseSitemapIndex, validateSMIOptions, XMLToSitemapItemStream, type SitemapItem } from "sitemap";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
// @ts-expect-error plain ESM module shared with `npm start`, typed by its JSDoc
import { startUpstream } from "../../demo/upstream.mjs";
import { LOCALES } from "../../src/i18n/locales";

const baseUrl = inject("baseUrl");
const admin = { authorization: `Bearer ${inject("adminToken")}`, "content-type": "application/json" };
const SCHEMAS = path.join(import.meta.dirname, "schemas");
const SOURCE = "e2e-sitemaps-fresh";
let upstream: { origin: string; close: () => Promise<void> };

/** A feed published just now, so the news sitemap (last two days) has something to list. */
function freshFeed(): string {
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toUTCString();
  const items = [
    ["fresh-1", "Ministers agree on school meals & clean water", 1],
    ["fresh-2", "Rural clinics get \"solar\" power", 5],
    ["fresh-3", "Teachers' pay rises in three regions", 30],
  ] as const;
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Fresh</title><link>https://fresh.example.org/</link><language>en</language>${items
    .map(([guid, title, h]) => `<item><guid>${guid}</guid><title>${title.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</title><link>https://fresh.example.org/${guid}</link><pubDate>${hoursAgo(h)}</pubDate><description>${title.replace(/&/g, "&amp;").replace(/</g, "&lt;")}.</description></item>`)
    .join("")}</channel></rss>`;
}

async function get(pathname: string): Promise<string> {
  const res = await fetch(`${baseUrl}${pathname}`);
  expect(res.status, pathname).toBe(200);
  return res.text();
}

/** xmllint's verdict on a document against one of the schemas: "" when it validates. */
function xmllint(xml: string, schema: string): string {
  try {
    execFileSync("xmllint", ["--noout", "--schema", path.join(SCHEMAS, schema), "-"], { input: xml, stdio: ["pipe", "pipe", "pipe"] });
    return "";
  } catch (error) {
    return String((error as { stderr?: Buffer }).stderr ?? error);
  }
}

/** The sitemap package's parser in strict mode: it throws on anything it finds invalid. */
async function parseStrict(xml: string): Promise<SitemapItem[]> {
  const items: SitemapItem[] = [];
  const parser = Readable.from([xml]).pipe(new XMLToSitemapItemStream({ level: ErrorLevel.THROW, logger: false }));
  for await (const item of parser) items.push(validateSMIOptions(item as SitemapItem, ErrorLevel.THROW));
  expect(parser.errors).toEqual([]);
  return items;
}

beforeAll(async () => {
  upstream = await startUpstream({
    root: path.join(import.meta.dirname, "..", "fixtures", "feeds"),
    routes: { "/fresh.xml": (_req: unknown, res: { writeHead: (s: number, h: object) => { end: (b: string) => void } }) => res.writeHead(200, { "content-type": "application/rss+xml" }).end(freshFeed()) },
  });
  const created = await fetch(`${baseUrl}/api/v1/sources`, { method: "POST", headers: admin, body: JSON.stringify({ id: SOURCE, name: "Fresh", url: `${upstream.origin}/fresh.xml`, language: "en" }) });
  expect(created.status).toBe(201);
  const run = await fetch(`${baseUrl}/api/v1/admin/refresh?source=${SOURCE}&force=true`, { method: "POST", headers: admin });
  expect(run.status).toBe(200);
});

afterAll(async () => {
  // The stack outlives this file: leave its other tests only the demo sources.
  await fetch(`${baseUrl}/api/v1/sources/${SOURCE}?purge=true`, { method: "DELETE", headers: admin, signal: AbortSignal.timeout(5000) }).catch(() => {});
  await upstream?.close();
});

describe("sitemaps on the running stack", () => {
  it("are named by robots.txt, and the index validates and lists a file per UI locale", async () => {
    const robots = await get("/robots.txt");
    const named = [...robots.matchAll(/^Sitemap: (.+)$/gm)].map((m) => m[1]);
    expect(named).toEqual([`${baseUrl}/sitemap.xml`, `${baseUrl}/sitemap-news.xml`]);
    const index = await get("/sitemap.xml");
    expect(xmllint(index, "siteindex.xsd")).toBe("");
    const files = (await parseSitemapIndex(Readable.from([index]))).map((s) => s.url);
    expect(files).toEqual(LOCALES.map((l) => `${baseUrl}/sitemaps/${l.code}-1.xml`));
  });

  it("every per-locale file validates and parses strictly, with lastmod and hreflang alternates on each URL", async () => {
    for (const { code } of LOCALES) {
      const xml = await get(`/sitemaps/${code}-1.xml`);
      expect(xmllint(xml, "urlset.xsd"), code).toBe("");
      const items = await parseStrict(xml);
      expect(items.length, code).toBeGreaterThan(20);
      for (const item of items) {
        expect(item.url.startsWith(`${baseUrl}/${code}/news/`)).toBe(true);
        expect(item.lastmod).toBeTruthy();
        const langs = item.links.map((l) => l.lang);
        expect(langs).toContain("x-default");
        expect(langs).toEqual(expect.arrayContaining(LOCALES.map((l) => l.code)));
        expect(item.links.map((l) => l.url)).toContain(item.url);
      }
    }
  });

  it("the news sitemap validates and lists the fresh articles with their publication", async () => {
    const xml = await get("/sitemap-news.xml");
    expect(xmllint(xml, "urlset.xsd")).toBe("");
    const items = await parseStrict(xml);
    expect(items.map((i) => i.news?.title)).toEqual(["Ministers agree on school meals & clean water", "Rural clinics get \"solar\" power", "Teachers' pay rises in three regions"]);
    for (const item of items) {
      expect(item.url.startsWith(`${baseUrl}/en/news/`)).toBe(true);
      expect(item.news?.publication).toEqual({ name: "Edge News", language: "en" });
    }
  });

  it("a schema-invalid document is caught: the validation is real", () => {
    const bad = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><lastmod>yesterday</lastmod></url></urlset>`;
    expect(xmllint(bad, "urlset.xsd")).toMatch(/fails to validate/);
  });
});
