import { describe, expect, it } from "vitest";
import { parseFeed } from "../../../src/ingest/parse";
import { FEED_URL, parseQuirk } from "./quirk-fixtures";

describe("parseFeed: Atom 1.0", () => {
  it("serializes xhtml content as HTML without its wrapper div, prefixes or namespaces", async () => {
    const feed = await parseQuirk("atom-xhtml.atom");
    expect(feed.items[0]?.contentHtml).toBe('<p>Un <a href="/suite">lien</a><br>et une image <img src="photo.jpg" alt=""></p>');
    expect(feed.items[1]?.contentHtml).toBe("<p>Avec <strong>préfixe</strong></p>");
  });

  it("reads text constructs: html titles stripped, xhtml titles as text, text summaries escaped to HTML", async () => {
    const feed = await parseQuirk("atom-xhtml.atom");
    expect(feed.title).toBe("Le Journal & Cie");
    expect(feed.items[0]?.title).toBe("Titre en gras");
    expect(feed.items[0]?.summaryHtml).toBe("Résumé &amp; plus");
  });

  it("picks the language-neutral alternate as the URL and lists hreflang alternates", async () => {
    const feed = await parseQuirk("atom-xhtml.atom");
    expect(feed.items[0]).toMatchObject({
      url: "https://journal.example.fr/fr/1",
      alternates: [
        { hreflang: "en", url: "https://journal.example.fr/en/1" },
        { hreflang: "de", url: "https://journal.example.fr/de/1" },
      ],
      image: "https://journal.example.fr/img/1.jpg",
      tags: ["Politique", "europe"],
      publishedAt: "2025-11-26T09:15:00Z",
      updatedAt: "2025-11-26T10:00:00Z",
      author: "Rédaction", // inherited from the feed
      language: "fr",
    });
  });

  it("uses <content src> as the link of an entry without one, with no inline content", async () => {
    const feed = await parseQuirk("atom-xhtml.atom");
    expect(feed.items[2]).toMatchObject({ url: "https://journal.example.fr/en/3.html", contentHtml: null, language: "en" });
  });

  it("prefers the alternate in the entry's language when every alternate has an hreflang", () => {
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
      <entry xml:lang="es-MX"><title>x</title>
        <link rel="alternate" hreflang="en" href="https://e.example/en"/>
        <link rel="alternate" hreflang="es" href="https://e.example/es"/></entry></feed>`;
    const item = parseFeed(xml, { url: FEED_URL }).items[0];
    expect(item?.url).toBe("https://e.example/es");
    expect(item?.alternates).toEqual([{ hreflang: "en", url: "https://e.example/en" }]);
  });

  it("resolves xml:base on the feed, the entry and the content, and reports the content's base", async () => {
    const feed = await parseQuirk("xml-base-levels.atom");
    expect(feed.homepage).toBe("https://example.org/site/home.html");
    expect(feed.items[0]).toMatchObject({
      url: "https://example.org/site/reports/2025/annual.html",
      baseUrl: "https://cdn.example.net/media/",
      contentHtml: '<p><img src="chart.png"></p>',
    });
    expect(feed.items[1]).toMatchObject({ url: "https://example.org/about/team.html", baseUrl: "https://example.org/site/" });
  });

  it("uses an http(s) <id> as the link only when no alternate link exists", () => {
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
      <entry><id>https://blog.example/posts/7</id><title>a</title><link rel="edit" href="https://blog.example/api/7"/></entry>
      <entry><id>tag:blog.example,2025:8</id><title>b</title></entry></feed>`;
    expect(parseFeed(xml, { url: FEED_URL }).items.map((i) => i.url)).toEqual(["https://blog.example/posts/7", null]);
  });

  it("falls back to the updated date when there is no published date", () => {
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>x</title>
      <updated>2025-11-26T09:15:00+02:00</updated></entry></feed>`;
    expect(parseFeed(xml, { url: FEED_URL }).items[0]).toMatchObject({
      publishedAt: "2025-11-26T07:15:00Z",
      updatedAt: "2025-11-26T07:15:00Z",
    });
  });
});

describe("parseFeed: Atom 0.3", () => {
  it("reads issued/modified, escaped mode and base64 mode", async () => {
    const feed = await parseQuirk("atom-03.xml");
    expect(feed).toMatchObject({ format: "atom", title: "Atom 0.3 Feed", homepage: "https://atom03.example.com/", language: "en" });
    expect(feed.items[0]).toMatchObject({
      url: "https://atom03.example.com/2025/11/escaped",
      contentHtml: "<p>Hello <b>world</b></p>",
      publishedAt: "2025-11-26T09:15:00Z",
      updatedAt: "2025-11-26T12:00:00Z",
      author: "Legacy Writer",
    });
    expect(feed.items[1]?.contentHtml).toBe("<p>Encoded été</p>");
  });
});
