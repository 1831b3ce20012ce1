import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeForIndex, analyzeQueryTerm, type QueryToken } from "../../../src/search/analyze";
import { highlight } from "../../../src/search/highlight";
import { parseSearchQuery } from "../../../src/search/query";
import { assertSafeFts } from "./fts-syntax";

/** Pieces that stress the query syntax; glued together without spaces as often as with. */
const syntaxPiece = fc.oneof(
  fc.constantFrom('"', "(", ")", "*", "-", ":", " ", "  ", "+", "^", "{", "}", ",", "\\", "'", "''", '""', "NEAR", "NEAR(", ",10)"),
  fc.constantFrom("OR", "AND", "NOT", "or", "not", "title:", "source:", "lang:", "TITLE:", "body:", "title", "source:bbc", "lang:fr"),
  fc.constantFrom("war", "Éducation", "ёлка", "教育", "推进教育公平", "교육을", "الكتاب", "أطفال", "c++", "co-op", "G20", "x*"),
  fc.constantFrom("😀", "👍🏽", "\u200f", "\u200b", "\u0000", "\u0007", "\ufeff", "\ud800", "\udc00", "\u0301", "\u0640", "\u3000"),
  fc.string({ unit: "binary", maxLength: 3 }),
);
const syntaxSoup = fc.array(syntaxPiece, { maxLength: 40 }).map((parts) => parts.join(""));
const anyText = fc.string({ unit: "binary", maxLength: 80 });

function checkParsed(q: string): void {
  const r = parseSearchQuery(q);
  if (r.match !== null) assertSafeFts(r.match);
  if (r.exclude !== null) assertSafeFts(r.exclude);
  expect(r.match !== null && r.exclude !== null).toBe(false);
  for (const s of r.sources) expect(s).toMatch(/^[a-z0-9][a-z0-9._-]{0,63}$/);
  for (const l of r.languages) expect(l).toMatch(/^[a-z]{2,3}$/);
  expect(r.terms.length).toBeLessThanOrEqual(32);
}

describe("parseSearchQuery never yields malformed FTS5", () => {
  it("on syntax soup", () => {
    fc.assert(fc.property(syntaxSoup, (q) => checkParsed(q)), { numRuns: 4000 });
  });

  it("on arbitrary unicode", () => {
    fc.assert(fc.property(anyText, (q) => checkParsed(q)), { numRuns: 3000 });
  });

  it("on very long inputs", () => {
    fc.assert(fc.property(fc.array(syntaxPiece, { minLength: 200, maxLength: 600 }), (parts) => checkParsed(parts.join(" "))), { numRuns: 100 });
  });
});

/** What FTS5 does with a phrase: consecutive tokens, the prefix ones compared by prefix. */
function phraseIn(index: string[], q: QueryToken[]): boolean {
  for (let i = 0; i + q.length <= index.length; i++) {
    if (q.every((t, j) => (t.prefix ? (index[i + j] as string).startsWith(t.text) : index[i + j] === t.text))) return true;
  }
  return false;
}

const vocabulary = [
  "Éducation", "EDUCATION", "école", "Straße", "G20", "COVID-19", "c++", "co-op", "naïve",
  "Ёлка", "ежик", "край", "за́мок",
  "الكتابُ", "أطفال", "والقلم", "مدرسة", "إلى", "كتـــاب", "WHO",
  "推进教育公平", "教育", "中国", "2024年", "日本のアニメーション", "ｶﾞｷﾞ", "好",
  "교육을", "정부는", "K팝", "강화한다",
];
const separators = [" ", ", ", " — ", "\n", "-", "。", "\u200f "];

describe("the index and the query side agree", () => {
  it("a run of words from a text matches that text, and is highlighted in it", () => {
    const doc = fc.array(fc.tuple(fc.constantFrom(...vocabulary), fc.constantFrom(...separators)), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(doc, fc.nat(), fc.nat(), (words, a, b) => {
        const text = words.map(([w, s]) => w + s).join("");
        const from = a % words.length;
        const to = from + (b % (words.length - from));
        const query = words
          .slice(from, to + 1)
          .map(([w]) => w)
          .join(" ");
        expect(phraseIn(analyzeForIndex(text).split(" "), analyzeQueryTerm(query))).toBe(true);
        expect(highlight(text, [query])).toContain("<mark>");
      }),
      { numRuns: 1500 },
    );
  });

  it("any substring of a Han/Kana run matches it", () => {
    const run = fc.string({ unit: fc.constantFrom("教", "育", "公", "平", "推", "进", "の", "ア", "ー"), minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(run, fc.nat(), fc.nat(), (s, a, b) => {
        const from = a % s.length;
        const to = from + 1 + (b % (s.length - from));
        const sub = s.slice(from, to);
        const text = `前言 ${s}，后记`;
        expect(phraseIn(analyzeForIndex(text).split(" "), analyzeQueryTerm(sub))).toBe(true);
        const marked = highlight(text, [sub]);
        expect(marked).toContain("<mark>");
        expect(marked.replace(/<\/?mark>/g, "")).toBe(text);
      }),
      { numRuns: 1500 },
    );
  });

  it("any start of a Hangul word matches it", () => {
    const word = fc.string({ unit: fc.constantFrom("교", "육", "을", "정", "부", "는"), minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(word, fc.nat(), (w, a) => {
        const head = w.slice(0, 1 + (a % w.length));
        expect(phraseIn(analyzeForIndex(`오늘 ${w} 발표`).split(" "), analyzeQueryTerm(head))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("analyzed text is space-separated letter/number tokens", () => {
    fc.assert(
      fc.property(anyText, (t) => {
        const out = analyzeForIndex(t);
        if (out !== "") expect(out).toMatch(/^[\p{L}\p{N}\p{M}]+( [\p{L}\p{N}\p{M}]+)*$/u);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("highlight never breaks its markup", () => {
  it("on arbitrary text and terms", () => {
    fc.assert(
      fc.property(anyText, fc.array(anyText, { maxLength: 4 }), fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }), (text, terms, maxLength) => {
        const out = highlight(text, terms, { maxLength });
        expect(out).not.toMatch(/<(?!\/?mark>)|(?<!<\/?mark)>|["']/);
        expect(out.split("<mark>").length).toBe(out.split("</mark>").length);
        expect(out).not.toMatch(/<mark><\/mark>/);
      }),
      { numRuns: 2000 },
    );
  });
});
