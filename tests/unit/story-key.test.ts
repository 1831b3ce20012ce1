import { describe, expect, it } from "vitest";
import { declaredStoryGroup, storyGroup, storyKeyParts, storyKeyProblem } from "../../src/ingest/identity";

const UN = "/:lang/story/:year/:month/:key";
const mapping = { scope: "un-news", pattern: UN };

describe("story key patterns", () => {
  it("accepts literal text, one :name per segment and one *", () => {
    for (const ok of [UN, "/:lang/story/:key", "/news/:key.html", "/:lang/:key/*", "/story-:key", "/a/b/:key"]) {
      expect(storyKeyProblem(ok), ok).toBeNull();
    }
  });

  it("refuses patterns that are ambiguous, unbounded or miss :key, saying why", () => {
    expect(storyKeyProblem("/:lang/story/:id")).toMatch(/:key/);
    expect(storyKeyProblem("/:lang/story/:key(\\d+)")).toMatch(/regular-expression groups/);
    expect(storyKeyProblem("/((a+)+)$/:key")).toMatch(/regular-expression groups/);
    expect(storyKeyProblem("/:lang/:year-:key")).toMatch(/one :name or \*/);
    expect(storyKeyProblem("/:key*")).toMatch(/one :name or \*/);
    expect(storyKeyProblem("/*/x/*/:key")).toMatch(/\* at most once/);
    expect(storyKeyProblem("/{:lang}?/:key")).toMatch(/literal path text/);
    expect(storyKeyProblem("/:key+")).toMatch(/literal path text/);
    expect(storyKeyProblem("/:lang/:lang/:key")).toMatch(/repeat/);
    expect(storyKeyProblem("story/:key")).toMatch(/starting with \//);
    expect(storyKeyProblem("/a:/:key")).toMatch(/group name/);
    expect(storyKeyProblem("/a b/:key")).toMatch(/literal path text/);
  });
});

describe("story keys read off links", () => {
  it("takes the named groups but lang, by name, from the path only", () => {
    expect(storyKeyParts(UN, "https://news.un.org/en/story/2026/11/1234567")).toEqual([
      ["key", "1234567"],
      ["month", "11"],
      ["year", "2026"],
    ]);
    // Another host, another language, a query and a fragment: the same key.
    expect(storyKeyParts(UN, "https://fr.example.org/fr/story/2026/11/1234567?utm_source=rss#top")).toEqual(storyKeyParts(UN, "https://news.un.org/en/story/2026/11/1234567"));
    // Group order in the pattern does not matter, only names and values.
    expect(storyKeyParts("/:key/:lang/:month/:year", "https://x.example/1234567/ar/11/2026")).toEqual(storyKeyParts(UN, "https://news.un.org/zh/story/2026/11/1234567"));
  });

  it("ignores what * matches, so a per-language slug can be skipped", () => {
    expect(storyKeyParts("/:lang/story/:key/*", "https://x.example/en/story/42/children-out-of-school")).toEqual([["key", "42"]]);
    expect(storyKeyParts("/:lang/story/:key/*", "https://x.example/fr/story/42/enfants-non-scolarises")).toEqual([["key", "42"]]);
  });

  it("does not match other paths, invalid links or patterns that were never valid", () => {
    expect(storyKeyParts(UN, "https://news.un.org/en/audio/2026/11/1234567")).toBeNull();
    expect(storyKeyParts(UN, "https://news.un.org/en/story/2026/11/1234567/")).toBeNull();
    expect(storyKeyParts(UN, "not a url")).toBeNull();
    expect(storyKeyParts("/:lang/story/:key(\\d+)", "https://news.un.org/en/story/1")).toBeNull();
    expect(storyKeyParts(UN, `https://news.un.org/en/story/2026/11/${"1".repeat(3000)}`)).toBeNull();
  });
});

describe("declared story groups", () => {
  it("puts the translations of one story in one group, per scope", async () => {
    const en = await declaredStoryGroup("https://news.un.org/en/story/2026/11/101", mapping);
    expect(en).toMatch(/^g[0-9a-f]{16}$/);
    expect(await declaredStoryGroup("https://fr.news.un.org/fr/story/2026/11/101", mapping)).toBe(en);
    expect(await declaredStoryGroup("https://news.un.org/ar/story/2026/11/101", mapping)).toBe(en);
    expect(await declaredStoryGroup("https://news.un.org/en/story/2026/11/102", mapping)).not.toBe(en);
    expect(await declaredStoryGroup("https://news.un.org/en/story/2026/10/101", mapping)).not.toBe(en);
    expect(await declaredStoryGroup("https://news.un.org/en/story/2026/11/101", { ...mapping, scope: "other" })).not.toBe(en);
  });

  it("gives nothing without a match, so the URL-derived group applies, and never coincides with it", async () => {
    expect(await declaredStoryGroup("https://news.un.org/en/audio/2026/11/101", mapping)).toBeNull();
    expect(await declaredStoryGroup(null, mapping)).toBeNull();
    expect(await declaredStoryGroup("https://news.un.org/en/story/2026/11/101", null)).toBeNull();
    const link = "https://news.un.org/en/story/2026/11/101";
    expect(await declaredStoryGroup(link, mapping)).not.toBe(await storyGroup(link, []));
  });
});
