import { beforeAll, describe, expect, it } from "vitest";
import { addSource, getJson, runCron } from "../support/worker";

// Seven feeds (tests/fixtures/feeds/relevance/) arrive through the real refresh pipeline;
// articles are named by their link, e.g. "en/1" for https://rel.example.org/en/1.
const LANGUAGES = ["en", "fr", "es", "ru", "ar", "zh", "ko"];

interface Hit {
  url: string;
  highlight: { title: string; summary: string };
}

async function search(q: string, extra = ""): Promise<{ keys: string[]; hits: Hit[]; total: number }> {
  const { res, body } = await getJson(`/api/v1/search?per_page=100&q=${encodeURIComponent(q)}${extra}`);
  expect(res.status, q).toBe(200);
  const hits = body.data as Hit[];
  return { keys: hits.map((h) => h.url.replace("https://rel.example.org/", "")), hits, total: body.meta.total };
}

beforeAll(async () => {
  for (const lang of LANGUAGES) await addSource(`rel-${lang}`, `/relevance/${lang}.xml`);
  await runCron();
});

interface Case {
  why: string;
  q: string;
  must: string[];
  mustNot?: string[];
  params?: string;
}

function expectCase({ keys, total }: { keys: string[]; total: number }, c: Case): void {
  for (const key of c.must) expect(keys, `${c.q} should find ${key}`).toContain(key);
  for (const key of c.mustNot ?? []) expect(keys, `${c.q} should not find ${key}`).not.toContain(key);
  expect(total).toBe(keys.length);
}

const check = (cases: Case[]) =>
  it.each(cases)("$why: $q", async (c) => {
    expectCase(await search(c.q, c.params), c);
  });

describe("words in every language, folded the way readers type them", () => {
  check([
    { why: "English words match title, summary or body", q: "floods", must: ["en/1", "en/2"], mustNot: ["en/7", "fr/1"] },
    { why: "an acronym matches whatever its case", q: "who", must: ["en/4"] },
    { why: "a word with a hyphen and digits", q: "COVID-19", must: ["en/7", "zh/3"], mustNot: ["ko/3"] },
    { why: "French accents are optional", q: "education", must: ["fr/1", "fr/2", "en/3"], mustNot: ["fr/3"] },
    { why: "French elided article does not hide the word", q: "éducation", must: ["fr/1", "fr/2"] },
    { why: "a capital with an accent", q: "ecole", must: ["fr/2"], mustNot: ["en/1"] },
    { why: "Spanish ñ folds to n", q: "ninos", must: ["es/1"], mustNot: ["es/4"] },
    { why: "Spanish accents are optional", q: "vacunacion", must: ["es/2"], mustNot: ["fr/4"] },
    { why: "Russian ё and е are the same letter", q: "елка", must: ["ru/2"] },
    { why: "Russian й is its own letter", q: "краи", must: [], mustNot: ["ru/5"] },
    { why: "Russian word as written", q: "край", must: ["ru/5"] },
    { why: "Arabic word without its article", q: "تعليم", must: ["ar/1"], mustNot: ["ar/2"] },
    { why: "Arabic word with its article", q: "التعليم", must: ["ar/1"] },
    { why: "Arabic hamza on alef is optional", q: "اطفال", must: ["ar/1", "ar/3"], mustNot: ["ar/4"] },
    { why: "Arabic harakat are ignored", q: "الأَطْفَال", must: ["ar/1", "ar/3"] },
    { why: "Chinese word inside a longer run", q: "气候", must: ["zh/1"], mustNot: ["zh/2"] },
    { why: "Chinese compound", q: "教育公平", must: ["zh/2"], mustNot: ["zh/1"] },
    { why: "Chinese characters must be in order", q: "变化气候", must: [], mustNot: ["zh/1"] },
    { why: "Korean word with a particle attached in the text", q: "학교", must: ["ko/2", "ko/4"], mustNot: ["ko/1"] },
    { why: "Korean word as a whole word", q: "기후", must: ["ko/1"], mustNot: ["ko/2"] },
  ]);
});

describe("inflected forms of a word", () => {
  check([
    { why: "an English singular finds plurals", q: "school", must: ["en/1", "en/3", "en/8", "en/9", "en/11"] },
    { why: "an English plural finds the singular", q: "schools", must: ["en/1", "en/3", "en/8", "en/9", "en/11"] },
    { why: "an irregular English plural", q: "child", must: ["en/3", "en/4", "en/8"] },
    { why: "a French plural finds the singular", q: "écoles", must: ["fr/1", "fr/2", "fr/7"] },
    { why: "a French singular finds the plural", q: "enfant", must: ["fr/1", "fr/4"] },
    { why: "a Spanish plural in -es", q: "inundación", must: ["es/1"] },
    { why: "a Spanish singular finds the plural", q: "niño", must: ["es/1", "es/6"], mustNot: ["es/4"] },
    { why: "a Russian noun in other cases", q: "наводнение", must: ["ru/1", "ru/6"] },
    { why: "a Russian noun in -а in every case", q: "школа", must: ["ru/1", "ru/3", "ru/6"] },
    { why: "a Russian word is not a prefix of another word", q: "страна", must: ["ru/2", "ru/4"], mustNot: ["ru/7"] },
    { why: "short words stay as typed", q: "край", must: ["ru/5"], mustNot: ["ru/1"] },
    { why: "a quoted phrase stays exact", q: '"civil wars"', must: [], mustNot: ["en/5"] },
    { why: "a title match on any form", q: "title:schools", must: ["en/8", "en/11"], mustNot: ["en/1", "en/3"] },
  ]);
});

describe("the query language", () => {
  check([
    { why: "words are ANDed", q: "civil war", must: ["en/5", "en/6"], mustNot: ["fr/6", "en/1"] },
    { why: "an exact phrase", q: '"civil war"', must: ["en/5"], mustNot: ["en/6"] },
    { why: "a French phrase", q: '"guerre civile"', must: ["fr/6"], mustNot: ["es/5"] },
    { why: "a Russian phrase", q: '"гражданская война"', must: ["ru/4"], mustNot: ["ru/5"] },
    { why: "a Korean phrase", q: '"기후 변화"', must: ["ko/1"] },
    { why: "OR across languages", q: "climate OR 기후", must: ["en/2", "en/7", "ko/1"], mustNot: ["fr/3"] },
    { why: "a minus excludes", q: "civil -crimes", must: ["en/5"], mustNot: ["en/6"] },
    { why: "NOT excludes", q: "floods NOT climate", must: ["en/1"], mustNot: ["en/2"] },
    { why: "a prefix", q: "vacc*", must: ["en/4", "fr/4"], mustNot: ["es/2"] },
    { why: "parentheses group", q: "(floods OR vaccination) -summit", must: ["en/1", "en/4"], mustNot: ["en/2"] },
    { why: "title: looks only at titles", q: "title:climate", must: ["en/2"], mustNot: ["en/7"] },
    { why: "source: filters by source id", q: "source:rel-fr civile", must: ["fr/6"], mustNot: ["es/5"] },
    { why: "lang: filters by language", q: "lang:es civil", must: ["es/5"], mustNot: ["en/5", "fr/6"] },
    { why: "exclusions alone list everything else", q: "-floods -inondations", params: "&lang=en,fr", must: ["en/3", "fr/2"], mustNot: ["en/1", "en/2", "fr/1", "zh/4"] },
  ]);
});

describe("malformed input degrades to plain words", () => {
  check([
    { why: "unbalanced parenthesis and quote", q: '((floods "', must: ["en/1", "en/2"] },
    { why: "a trailing operator is read as a word", q: "floods AND", must: ["en/1", "en/2"] },
    { why: "FTS5 syntax is just text", q: "NEAR(floods climate) {title}: ^floods", must: [], mustNot: ["en/1"] },
    { why: "punctuation inside words", q: "c++ floods; co-op", must: [], mustNot: ["en/1"] },
    { why: "a dangling minus", q: "floods -", must: ["en/1", "en/2"] },
    { why: "closing before opening", q: "floods )(", must: ["en/1", "en/2"] },
    { why: "an unknown field is text", q: "author:floods", must: [], mustNot: ["en/1"] },
    { why: "a long OR list cut at the term limit", q: ["floods", ...Array.from({ length: 30 }, (_, i) => `nothing${i}`)].join(" OR "), must: ["en/1", "en/2"] },
  ]);
});

describe("ranking", () => {
  it("ranks a title match above a body-only match", async () => {
    expect((await search("floods")).keys.slice(0, 2)).toEqual(["en/1", "en/2"]);
    expect((await search("climate")).keys.slice(0, 2)).toEqual(["en/2", "en/7"]);
    expect((await search("доклад образование")).keys[0]).toBe("ru/3");
  });

  it("orders by date, newest first, with sort=date", async () => {
    const { keys } = await search("civil OR civile OR гражданская", "&sort=date");
    expect(keys).toEqual(["ru/4", "ru/5", "es/5", "en/5", "fr/6", "en/6"]);
  });
});

describe("highlights", () => {
  it.each([
    ["floods", "en/1", "title", "<mark>Floods</mark> displace thousands in Mozambique"],
    ["education", "fr/2", "summary", "Le ministère de l&#39;<mark>Éducation</mark> nationale lance un plan de recrutement."],
    ["елка", "ru/2", "title", "Новогодняя <mark>ёлка</mark> на Красной площади"],
    ["تعليم", "ar/1", "title", "<mark>التعليم</mark> حق لكل الأطفال"],
    ["气候", "zh/1", "title", "联合国呼吁加强<mark>气候</mark>变化行动"],
    ["학교", "ko/2", "summary", "교육부는 <mark>학교</mark>에서 디지털 교육을 강화한다고 밝혔다."],
  ])("%s is marked in %s's %s", async (q, key, field, expected) => {
    const { hits, keys } = await search(q);
    const hit = hits[keys.indexOf(key)]!;
    expect(hit.highlight[field as "title" | "summary"]).toBe(expected);
  });
});
