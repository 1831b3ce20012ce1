import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeItem, SUMMARY_MAX, truncateText } from "../../../src/ingest/normalize";
import { htmlToText, sanitizeHtml } from "../../../src/ingest/sanitize";
import type { ParsedFeed, ParsedItem } from "../../../src/ingest/types";

// Shortcuts that skip an HTML parse must give exactly the text the parse gives: the text is
// hashed, and a different text would make every stored article look edited once.

const parsedText = (html: string) => sanitizeHtml(html, null).text.replace(/\s+/g, " ").trim();

const plainPiece = fc.oneof(
  fc.constantFrom(" ", "  ", "\t", "\n", "\r\n", "\f", "\u00a0", "\u200b", "\u3000", "\u2028", "\ufeff", "\u0000", ">", "'", '"', ";", "=", "/"),
  fc.constantFrom("Floods", "écoles", "Школы", "教育公平", "학교", "عودة", "🙂", "a-b", "x"),
);

const htmlPiece = fc.oneof(
  plainPiece,
  fc.constantFrom("<p>", "</p>", "<b>", "</b>", "<br>", "<div>", "</div>", "<font>", "<script>x</script>", "&amp;", "&nbsp;", "&#8203;", "<!-- c -->"),
  fc.constantFrom('<img src="/rel.png" alt="r">', '<img src="https://cdn.example/a.png" alt="a">', '<img alt="none">', '<a href="/x">link</a>', '<a href="https://e.example/">abs</a>'),
);

const feed: ParsedFeed = { format: "rss", title: "Desk", homepage: "https://news.example/", language: "en", ttlMinutes: null, hub: null, self: null, items: [], warnings: [] };

function item(summaryHtml: string): ParsedItem {
  return {
    guid: "g-1", url: "https://news.example/story/1", title: "Title", summaryHtml, contentHtml: null, publishedAt: null, updatedAt: null,
    language: null, author: null, image: null, tags: [], alternates: [], baseUrl: null,
  };
}

describe("text shortcuts", () => {
  it("plain text without a tag or an entity reads as the parser reads it", () => {
    fc.assert(fc.property(fc.array(plainPiece, { maxLength: 30 }).map((p) => p.join("")), (text) => {
      expect(htmlToText(text)).toBe(parsedText(text));
    }), { numRuns: 500 });
  });

  it("an item with only a summary gets the summary text the parser gives, images or not", () => {
    fc.assert(
      fc.property(fc.array(htmlPiece, { minLength: 1, maxLength: 30 }).map((p) => p.join("")), (html) => {
        const article = normalizeItem(item(html), feed, { id: "s", url: "https://news.example/feed.xml", language: "en" });
        if (article) expect(article.summary).toBe(truncateText(parsedText(html), SUMMARY_MAX));
      }),
      { numRuns: 500 },
    );
  });
});
