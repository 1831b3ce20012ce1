import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { addSource, getJson, refreshNow } from "../support/worker";

interface Article {
  id: string;
  slug: string;
  title: string;
  summary: string;
  url: string | null;
  content_html: string;
}

const articlesOf = async (source: string) =>
  (await getJson<{ data: Article[] }>(`/api/v1/articles?source=${source}&per_page=50`)).body.data;

beforeAll(async () => {
  await addSource("untitled-rss", "/quirks/untitled-items.rss");
  await addSource("untitled-atom", "/quirks/id-and-content-only.atom");
  await addSource("markup-titles", "/quirks/markup-in-titles.rss");
  const { report } = await refreshNow();
  expect(report.sources.every((s) => s.status === "ok")).toBe(true);
});

describe("items without a title or link, through the pipeline", () => {
  it("stores and serves them with a fallback title and no url", async () => {
    const rss = await articlesOf("untitled-rss");
    expect(rss.map((a) => [a.title, a.url]).sort()).toEqual([
      ["A titled item with a link", "https://notes.example.com/3"],
      ["Field Notes", null],
      ["Second dispatch: the road to the clinic reopened at noon.", null],
      ["Water levels at the northern station rose by forty centimetres overnight, and…", null],
    ]);
    const atom = await articlesOf("untitled-atom");
    expect(atom.map((a) => a.url)).toEqual([null, null]);
    for (const a of [...rss, ...atom]) {
      const page = await SELF.fetch(`http://app.test/en/news/${a.id}/${a.slug}`);
      expect(page.status, a.title).toBe(200);
    }
  });
});

describe("titles and summaries are plain text", () => {
  it("stores them without markup, and the API gives them as text", async () => {
    const byUrl = new Map((await articlesOf("markup-titles")).map((a) => [a.url, a]));
    const first = byUrl.get("https://markup.example.net/1")!;
    const second = byUrl.get("https://markup.example.net/2")!;
    expect(first.title).toBe("Budget talks alert(1)resume");
    expect(first.summary).toBe("Ministers met again.");
    expect(second.title).toBe("Ratio of 3 < 5 & rising:");
    expect(second.summary).toBe("Plain summary with a literal 2 < 3 comparison.");
    for (const a of [first, second]) expect(`${a.title} ${a.summary}`).not.toMatch(/<[a-z/!]/i);
  });

  it("escapes them in the reader pages", async () => {
    const second = (await articlesOf("markup-titles")).find((a) => a.url === "https://markup.example.net/2")!;
    const detail = await (await SELF.fetch(`http://app.test/en/news/${second.id}/${second.slug}`)).text();
    expect(detail).toContain("Ratio of 3 &lt; 5 &amp; rising:");
    expect(detail).toContain("2 &lt; 3 comparison");
    const listing = await (await SELF.fetch("http://app.test/en/?source=markup-titles")).text();
    expect(listing).toContain("Ratio of 3 &lt; 5 &amp; rising:");
    expect(listing).not.toMatch(/onerror|<script>alert/);
  });

  it("gives them as text in the JSON Feed and escapes them in the RSS and Atom feeds", async () => {
    const json = (await (await SELF.fetch("http://app.test/feeds/en.json?source=markup-titles")).json()) as { items: { title: string }[] };
    expect(json.items.map((i) => i.title)).toContain("Ratio of 3 < 5 & rising:");
    for (const format of ["rss", "atom"]) {
      const xml = await (await SELF.fetch(`http://app.test/feeds/en.${format}?source=markup-titles`)).text();
      expect(xml, format).toContain("Ratio of 3 &lt; 5 &amp; rising:");
      expect(xml, format).not.toMatch(/onerror|<script/);
    }
  });
});
