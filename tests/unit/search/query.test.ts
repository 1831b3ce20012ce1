import { describe, expect, it } from "vitest";
import { parseSearchQuery } from "../../../src/search/query";

const match = (q: string) => parseSearchQuery(q).match;

describe("parseSearchQuery: syntax", () => {
  it.each([
    ["war peace", '"war" AND "peace"'],
    ["  War   PEACE  ", '"war" AND "peace"'],
    ['"exact phrase"', '"exact phrase"'],
    ["a OR b", '"a" OR "b"'],
    ["a OR b c", '("a" OR "b") AND "c"'],
    ["(a OR b) (c OR d)", '("a" OR "b") AND ("c" OR "d")'],
    ["a (b c)", '"a" AND ("b" AND "c")'],
    ["a AND b", '"a" AND "b"'],
    ["a -b", '"a" NOT "b"'],
    ["a NOT b", '"a" NOT "b"'],
    ["a -b -c", '"a" NOT ("b" OR "c")'],
    ['a -"b c"', '"a" NOT "b c"'],
    ["a -(b OR c)", '"a" NOT ("b" OR "c")'],
    ["educ*", '"educ"*'],
    ['"exact phr"*', '"exact phr"*'],
    // A typed prefix needs two characters in the token it extends; shorter ones read as the word.
    ["ab*", '"ab"*'],
    ["a*", '"a"'],
    ["É*", '"e"'],
    ['"new y"*', '"new y"'],
    ["title:x*", 'title : ("x")'],
    ["教*", '"教"*'],
    ["title:war", 'title : ("war")'],
    ['title:"civil war"', 'title : ("civil war")'],
    ["title:(war OR peace) -title:rumor", 'title : ("war" OR "peace") NOT title : ("rumor")'],
    ["Éducation", '"education"'],
    ["ёлка", '"елка"'],
    ["教育", '"教育"'],
    ["教育公平", '"教育 育公 公平"'],
    ["教", '"教"*'],
    ["교육", '"교육"*'],
    ["교육 정책", '"교육"* AND "정책"*'],
    ['"교육 정책"', '"교육"* + "정책"*'],
    ["K팝", '"k 팝"*'],
    ["الكتاب", '"الكتاب كتاب"'],
    ["أطفال", '"اطفال"'],
    ["covid-19疫苗", '"covid 19 疫苗"'],
  ])("%s", (q, expected) => {
    expect(match(q)).toBe(expected);
  });

  it("collects source and language filters anywhere in the query", () => {
    expect(parseSearchQuery("source:BBC war lang:FR source:le-monde lang:zh-Hans lang:fr")).toMatchObject({
      match: '"war"',
      sources: ["bbc", "le-monde"],
      languages: ["fr", "zh"],
    });
    expect(parseSearchQuery("source:bbc")).toMatchObject({ match: null, exclude: null, sources: ["bbc"] });
  });

  it("ignores negated filters and reads invalid ones as words", () => {
    expect(parseSearchQuery("-source:bbc war")).toMatchObject({ match: '"war"', sources: [] });
    expect(parseSearchQuery("lang:english")).toMatchObject({ match: '"lang english"', languages: [] });
  });

  it("returns the positive terms as typed", () => {
    expect(parseSearchQuery('Éducation "civil war" educ* -rumor title:Peace OR 教育').terms).toEqual([
      "Éducation",
      "civil war",
      "educ*",
      "Peace",
      "教育",
    ]);
    expect(parseSearchQuery("a* educ*").terms).toEqual(["a", "educ*"]);
  });
});

describe("parseSearchQuery: exclusions without anything positive", () => {
  it.each([
    ["-war", '"war"'],
    ["NOT war", '"war"'],
    ["-war -peace", '"war" OR "peace"'],
    ["-(war peace)", '"war" AND "peace"'],
    ["-war OR -peace", '"war" AND "peace"'],
    ["-title:war", 'title : ("war")'],
  ])("%s → exclude %s", (q, exclude) => {
    expect(parseSearchQuery(q)).toMatchObject({ match: null, exclude, terms: [] });
  });

  it("turns a double negation back into a positive", () => {
    expect(parseSearchQuery("-(-war)")).toMatchObject({ match: '"war"', exclude: null });
  });

  it("drops an OR branch that only excludes", () => {
    expect(match("war OR -peace")).toBe('"war"');
  });
});

describe("parseSearchQuery: malformed input degrades to words", () => {
  it.each([
    ['"unclosed phrase', '"unclosed" AND "phrase"'],
    ['a "b', '"a" AND "b"'],
    ["(a b", '"a" AND "b"'],
    ["a b)", '"a" AND "b"'],
    [")))a(((", '"a"'],
    ["((((((((((((a))))))))))))", '"a"'],
    ["war OR", '"war" AND "or"'],
    ["OR war", '"or" AND "war"'],
    ["war NOT", '"war" AND "not"'],
    ["AND", '"and"'],
    ["a OR OR b", '("a" OR "or") AND "b"'],
    ["NEAR(a b)", '"near" AND ("a" AND "b")'],
    ["a - b", '"a" AND "b"'],
    ["-", null],
    ["*", null],
    ["-*", null],
    ["title:", '"title"'],
    ["title: war", '"title" AND "war"'],
    ["title:* war", '"war"'],
    ["a:b", '"a b"'],
    ["::", null],
    ["c++", '"c"'],
    ["co-op", '"co op"'],
    ["🎉 party 🎉", '"party"'],
    ["\u0000war\u0007", '"war"'],
    ["\u200fwar\u200e", '"war"'],
    ["a\u200bb", '"a" AND "b"'],
    ['"', null],
    ['""', null],
    ["()", null],
    ["say \"hi\"\"\" there", '"say" AND "hi" AND "there"'],
  ])("%j", (q, expected) => {
    expect(match(q)).toBe(expected);
  });

  it("bounds the number of terms", () => {
    const q = Array.from({ length: 100 }, (_, i) => `w${i}`).join(" ");
    const m = match(q) as string;
    expect(m.split(" AND ")).toHaveLength(32);
    expect(m).not.toContain("w32");
  });

  it("bounds the nesting depth", () => {
    const q = `${"(".repeat(50)}a OR b${")".repeat(50)} c`;
    expect(match(q)).toBe('("a" OR "b") AND "c"');
  });

  it("bounds very long input", () => {
    const m = match("教".repeat(10_000)) as string;
    expect(m.length).toBeLessThan(400);
  });

  it("treats non-strings as empty", () => {
    expect(parseSearchQuery(undefined as unknown as string)).toMatchObject({ match: null, terms: [] });
  });
});
