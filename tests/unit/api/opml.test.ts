import { describe, expect, it } from "vitest";
import type { SourceListing } from "../../../src/db/source-import";
import { readOpml, renderOpml } from "../../../src/routes/opml-format";
import { planImport } from "../../../src/routes/opml-import";

const opml = (outlines: string, ns = 'xmlns:edge="urn:edge-news:opml"') => `<opml version="2.0" ${ns}><body>${outlines}</body></opml>`;
const plan = (outlines: string, existing: SourceListing[] = [], allowPrivate = false) => planImport(readOpml(opml(outlines)).outlines, existing, allowPrivate);

const stored = (over: Partial<SourceListing>): SourceListing => ({
  id: "stored",
  name: "Stored",
  url: "https://stored.example.com/rss",
  homepage: null,
  language: null,
  storyScope: null,
  storyKey: null,
  enabled: true,
  ...over,
});

describe("reading OPML", () => {
  it("reads our attributes under whatever prefix the file binds to the namespace, and standard ones in any case", () => {
    const doc = readOpml(
      opml('<outline TEXT="A" XMLURL="https://a.example.com/rss" HtmlUrl="https://a.example.com/" en:id="a-1" en:storyScope="s" en:storyKey="/:key" other:id="no"/>', 'xmlns:en="urn:edge-news:opml" xmlns:other="urn:else"'),
    );
    expect(doc.outlines[0]?.attrs).toEqual({ text: "A", xmlUrl: "https://a.example.com/rss", htmlUrl: "https://a.example.com/", id: "a-1", storyScope: "s", storyKey: "/:key" });
  });

  it("ignores our attribute names when the prefix is not bound to our namespace", () => {
    const doc = readOpml('<opml version="2.0"><body><outline text="A" xmlUrl="https://a.example.com/rss" edge:id="x"/></body></opml>');
    expect(doc.outlines[0]?.attrs.id).toBeUndefined();
  });

  it("writes what it reads back, escaping markup and line breaks in attributes", () => {
    const row = stored({ name: 'Quotes " & <tags>\nand a break', url: "https://stored.example.com/rss?a=1&b=2", storyScope: "s", storyKey: "/:key", enabled: false });
    const text = renderOpml([row], new Date(Date.UTC(2026, 11, 7, 10, 0, 0)));
    expect(text).toContain("<dateCreated>Mon, 07 Dec 2026 10:00:00 GMT</dateCreated>");
    expect(text).toContain('text="Quotes &quot; &amp; &lt;tags&gt;&#10;and a break"');
    const [outline] = readOpml(text).outlines;
    expect(outline?.attrs).toMatchObject({ text: 'Quotes " & <tags>\nand a break', xmlUrl: row.url, id: "stored", storyScope: "s", storyKey: "/:key", enabled: "false" });
  });
});

describe("planning an import", () => {
  it("refuses private and loopback hosts unless the deployment allows them", () => {
    const outlines = '<outline text="LAN" xmlUrl="http://192.168.1.10/rss"/><outline text="Local" xmlUrl="http://localhost:8080/rss"/>';
    expect(plan(outlines).results.map((r) => r.code)).toEqual(["private_host", "private_host"]);
    expect(plan(outlines, [], true).results.map((r) => r.status)).toEqual(["added", "added"]);
  });

  it("keeps derived ids within 64 characters when it appends a number", () => {
    const long = "L".repeat(80);
    const { results } = plan(`<outline text="${long}" xmlUrl="https://one.example.com/rss"/><outline text="${long}" xmlUrl="https://two.example.com/rss"/>`);
    expect(results.map((r) => r.id)).toEqual(["l".repeat(64), `${"l".repeat(62)}-2`]);
  });

  it("does not hand out an id that a later outline asks for by name", () => {
    const { results } = plan('<outline text="World" xmlUrl="https://a.example.com/rss"/><outline text="Other" xmlUrl="https://b.example.com/rss" edge:id="world"/>');
    expect(results.map((r) => r.id)).toEqual(["world-2", "world"]);
  });

  it("refuses a second outline for the same id", () => {
    const { results } = plan('<outline text="A" xmlUrl="https://a.example.com/rss" edge:id="x"/><outline text="B" xmlUrl="https://b.example.com/rss" edge:id="x"/>');
    expect(results[1]).toMatchObject({ status: "refused", code: "duplicate_id", message: "source x is already set by outline 1" });
  });

  it("moves a source to a new URL when the outline names its id", () => {
    const { results, writes } = plan('<outline text="Stored" xmlUrl="https://moved.example.com/rss" edge:id="stored"/>', [stored({})]);
    expect(results[0]).toMatchObject({ status: "updated", id: "stored" });
    expect(writes).toEqual([stored({ url: "https://moved.example.com/rss" })]);
  });

  it("refuses half a translation mapping and malformed attributes, naming the attribute", () => {
    const { results, writes } = plan(
      '<outline text="A" xmlUrl="https://a.example.com/rss" edge:storyScope="s"/>' +
        '<outline text="B" xmlUrl="https://b.example.com/rss" edge:id="Not An Id"/>' +
        '<outline text="C" xmlUrl="https://c.example.com/rss" edge:enabled="maybe"/>' +
        '<outline text="D" xmlUrl="https://d.example.com/rss" htmlUrl="javascript:alert(1)"/>',
    );
    expect(results.map((r) => r.code)).toEqual(["invalid_attribute", "invalid_attribute", "invalid_attribute", "invalid_attribute"]);
    expect(results.map((r) => r.message?.split(": ")[0])).toEqual(["edge:storyScope and edge:storyKey", "edge:id", "edge:enabled", "htmlUrl"]);
    expect(writes).toEqual([]);
  });

  it("writes nothing for an outline that says what is stored already", () => {
    const { results, writes } = plan('<outline text="Stored" xmlUrl="https://stored.example.com/rss"/>', [stored({ language: "en" })]);
    expect(results[0]).toMatchObject({ status: "unchanged", id: "stored" });
    expect(writes).toEqual([]);
  });
});
