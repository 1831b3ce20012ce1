import { env } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { analyzeForIndex } from "../../src/search/analyze";
import { highlight } from "../../src/search/highlight";
import { parseSearchQuery } from "../../src/search/query";

// Rows go straight into the FTS table, analyzed exactly as ingest stores them.
const rows = [
  { id: 1, title: "Éducation nationale : la réforme", body: "Le ministère de l'Éducation présente une réforme des écoles." },
  { id: 2, title: "Education budget passes", body: "Lawmakers approved the education budget; naïve café owners cheered. Civil war veterans too." },
  { id: 3, title: "Ёлка на площади", body: "В центре города установили новогоднюю ёлку. Мой край." },
  { id: 4, title: "الكِتَابُ الجديد للأطفال", body: "قرأ الأَطْفَالُ الكتابَ في المدرسةِ. منظمة WHO تدعم التعليم." },
  { id: 5, title: "推进教育公平", body: "教育部表示，2024年将继续推进教育公平和COVID-19疫苗接种。" },
  { id: 6, title: "정부, 교육 개혁 발표", body: "정부는 교육을 강화하고 K팝 문화를 지원한다." },
  { id: 7, title: "日本のアニメーション", body: "アニメ産業の教育プログラム" },
  { id: 8, title: "Civil rights and the war", body: "A history of civil rights movements; war reporting." },
];

async function matchRows(expr: string): Promise<number[]> {
  const { results } = await env.DB.prepare("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid").bind(expr).all<{ rowid: number }>();
  return results.map((r) => r.rowid);
}

async function search(q: string): Promise<number[]> {
  const parsed = parseSearchQuery(q);
  if (parsed.match) return matchRows(parsed.match);
  if (!parsed.exclude) return [];
  // Exclusion-only queries: everything except what the exclusion matches.
  const { results } = await env.DB.prepare(
    "SELECT rowid FROM articles_fts WHERE rowid NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?) ORDER BY rowid",
  )
    .bind(parsed.exclude)
    .all<{ rowid: number }>();
  return results.map((r) => r.rowid);
}

beforeAll(async () => {
  await env.DB.batch(
    rows.map((r) =>
      env.DB.prepare("INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)").bind(r.id, analyzeForIndex(r.title), analyzeForIndex(r.body)),
    ),
  );
});

describe("FTS5 accepts the analyzed text and the parsed queries", () => {
  it.each<[string, number[]]>([
    // Latin folding
    ["education", [1, 2]],
    ["ÉDUCATION", [1, 2]],
    ["ecoles", [1]],
    ["naive cafe", [2]],
    // Cyrillic: ё = е, й stays a letter of its own
    ["ёлка", [3]],
    ["елка", [3]],
    ["ЁЛКА", [3]],
    ["край", [3]],
    ["краи", []],
    // Arabic: harakat, alef variants, article
    ["كتاب", [4]],
    ["الكتاب", [4]],
    ["الكِتَاب", [4]],
    ["أطفال", [4]],
    ["اطفال", [4]],
    ["الأطفال", [4]],
    ["مدرسة", [4]],
    ["WHO", [4]],
    // Chinese / Japanese bigrams
    ["教育", [5, 7]],
    ["教育公平", [5]],
    ["公", [5]],
    ["疫苗", [5]],
    ["COVID-19", [5]],
    ["2024年", [5]],
    ["アニメ", [7]],
    ["教育プログラム", [7]],
    // Korean prefixes
    ["교육", [6]],
    ["정부", [6]],
    ["K팝", [6]],
    ['"교육 개혁"', [6]],
    // Syntax
    ['"civil war"', [2]],
    ['"civil rights"', [8]],
    ["civil war", [2, 8]],
    ["ёлка OR 교육", [3, 6]],
    ["education -réforme", [2]],
    ["education NOT budget", [1]],
    ["educ*", [1, 2]],
    ["réfor*", [1]],
    ["title:war", [8]],
    ['title:"civil rights"', [8]],
    ["civil -title:war", [2]],
    ["(education OR 教育) -budget", [1, 5, 7]],
    ["source:bbc lang:fr education", [1, 2]],
    // Malformed input still searches its words
    ["((education", [1, 2]],
    ['education "', [1, 2]],
    ["-) education (", [1, 2]],
    ["NEAR(civil war)", []],
    // Exclusion only
    ["-education", [3, 4, 5, 6, 7, 8]],
    ["-education -教育 -교육", [3, 4, 8]],
  ])("%s", async (q, expected) => {
    expect(await search(q)).toEqual(expected);
  });

  it("highlights every hit it finds", async () => {
    for (const q of ["education", "ёлка", "كتاب", "أطفال", "教育", "公", "교육", "K팝", '"civil war"', "educ*", "title:war"]) {
      const { terms } = parseSearchQuery(q);
      for (const id of await search(q)) {
        const row = rows.find((r) => r.id === id)!;
        const marked = highlight(row.title, terms) + highlight(row.body, terms);
        expect(marked, `${q} in row ${id}`).toContain("<mark>");
      }
    }
  });

  it("never fails on random queries", async () => {
    const piece = fc.oneof(
      fc.constantFrom('"', "(", ")", "*", "-", ":", " ", "+", "^", "OR", "AND", "NOT", "NEAR", "title:", "source:x", "lang:", "{title}", ","),
      fc.constantFrom("education", "ёлка", "教育", "교육을", "الكتاب", "c++", "😀", "\u200f", "\u0000", "\u0301", "\u0640"),
      fc.string({ unit: "binary", maxLength: 4 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 24 }), async (parts) => {
        const parsed = parseSearchQuery(parts.join(""));
        if (parsed.match) await matchRows(parsed.match);
        if (parsed.exclude) await matchRows(parsed.exclude);
      }),
      { numRuns: 300 },
    );
  });
});
