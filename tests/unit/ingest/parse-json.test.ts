import { describe, expect, it } from "vitest";
import { FeedParseError, parseFeed } from "../../../src/ingest/parse";
import { FEED_URL, parseQuirk } from "./quirk-fixtures";

describe("parseFeed: JSON Feed", () => {
  it("reads JSON Feed 1.0: content_html, summary, dates, tags, author object, attachments", async () => {
    const feed = await parseQuirk("jsonfeed-10.json");
    expect(feed).toMatchObject({ format: "json", title: "JSON Feed One", homepage: "https://json.example.com/", ttlMinutes: null });
    expect(feed.items[0]).toMatchObject({
      guid: "1",
      url: "https://json.example.com/posts/1",
      title: "Café & croissants",
      contentHtml: "<p>Hello <strong>JSON</strong></p>",
      summaryHtml: "Breakfast &lt;news&gt;",
      publishedAt: "2025-11-26T08:15:00Z",
      updatedAt: "2025-11-26T12:00:00Z",
      author: "Feed Author",
      tags: ["food", "paris"],
      image: "https://json.example.com/img/1.jpg",
    });
    expect(feed.items[1]).toMatchObject({
      guid: "2",
      url: "https://feeds.example.com/posts/2",
      contentHtml: "Plain text<br>second line",
      author: "Guest",
      image: "https://json.example.com/photo.png",
    });
  });

  it("reads JSON Feed 1.1: language, authors array, banner_image, external_url", async () => {
    const feed = await parseQuirk("jsonfeed-11.json");
    expect(feed.language).toBe("es-ES");
    expect(feed.items[0]).toMatchObject({ author: "Redacción", image: "https://noticias.example.es/banner/1.jpg" });
    expect(feed.items[1]).toMatchObject({ url: "https://other.example.org/story", language: "en", author: "Correspondent" });
  });

  it("throws invalid_json for a JSON Feed that does not parse", () => {
    const text = '{"version": "https://jsonfeed.org/version/1.1", "items": [';
    expect(() => parseFeed(text, { url: FEED_URL })).toThrow(FeedParseError);
    try {
      parseFeed(text, { url: FEED_URL });
    } catch (e) {
      expect((e as FeedParseError).code).toBe("invalid_json");
    }
  });

  it("throws unrecognized_format for JSON that is not a feed", () => {
    expect(() => parseFeed('{"hello": "world"}', { url: FEED_URL })).toThrow(
      expect.objectContaining({ code: "unrecognized_format" }),
    );
  });
});
