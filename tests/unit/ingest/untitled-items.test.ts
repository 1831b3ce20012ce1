import { describe, expect, it } from "vitest";
import { normalizeFeed } from "../../../src/ingest/normalize";
import { FEED_URL, parseQuirk } from "./quirk-fixtures";

const source = { id: "untitled", url: FEED_URL, language: null };

describe("items without a title or link (valid in RSS 2.0 and Atom)", () => {
  it("keeps RSS items that have only a description, titled by the first words of their text", async () => {
    const feed = await parseQuirk("untitled-items.rss");
    expect(feed.items).toHaveLength(4);
    const articles = await normalizeFeed(feed, source);
    expect(articles.map((a) => [a.title, a.url])).toEqual([
      ["Water levels at the northern station rose by forty centimetres overnight, and…", null],
      ["Second dispatch: the road to the clinic reopened at noon.", null],
      ["Field Notes", null],
      ["A titled item with a link", "https://notes.example.com/3"],
    ]);
    expect(articles[0]!.contentHtml).toBe(
      "<p>Water levels at the northern station rose by <b>forty centimetres</b> overnight, and volunteers moved the seed bank to higher ground before dawn.</p>",
    );
    expect(articles[2]!.contentHtml).toBe('<img src="https://notes.example.com/photos/harbour.jpg">');
    expect(new Set(articles.map((a) => a.id)).size).toBe(4);
  });

  it("keeps Atom entries that have only an id and content, with no link when the id is not a URL", async () => {
    const feed = await parseQuirk("id-and-content-only.atom");
    const articles = await normalizeFeed(feed, source);
    expect(articles.map((a) => [a.guid, a.title, a.url, a.contentText])).toEqual([
      [
        "urn:uuid:6a0e2b9c-1f4d-4e8a-b3c5-7d9f0a1b2c3d",
        "Harvest estimates for the coastal districts were revised upward after the late…",
        null,
        "Harvest estimates for the coastal districts were revised upward after the late rains.",
      ],
      [
        "urn:uuid:0c9b8a7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d",
        "School enrolment in the valley reached a record this term.",
        null,
        "School enrolment in the valley reached a record this term.",
      ],
    ]);
    expect(articles[1]!.author).toBe("Bulletin desk");
  });
});
