import { env, SELF } from "cloudflare:test";
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import { Parser } from "htmlparser2";
import { beforeAll, describe, expect, it } from "vitest";
import { LOCALES } from "../../src/i18n/locales";
import { addSource, getJson, runCron } from "../support/worker";

const get = (path: string, headers: Record<string, string> = {}) => SELF.fetch(`http://app.test${path}`, { headers });

/**
 * What feedsmith (a lenient parser) does not check: one root element, every element closed,
 * no stray `&`, no characters XML 1.0 forbids, and the UTF-8 declaration.
 */
function xmlFaults(xml: string): string[] {
  const faults: string[] = [];
  const selfClosing: boolean[] = [];
  let roots = 0;
  const parser: Parser = new Parser(
    {
      onopentag(name) {
        if (selfClosing.length === 0) roots++;
        selfClosing.push(xml.slice(parser.startIndex, parser.endIndex + 1).endsWith("/>"));
        if (!name) faults.push("nameless element");
      },
      onclosetag(name, implied) {
        if (implied && !selfClosing.at(-1)) faults.push(`<${name}> is not closed`);
        selfClosing.pop();
      },
    },
    { xmlMode: true },
  );
  parser.end(xml);
  if (roots !== 1) faults.push(`${roots} root elements`);
  if (!xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')) faults.push("no UTF-8 XML declaration");
  if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(xml)) faults.push("unescaped &");
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(xml)) faults.push("character not allowed in XML");
  return faults;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const RFC822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

interface Item {
  id: string;
  title: string;
  language: string;
  link: string;
}

/** Fetches a feed, checks it against its format's spec, and returns its items. */
async function validFeed(path: string): Promise<{ res: Response; items: Item[] }> {
  const res = await get(path);
  expect(res.status, path).toBe(200);
  const text = await res.text();
  const self = `http://app.test${path}`;
  const format = path.split("?")[0]!.split(".").pop();
  if (format === "rss") {
    expect(res.headers.get("content-type")).toBe("application/rss+xml; charset=utf-8");
    expect(xmlFaults(text), path).toEqual([]);
    expect(text).toMatch(/<rss version="2.0"[ >]/);
    const feed = parseRssFeed(text);
    // RSS 2.0: a channel needs title, link and description; an item, a title or a description.
    expect(feed.title && feed.link && feed.description, path).toBeTruthy();
    expect(feed.lastBuildDate).toMatch(RFC822);
    expect(feed.atom?.links?.find((l) => l.rel === "self")?.href).toBe(self);
    return {
      res,
      items: (feed.items ?? []).map((i) => {
        expect(i.title || i.description).toBeTruthy();
        expect(i.pubDate).toMatch(RFC822);
        expect(i.guid?.isPermaLink).toBe(false);
        return { id: i.guid!.value!, title: i.title!, language: i.dc!.languages![0]!, link: i.link! };
      }),
    };
  }
  if (format === "atom") {
    expect(res.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    expect(xmlFaults(text), path).toEqual([]);
    expect(text).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
    const feed = parseAtomFeed(text);
    // RFC 4287: a feed needs id, title and updated, and an author unless every entry has one.
    expect(feed.id && feed.title?.value, path).toBeTruthy();
    expect(feed.updated).toMatch(RFC3339);
    expect(feed.links?.find((l) => l.rel === "self")?.href).toBe(self);
    return {
      res,
      items: (feed.entries ?? []).map((e) => {
        expect(e.id && e.title?.value).toBeTruthy();
        expect(e.updated).toMatch(RFC3339);
        expect(e.authors?.[0]?.name).toBeTruthy();
        return { id: e.id!, title: e.title!.value!, language: e.summary!.xml!.lang!, link: e.links!.find((l) => l.rel === "alternate")!.href! };
      }),
    };
  }
  expect(res.headers.get("content-type")).toBe("application/feed+json; charset=utf-8");
  const raw = JSON.parse(text) as { version: string };
  expect(raw.version).toBe("https://jsonfeed.org/version/1.1");
  const feed = parseJsonFeed(raw);
  // JSON Feed 1.1: title and items are required; each item needs an id and some content.
  expect(feed.title).toBeTruthy();
  expect(feed.feed_url).toBe(self);
  return {
    res,
    items: (feed.items ?? []).map((i) => {
      expect(typeof i.id).toBe("string");
      expect(i.content_text ?? i.content_html).toBeTruthy();
      expect(i.date_published).toMatch(RFC3339);
      return { id: i.id!, title: i.title!, language: i.language!, link: i.url! };
    }),
  };
}

const articleIds = (items: Item[]) => items.map((i) => i.id.replace("urn:edge-news:article:", ""));

beforeAll(async () => {
  await addSource("edu-en", "/basic/en.xml");
  await addSource("edu-fr", "/basic/fr.atom");
  await runCron();
});

describe.each(["rss", "atom", "json"])("the %s feed", (format) => {
  it("carries the same listing as the API, newest first", async () => {
    const { items } = await validFeed(`/feeds/en.${format}`);
    const { body } = await getJson("/api/v1/articles?per_page=30");
    expect(articleIds(items)).toEqual(body.data.map((a: { id: string }) => a.id));
    expect(items.map((i) => i.title)).toEqual(body.data.map((a: { title: string }) => a.title));
  });

  it("filters by content language and by source", async () => {
    const fr = await validFeed(`/feeds/en.${format}?lang=fr`);
    expect(fr.items).toHaveLength(3);
    expect(fr.items.every((i) => i.language === "fr")).toBe(true);
    const source = await validFeed(`/feeds/en.${format}?source=edu-en&per_page=5`);
    expect(articleIds(source.items)).toEqual((await getJson("/api/v1/articles?source=edu-en&per_page=5")).body.data.map((a: { id: string }) => a.id));
  });

  it("follows a saved search", async () => {
    const { items } = await validFeed(`/feeds/en.${format}?q=school`);
    const { body } = await getJson("/api/v1/search?q=school&sort=date&per_page=30");
    expect(body.meta.total).toBeGreaterThan(0);
    expect(articleIds(items)).toEqual(body.data.map((a: { id: string }) => a.id));
  });

  it("is valid when nothing matches", async () => {
    expect((await validFeed(`/feeds/en.${format}?q=zzzznothingmatches`)).items).toEqual([]);
  });

  it("links each item to its article page", async () => {
    const { items } = await validFeed(`/feeds/es.${format}?per_page=1`);
    const page = await SELF.fetch(items[0]!.link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(items[0]!.title.replace(/'/g, "&#39;"));
  });

  it("answers a conditional GET with 304", async () => {
    const { res } = await validFeed(`/feeds/fr.${format}`);
    const again = await get(`/feeds/fr.${format}`, { "if-none-match": res.headers.get("etag")! });
    expect(again.status).toBe(304);
  });
});

describe("feeds in every UI locale", () => {
  it.each(LOCALES.map((l) => l.code))("/feeds/%s.* are valid and in that locale", async (locale) => {
    for (const format of ["rss", "atom", "json"]) {
      const { res } = await validFeed(`/feeds/${locale}.${format}?per_page=3`);
      expect(res.headers.get("content-language")).toBe(locale);
    }
    const atom = await (await get(`/feeds/${locale}.atom?per_page=1`)).text();
    expect(atom).toContain(`xml:lang="${locale}"`);
  });
});

describe("feeds and hostile text", () => {
  it("stay valid when titles and summaries hold markup characters, quotes and other scripts", async () => {
    await env.DB.prepare("UPDATE articles SET title = ?, summary = ? WHERE guid = 'edu-en-01'")
      .bind(`AT&T <b>"quoted"</b> & 'apos' ]]> — مرحبا 你好`, "Less < more > & so on\u0001")
      .run();
    const { contentChanged } = await import("../../src/cache/version");
    await contentChanged(env, { kind: "articles", stored: 1 });
    for (const format of ["rss", "atom", "json"]) {
      const { items } = await validFeed(`/feeds/ar.${format}?source=edu-en&per_page=30`);
      expect(items.map((i) => i.title)).toContain(`AT&T <b>"quoted"</b> & 'apos' ]]> — مرحبا 你好`);
    }
  });
});

describe("feed addresses that do not exist", () => {
  it("are 404 problems, and bad filters 400 problems", async () => {
    for (const path of ["/feeds/de.rss", "/feeds/en.xml", "/feeds/en", "/feeds/EN.rss"]) {
      expect((await get(path)).status, path).toBe(404);
    }
    const bad = await get("/feeds/en.rss?per_page=1000&lang=english");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path).sort()).toEqual(["lang", "per_page"]);
  });
});
