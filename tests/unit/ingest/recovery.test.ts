import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FeedParseError, parseFeed } from "../../../src/ingest/parse";
import { FEED_URL, parseQuirk } from "./quirk-fixtures";

describe("parseFeed: ill-formed XML that publishers serve", () => {
  it("keeps bare ampersands as text, in titles and in URLs", async () => {
    const feed = await parseQuirk("bare-ampersands.rss");
    expect(feed.title).toBe("AT&T & Partners News");
    expect(feed.homepage).toBe("https://att.example.com/?a=1&b=2");
    expect(feed.items[0]).toMatchObject({
      title: "Q&A: Ben & Jerry's & more",
      url: "https://att.example.com/story?id=1&ref=rss",
      summaryHtml: "Rock & roll <b>forever</b>",
    });
    expect(feed.warnings).toContain("unescaped '&' kept as literal text");
  });

  it("decodes HTML named entities that XML does not define", async () => {
    const feed = await parseQuirk("html-entities.rss");
    expect(feed.title).toBe("Café du Monde");
    expect(feed.items[0]?.title).toBe("Été – « chaud » ’25 ☺");
    expect(feed.items[0]?.summaryHtml).toBe("Crème &amp; café");
    expect(feed.items[1]?.title).toBe("Double-escaped & once more");
    expect(feed.warnings.some((w) => w.includes("HTML named entities"))).toBe(true);
  });

  it("keeps complete items of a truncated document and the partial one that has a title and link", async () => {
    const feed = await parseQuirk("truncated.rss");
    expect(feed.items.map((i) => i.title)).toEqual(["Complete one", "Complete two", "Partial three"]);
    expect(feed.items[2]).toMatchObject({ url: "https://cut.example.com/3", summaryHtml: null });
    expect(feed.warnings.some((w) => w.includes("truncated"))).toBe(true);
  });

  it("drops a partial item with neither title nor link", () => {
    const xml = `<rss><channel><title>T</title><item><title>ok</title></item><item><description>half`;
    const feed = parseFeed(xml, { url: FEED_URL });
    expect(feed.items.map((i) => i.title)).toEqual(["ok"]);
    expect(feed.warnings).toContain("dropped the item cut off by truncation (no title or link)");
  });

  it("parses a document with whitespace before the XML declaration", async () => {
    const feed = await parseQuirk("whitespace-before-declaration.rss");
    expect(feed.items[0]?.title).toBe("Still parsed");
    expect(feed.warnings).toContain("XML declaration was not at the start of the document");
  });

  it("skips a PHP warning printed before the feed", async () => {
    const feed = await parseQuirk("php-warning-before-root.rss");
    expect(feed.title).toBe("Feed behind a PHP warning");
    expect(feed.items[0]?.url).toBe("https://php.example.com/1");
    expect(feed.warnings).toContain("ignored text or markup before the feed's root element");
  });

  it("recovers fields swallowed by an unclosed tag and raw HTML in a description", async () => {
    const feed = await parseQuirk("unclosed-tags.rss");
    expect(feed.items[0]).toMatchObject({
      title: "Title never closed",
      url: "https://sloppy.example.com/1",
      publishedAt: "2025-11-26T09:15:00Z",
    });
    expect(feed.items[1]?.summaryHtml).toBe("<p>First line<br>second line</p>");
    expect(feed.items[2]).toMatchObject({
      url: "https://sloppy.example.com/3",
      publishedAt: "2025-11-25T09:15:00Z",
      summaryHtml: "Summary text",
    });
    expect(feed.warnings.some((w) => w.startsWith("recovered unclosed element"))).toBe(true);
  });

  it("handles CDATA in titles and descriptions", () => {
    const xml = `<rss><channel><title><![CDATA[A & B]]></title><item><title><![CDATA[<i>X</i> &amp; Y]]></title>
      <description><![CDATA[<p>5 < 6 & 7</p>]]></description></item></channel></rss>`;
    const feed = parseFeed(xml, { url: FEED_URL });
    expect(feed.title).toBe("A & B");
    expect(feed.items[0]).toMatchObject({ title: "X & Y", summaryHtml: "<p>5 < 6 & 7</p>" });
  });
});

describe("parseFeed: security", () => {
  it("never expands DTD entities (billion laughs) and says so", async () => {
    const feed = await parseQuirk("billion-laughs.xml");
    expect(feed.title).toBe("Laughs &lol9;");
    expect(feed.items[0]?.title).toBe("Entity bomb &lol9; and external &xxe;");
    expect(feed.warnings).toContain("DTD internal subset ignored; its entities were not expanded");
  });

  it("bounds very deep nesting instead of recursing without limit", () => {
    const depth = 20_000;
    const xml = `<rss><channel><title>Deep</title><item><title>t</title><description>${"<div>".repeat(depth)}x${"</div>".repeat(depth)}</description></item></channel></rss>`;
    const feed = parseFeed(xml, { url: FEED_URL });
    expect(feed.items[0]?.title).toBe("t");
    expect(feed.warnings.some((w) => w.includes("nested deeper"))).toBe(true);
  });
});

describe("parseFeed: when nothing usable comes out", () => {
  it("throws unrecognized_format for an HTML page", () => {
    expect(() => parseFeed("<!doctype html><html><body>Not a feed</body></html>", { url: FEED_URL })).toThrow(
      expect.objectContaining({ name: "FeedParseError", code: "unrecognized_format" }),
    );
  });

  it("throws no_items_recoverable for a document cut before its first item", () => {
    const err = (() => {
      try {
        parseFeed(new TextEncoder().encode('<?xml version="1.0"?><rss><channel><title>Cut'), { url: FEED_URL });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(FeedParseError);
    expect((err as FeedParseError).code).toBe("no_items_recoverable");
    expect((err as FeedParseError).message).toMatch(/truncated/);
  });

  it("accepts a well-formed feed that simply has no items", () => {
    const feed = parseFeed("<rss><channel><title>Quiet</title><link>https://q.example/</link></channel></rss>", { url: FEED_URL });
    expect(feed).toMatchObject({ title: "Quiet", items: [], warnings: [] });
  });
});

describe("parseFeed: arbitrary input", () => {
  const fragments = fc.constantFrom(
    "<rss>", "<channel>", "<item>", "</item>", "<title>", "</title>", "<link>", "https://a.example/", "</link>",
    '<feed xmlns="http://www.w3.org/2005/Atom">', "<entry>", "</entry>", '<link href="/x"/>', "<![CDATA[", "]]>",
    "&amp;", "&", "&nbsp;", "<", ">", "x", " ", "<!DOCTYPE x [", "<!ENTITY e 'e'>", "]>", "\u00e9", "{", '"items":[',
    '"version":"https://jsonfeed.org/version/1"', "}",
  );

  it("returns a feed or throws FeedParseError, nothing else", () => {
    const check = (input: Uint8Array | string) => {
      try {
        const feed = parseFeed(input, { url: FEED_URL });
        expect(Array.isArray(feed.items)).toBe(true);
      } catch (e) {
        expect(e).toBeInstanceOf(FeedParseError);
      }
    };
    fc.assert(fc.property(fc.array(fragments, { maxLength: 60 }).map((a) => a.join("")), check), { numRuns: 500 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), check), { numRuns: 300 });
  });
});
