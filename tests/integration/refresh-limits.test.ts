import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ITEM_MAX_BYTES } from "../../src/db/store";
import { ADMIN, addSource, getJson, refreshNow, setMutableFeed } from "../support/worker";

// D1 limits rows and bound strings in bytes; CJK text takes three per character. One item of
// a few MB must not fail its source: it is trimmed (with a warning in the run report) and the
// rest of the feed is stored.

const paragraph = `<p>${"教育公平的新进展，学校午餐覆盖两百万名学生。".repeat(100)}</p>`;
const item = (guid: string, title: string, html: string) =>
  `<item><title>${title}</title><guid>${guid}</guid><link>https://cjk.example.org/${guid}</link><pubDate>Mon, 16 Nov 2026 10:00:00 GMT</pubDate><description><![CDATA[${html}]]></description></item>`;

describe("an item of a few MB of CJK text", () => {
  it("is trimmed to fit a D1 row with a recorded warning, and the rest of the feed is stored", async () => {
    const huge = paragraph.repeat(500);
    expect(new TextEncoder().encode(huge).length).toBeGreaterThan(3_000_000);
    await setMutableFeed(
      "g",
      `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>CJK</title><link>https://cjk.example.org/</link><language>zh</language>
${item("small-1", "学校午餐", "<p>短文一</p>")}${item("huge", "教育公平", huge)}${item("small-2", "新学期", "<p>短文二</p>")}</channel></rss>`,
    );
    await addSource("cjk-big", "/mutable/g");
    const { status, report } = await refreshNow("source=cjk-big");
    expect(status).toBe(200);
    expect(report.sources[0]).toMatchObject({ status: "ok", new: 3, error: null });
    expect(report.sources[0]!.warnings).toEqual([expect.stringMatching(/"huge".*trimmed/)]);

    const stored = await env.DB.prepare(
      "SELECT guid, length(CAST(content_text AS BLOB)) AS text_bytes, length(CAST(content_html AS BLOB)) AS html_bytes FROM articles WHERE source_id = 'cjk-big' ORDER BY guid",
    ).all<{ guid: string; text_bytes: number; html_bytes: number }>();
    expect(stored.results.map((r) => r.guid)).toEqual(["huge", "small-1", "small-2"]);
    const big = stored.results[0]!;
    expect(big.text_bytes + big.html_bytes).toBeLessThan(ITEM_MAX_BYTES);
    expect(big.text_bytes).toBeGreaterThan(100_000);

    const found = await getJson("/api/v1/search?q=教育公平&source=cjk-big");
    expect(found.body.data.map((a: { title: string }) => a.title)).toContain("教育公平");
    const runs = await getJson("/api/v1/admin/runs", { headers: ADMIN });
    expect(runs.body.data[0].sources[0].warnings).toEqual(report.sources[0]!.warnings);
  });
});
