import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { scopeToken } from "../../src/search/scope";
import { parseSearchQuery } from "../../src/search/query";
import { searchStatements, type SearchScope } from "../../src/search/plan";
import { addSource, cacheOf, getJson, getJsonSettled, runCron } from "../support/worker";

interface Hit {
  id: string;
  url: string;
  language: string;
  published_at: string;
  source: { id: string; name: string };
  highlight: { title: string; summary: string };
}

const key = (h: Hit) => h.url.replace("https://rel.example.org/", "");
const search = (query: string) => getJson(`/api/v1/search?${query}`);

beforeAll(async () => {
  await addSource("rel-en", "/relevance/en.xml");
  await addSource("rel-fr", "/relevance/fr.xml");
  await runCron();
});

describe("GET /api/v1/search", () => {
  it("returns ranked hits in the listing envelope with exact totals", async () => {
    const { res, body } = await search("q=floods");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(body.meta).toMatchObject({ page: 1, per_page: 10, total: 2, total_pages: 1, query: { q: "floods", sort: "relevance" } });
    expect(res.headers.get("x-total-count")).toBe("2");
    expect(body.data.map(key)).toEqual(["en/1", "en/2"]);
    expect(body.data[0]).toMatchObject({
      title: "Floods displace thousands in Mozambique",
      language: "en",
      url: "https://rel.example.org/en/1",
      source: { id: "rel-en", name: "Source rel-en" },
      highlight: { title: "<mark>Floods</mark> displace thousands in Mozambique" },
    });
    expect(body.data[0]).not.toHaveProperty("content_html");
  });

  it("pages through every match exactly once, with the same total on every page", async () => {
    const all = await search("q=the%20OR%20les&per_page=100");
    const total = all.body.meta.total;
    expect(total).toBeGreaterThan(5);
    expect(all.body.data).toHaveLength(total);
    const seen: string[] = [];
    const pages = Math.ceil(total / 2);
    for (let page = 1; page <= pages; page++) {
      const { res, body } = await search(`q=the%20OR%20les&per_page=2&page=${page}`);
      expect(body.meta).toMatchObject({ page, per_page: 2, total, total_pages: pages });
      expect(res.headers.get("link")).toContain('rel="last"');
      seen.push(...body.data.map(key));
    }
    expect(seen).toEqual(all.body.data.map(key));
    expect(new Set(seen).size).toBe(total);
  });

  it("keeps the exact total on a page past the end", async () => {
    const { res, body } = await search("q=floods&page=50");
    expect(res.status).toBe(200);
    expect(body.data).toEqual([]);
    expect(body.meta).toMatchObject({ page: 50, total: 2, total_pages: 1 });
  });

  it("orders newest first with sort=date and by relevance otherwise", async () => {
    const byDate = await search("q=civil%20OR%20civile&sort=date");
    expect(byDate.body.meta.query.sort).toBe("date");
    expect(byDate.body.data.map(key)).toEqual(["en/5", "fr/6", "en/6"]);
    const byRelevance = await search("q=climate");
    expect(byRelevance.body.data.map(key)).toEqual(["en/2", "en/7"]);
  });

  it("filters by language, source and inclusive dates", async () => {
    const fr = await search("q=civil%20OR%20civile&lang=fr");
    expect(fr.body.data.map(key)).toEqual(["fr/6"]);
    expect(fr.body.meta.query).toMatchObject({ lang: ["fr"] });
    const en = await search("q=civil%20OR%20civile&source=rel-en&per_page=100");
    expect(en.body.data.every((h: Hit) => h.source.id === "rel-en")).toBe(true);
    expect(en.body.meta.total).toBe(2);
    const day = await search("q=civil%20OR%20civile&from=2026-03-06&to=2026-03-06");
    expect(day.body.data.map(key)).toEqual(["en/5"]);
    const both = await search("q=the%20OR%20les&lang=en,fr&source=rel-fr&from=2026-03-08&per_page=100");
    expect(both.body.data.map(key).sort()).toEqual(["fr/1", "fr/2", "fr/3"]);
    expect(both.body.meta.total).toBe(3);
  });

  it("matches what readers type against the text only, never the filters' index tokens", async () => {
    // The index keeps language, source and date as tokens (src/search/scope.ts); typing one, or a
    // prefix of all of them, finds nothing.
    for (const q of [scopeToken("l", "fr"), scopeToken("s", "rel-fr"), `${scopeToken("l", "e")}*`, `scope:${scopeToken("l", "fr")}`, `{scope}:${scopeToken("l", "fr")}`, "y2026", "m202603", "d20260306", "d2026*"]) {
      const { res, body } = await search(`q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
      expect(body.meta.total, q).toBe(0);
    }
    const scoped = await search(`q=civil%20OR%20civile&lang=fr&sort=date`);
    const unscoped = await search(`q=civil%20OR%20civile&sort=date&per_page=100`);
    expect(scoped.body.data.map(key)).toEqual(unscoped.body.data.filter((h: Hit) => h.language === "fr").map(key));
  });

  it("applies filters written in the query like the parameters", async () => {
    const { body } = await search(`q=${encodeURIComponent("source:rel-fr lang:fr guerre")}`);
    expect(body.data.map(key)).toEqual(["fr/6"]);
    const none = await search(`q=${encodeURIComponent("lang:fr floods")}&lang=en`);
    expect(none.res.status).toBe(200);
    expect(none.body.meta.total).toBe(0);
  });

  it("lists everything else, newest first, for a query that only excludes", async () => {
    const { body } = await search("q=-floods&lang=en&per_page=100");
    expect(body.meta.total).toBe(11);
    const keys = body.data.map(key);
    expect(keys).not.toContain("en/1");
    expect(keys).not.toContain("en/2");
    const dates = body.data.map((h: Hit) => h.published_at);
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it("escapes the text of highlights and adds only <mark>", async () => {
    const { body } = await search("q=violence");
    const hit = body.data.find((h: Hit) => key(h) === "en/9") as Hit;
    expect(hit.highlight.title).toBe("Youth say &quot;enough&quot; to <mark>violence</mark> &amp; hate &lt;3");
    expect(hit.highlight.summary).toBe("Students marched for &lt;safe&gt; schools &amp; streets, chanting &quot;no more <mark>violence</mark>&quot;.");
    for (const text of [hit.highlight.title, hit.highlight.summary]) {
      expect(text.replace(/<\/?mark>/g, "")).not.toMatch(/[<>"]/);
    }
  });

  it("answers a missing, empty or over-long q with a 400 problem naming q", async () => {
    for (const query of ["", "q=", `q=${"a".repeat(501)}`, `q=${"é".repeat(501)}`]) {
      const { res, body } = await search(query);
      expect(res.status, query.slice(0, 20)).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(body).toMatchObject({ status: 400, code: "invalid_parameter" });
      expect(body.errors.map((e: { path: string }) => e.path)).toEqual(["q"]);
    }
    const longest = await search(`q=${"a".repeat(500)}`);
    expect(longest.res.status).toBe(200);
  });

  it("names every invalid parameter at once", async () => {
    const { res, body } = await search("q=floods&sort=best&per_page=0&lang=english&from=yesterday");
    expect(res.status).toBe(400);
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["from", "lang", "per_page", "sort"]);
  });

  it("reads through the request's D1 session: returns a bookmark and accepts one back", async () => {
    const first = await search("q=floods&per_page=4");
    const bookmark = first.res.headers.get("x-d1-bookmark");
    expect(bookmark).toMatch(/^[0-9a-f-]+$/);
    const next = await search(`q=floods&per_page=5`);
    expect(next.res.headers.get("x-d1-bookmark")).toMatch(/^[0-9a-f-]+$/);
    const again = await getJson("/api/v1/search?q=floods&per_page=6", { headers: { "x-d1-bookmark": bookmark! } });
    expect(again.res.status).toBe(200);
    expect(again.body.meta.total).toBe(2);
    expect(again.res.headers.get("x-d1-bookmark")).toMatch(/^[0-9a-f-]+$/);
  });

  it("serves a repeated search from the cache", async () => {
    const first = await getJsonSettled("/api/v1/search?q=vaccination&per_page=3");
    expect(cacheOf(first.res)).toBe("MISS");
    const second = await search("q=vaccination&per_page=3");
    expect(cacheOf(second.res)).toBe("HIT");
    expect(second.body).toEqual(first.body);
  });
});

describe("the bounded-cost plans", () => {
  // Tiny thresholds put a dozen matches through the branches that large corpora take.
  const expression = parseSearchQuery("the OR les OR floods").match!;
  const scopes: SearchScope[] = [
    { languages: [], sources: [], from: null, to: null },
    { languages: ["en"], sources: [], from: null, to: null },
    { languages: [], sources: ["rel-fr", "rel-en"], from: "2026-03-04", to: "2026-03-09" },
  ];

  async function naive(scope: SearchScope): Promise<{ pk: number; id: string; score: number; published_at: string }[]> {
    const where: string[] = [];
    const params: unknown[] = [expression];
    const add = (clause: string, ...values: string[]) => {
      where.push(clause);
      params.push(...values);
    };
    if (scope.languages.length) add(`a.language IN (${scope.languages.map(() => "?").join(",")})`, ...scope.languages);
    if (scope.sources.length) add(`a.source_id IN (${scope.sources.map(() => "?").join(",")})`, ...scope.sources);
    if (scope.from) add("a.published_at >= ?", `${scope.from}T00:00:00Z`);
    if (scope.to) add("a.published_at <= ?", `${scope.to}T23:59:59Z`);
    const sql =
      "SELECT articles_fts.rowid AS pk, a.id, a.published_at, bm25(articles_fts, 4, 1) AS score FROM articles_fts JOIN articles a ON a.pk = articles_fts.rowid " +
      `WHERE articles_fts MATCH ?${where.map((w) => ` AND ${w}`).join("")}`;
    return (await env.DB.prepare(sql).bind(...params).all<{ pk: number; id: string; score: number; published_at: string }>()).results;
  }

  async function pages(sort: "relevance" | "date", scope: SearchScope, perPage: number, tuning: object): Promise<{ ids: string[]; totals: number[] }> {
    const ids: string[] = [];
    const totals: number[] = [];
    for (let offset = 0; offset < 30; offset += perPage) {
      const { page, total } = searchStatements({ expression, exclude: false, sort, scope, limit: perPage, offset, tuning });
      const [rows, count] = await env.DB.batch([env.DB.prepare(page.sql).bind(...page.params), env.DB.prepare(total.sql).bind(...total.params)]);
      ids.push(...(rows!.results as { id: string }[]).map((r) => r.id));
      totals.push((count!.results[0] as { n: number }).n);
    }
    return { ids, totals };
  }

  it.each([1, 3, 4])("rank the newest window first, then the rest, across page boundaries (%i per page)", async (perPage) => {
    for (const scope of scopes) {
      const matches = await naive(scope);
      expect(matches.length).toBeGreaterThan(3);
      const newest = [...matches].sort((a, b) => b.pk - a.pk);
      const byScore = (x: typeof matches) => [...x].sort((a, b) => a.score - b.score || b.pk - a.pk).map((m) => m.id);
      const expected = [...byScore(newest.slice(0, 3)), ...byScore(newest.slice(3))];
      const { ids, totals } = await pages("relevance", scope, perPage, { rankWindow: 3 });
      expect(ids).toEqual(expected);
      expect(new Set(totals)).toEqual(new Set([matches.length]));
    }
  });

  it.each([0, 1000])("order by date whether they walk the date index or sort the matches (walk above %i)", async (dateWalkMatches) => {
    for (const scope of scopes) {
      const matches = await naive(scope);
      const expected = [...matches].sort((a, b) => (a.published_at === b.published_at ? b.pk - a.pk : a.published_at < b.published_at ? 1 : -1)).map((m) => m.id);
      expect((await pages("date", scope, 4, { dateWalkMatches })).ids).toEqual(expected);
    }
  });
});
