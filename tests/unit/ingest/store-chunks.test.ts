import { describe, expect, it } from "vitest";
import type { NormalizedArticle } from "../../../src/domain";
import { chunkItems, F, fitItem } from "../../../src/db/store";

function article(i: number, text: string): NormalizedArticle {
  return {
    id: `id-${i}`, guid: `g-${i}`, dedupeKey: `guid:g-${i}`, url: `https://example.org/${i}`, title: `Story ${i}`, slug: `story-${i}`,
    summary: text.slice(0, 100), contentHtml: `<p>${text}</p>`, contentText: text, image: null, author: null, tags: ["a"],
    language: "en", publishedAt: null, updatedAt: null, contentHash: `h${i}`, storyGroup: null,
  };
}

const bytes = (s: string) => new TextEncoder().encode(s).length;

describe("write chunks of a source's items", () => {
  it("keeps every item, in order, in chunks under the byte limit (counted in UTF-8)", () => {
    const items = Array.from({ length: 60 }, (_, i) => article(i, `${"教育公平 ".repeat(200)}${i}`));
    const chunks = chunkItems(items, 20_000);
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(bytes(chunk)).toBeLessThanOrEqual(20_000);
    const rows = chunks.flatMap((c) => JSON.parse(c) as unknown[][]);
    expect(rows.map((r) => r[0])).toEqual(items.map((a) => a.id));
  });

  it("sends the analyzed search text with each item and keeps missing dates null", () => {
    const [chunk] = chunkItems([article(1, "Éducation pour tous")]);
    const [row] = JSON.parse(chunk!) as unknown[][];
    expect(row).toContain("Story 1");
    expect(row![F.publishedAt]).toBeNull();
    expect(row!.some((v) => typeof v === "string" && v.includes("education"))).toBe(true);
  });

  it("puts an item larger than the limit in a chunk of its own", () => {
    const chunks = chunkItems([article(1, "x".repeat(50)), article(2, "y".repeat(5_000)), article(3, "z".repeat(50))], 2_000);
    expect(chunks.map((c) => (JSON.parse(c) as unknown[][]).map((r) => r[0]))).toEqual([["id-1"], ["id-2"], ["id-3"]]);
  });

  it("sends nothing for no items", () => {
    expect(chunkItems([])).toEqual([]);
  });
});

describe("items too large for one D1 row", () => {
  const big = article(9, "教育公平的新进展。".repeat(150_000));

  it("are trimmed to the byte limit, counted in UTF-8, keeping the start of their text", () => {
    const { row, warning } = fitItem(big, 200_000);
    expect(bytes(row!)).toBeLessThanOrEqual(200_000);
    const fields = JSON.parse(row!) as string[];
    expect(fields[F.contentText]!.startsWith("教育公平的新进展。教育公平")).toBe(true);
    expect(fields[F.contentHtml]).toMatch(/^<p>教育公平/);
    expect(fields[F.contentHash]).toBe(big.contentHash);
    expect(warning).toMatch(/trimmed/);
  });

  it("are skipped with a warning when even their other fields are too large", () => {
    const { row, warning } = fitItem({ ...big, title: "标".repeat(100_000) }, 200_000);
    expect(row).toBeNull();
    expect(warning).toMatch(/skipped/);
  });

  it("leave the other items of the feed as they were", () => {
    const chunks = chunkItems([article(1, "small"), big, article(2, "small too")]);
    const rows = chunks.flatMap((c) => JSON.parse(c) as string[][]);
    expect(rows.map((r) => r[F.id])).toEqual(["id-1", "id-9", "id-2"]);
    expect(rows[0]![F.contentText]).toBe("small");
  });
});
