import { describe, expect, it } from "vitest";
import { parseFeed } from "../../../src/ingest/parse";
import { FEED_URL, parseQuirk } from "./quirk-fixtures";

describe("parseFeed: RSS 0.91 / 2.0", () => {
  it("reads an RSS 0.91 feed with undated, GUID-less items", async () => {
    const feed = await parseQuirk("rss-091.xml");
    expect(feed).toMatchObject({ format: "rss", title: "Old School News", homepage: "http://oldschool.example.com/", language: "en-us" });
    expect(feed.items.map((i) => [i.title, i.url, i.guid, i.publishedAt])).toEqual([
      ["First story", "http://oldschool.example.com/1", null, null],
      ["Second story", "http://oldschool.example.com/2", null, null],
    ]);
    expect(feed.items[0]?.summaryHtml).toBe("Items in 0.91 have no dates or GUIDs.");
  });

  it("resolves relative links against the feed URL and only trusts permalink GUIDs as links", async () => {
    const feed = await parseQuirk("relative-links.rss");
    expect(feed.homepage).toBe("https://feeds.example.com/");
    expect(feed.items.map((i) => i.url)).toEqual([
      "https://feeds.example.com/dir/articles/one.html",
      "https://feeds.example.com/articles/two.html",
      "https://example.com/articles/three.html",
      null,
      null, // javascript: is never a link
    ]);
    expect(feed.items[3]?.guid).toBe("article-4");
  });

  it("reads content:encoded, Dublin Core under an unusual prefix, media:group and atom:link translations", async () => {
    const feed = await parseQuirk("rss-namespaces.rss");
    expect(feed).toMatchObject({ title: "Namespaces everywhere", language: "en-gb", ttlMinutes: 45 });
    const [first, second, third] = feed.items;
    expect(first).toMatchObject({
      guid: "ns-1",
      url: "https://ns.example.com/en/1",
      author: "Alex Writer",
      publishedAt: "2025-11-26T09:15:00Z",
      summaryHtml: "Short summary",
      contentHtml: "<p>Full <i>text</i></p>",
      image: "https://ns.example.com/large.jpg",
      tags: ["Science", "Space"],
      alternates: [
        { hreflang: "fr", url: "https://ns.example.com/fr/1" },
        { hreflang: "es", url: "https://ns.example.com/es/1" },
      ],
    });
    expect(second).toMatchObject({
      language: "cy",
      author: "Gwen Jones",
      image: "https://feeds.example.com/thumbs/2.jpg", // audio enclosure is not an image
    });
    expect(third).toMatchObject({ image: "https://ns.example.com/3.png", summaryHtml: "<b>Caption</b>" });
  });

  it("takes the item language from dc:language, else inherited xml:lang", () => {
    const xml = `<rss xml:lang="de" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title>
      <item><title>a</title></item><item xml:lang="fr"><title>b</title></item>
      <item><title>c</title><dc:language>it</dc:language></item></channel></rss>`;
    const feed = parseFeed(xml, { url: FEED_URL });
    expect(feed.language).toBe("de");
    expect(feed.items.map((i) => i.language)).toEqual(["de", "fr", "it"]);
  });

  it("turns sy:updatePeriod/updateFrequency into ttlMinutes when <ttl> is absent", () => {
    const xml = `<rss xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel><title>T</title>
      <sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency><item><title>a</title></item></channel></rss>`;
    expect(parseFeed(xml, { url: FEED_URL }).ttlMinutes).toBe(15);
  });

  it("strips markup from titles, decodes entities once and collapses whitespace", () => {
    const xml = `<rss><channel><title>T</title><item><title>  Breaking:
      &lt;b&gt;Markets&lt;/b&gt;   rally &amp;amp; fall </title></item></channel></rss>`;
    expect(parseFeed(xml, { url: FEED_URL }).items[0]?.title).toBe("Breaking: Markets rally & fall");
  });
});

describe("parseFeed: RSS 1.0 (RDF)", () => {
  it("reads items that are siblings of the channel", async () => {
    const feed = await parseQuirk("rss-10.rdf");
    expect(feed).toMatchObject({ format: "rdf", title: "RDF Site Summary", language: "de", ttlMinutes: 360 });
    expect(feed.items).toHaveLength(2);
    expect(feed.items[0]).toMatchObject({
      guid: "https://rdf.example.org/a",
      url: "https://rdf.example.org/a",
      title: "Erster Artikel",
      contentHtml: "<p>Volltext des <em>ersten</em> Artikels</p>",
      publishedAt: "2025-11-26T08:15:00Z",
      author: "Erika Mustermann",
      tags: ["Politik"],
    });
    expect(feed.items[1]).toMatchObject({ language: "en", publishedAt: "2025-11-25T17:00:00Z" });
  });
});

describe("parseFeed: dates inside feeds", () => {
  it("reads localized pubDates and leaves unreadable ones null", async () => {
    const feed = await parseQuirk("localized-dates.rss");
    expect(Object.fromEntries(feed.items.map((i) => [i.title, i.publishedAt]))).toEqual({
      French: "2025-11-26T09:15:00Z",
      Spanish: "2025-11-26T09:15:00Z",
      "Russian genitive": "2025-11-26T09:15:00Z",
      German: "2025-11-26T08:15:00Z",
      Chinese: "2025-11-26T09:15:00Z",
      Korean: "2025-11-26T09:15:00Z",
      "Wrong weekday, no seconds": "2025-11-26T14:15:00Z",
      Garbage: null,
    });
  });

  it("expands two-digit years to this and the last century", async () => {
    const feed = await parseQuirk("two-digit-years.rss");
    expect(feed.items.map((i) => i.publishedAt)).toEqual(["2025-11-26T09:15:00Z", "2000-01-01T07:59:59Z"]);
  });
});
