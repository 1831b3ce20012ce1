import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { searchArticles, type SearchRequest } from "../../src/db/search";
import { spanning } from "../../src/db/shard-read";
import type { ArticleFilter, ResultPage, SearchHit } from "../../src/domain";
import { moveCorpus, storeCorpus } from "../support/shard-corpus";
import { getJson } from "../support/worker";

// Search across the live database and two period databases. By date (and "everything but"),
// exactly the answers of the same articles all in live, highlighting included. By relevance,
// the same set of matches and the same totals, pages that join up without gaps or repeats;
// only the order across databases may differ (bm25 statistics are per database).

const NO_FILTER: ArticleFilter = { lang: [], source: [], from: null, to: null };
const QUERIES: { q: string; filter: ArticleFilter }[] = [
  { q: "flood", filter: NO_FILTER },
  { q: "school", filter: NO_FILTER },
  { q: "flood lang:en", filter: NO_FILTER },
  { q: "-flood", filter: NO_FILTER },
  { q: "harvest OR flood", filter: { ...NO_FILTER, from: "2026-10-10", to: "2026-10-30" } },
  { q: "delta", filter: { ...NO_FILTER, source: ["sa"], to: "2026-10-20" } },
  { q: "nothingmatchesthis", filter: NO_FILTER },
];
const PAGE_SIZES = [1, 3, 100];

type Answers = Map<string, ResultPage<SearchHit>>;

async function answers(sort: SearchRequest["sort"]): Promise<Answers> {
  const db = spanning(env.DB, env);
  const all: Answers = new Map();
  for (const { q, filter } of QUERIES) {
    for (const perPage of PAGE_SIZES) {
      for (let page = 1; ; page++) {
        const result = await searchArticles(db, { q, sort, filter, page: { page, perPage } });
        all.set(JSON.stringify({ q, filter, perPage, page }), result);
        if ((page - 1) * perPage >= result.total) break;
      }
    }
  }
  return all;
}

/** Every query's hits in page order at one page size. */
function concatenated(all: Answers, perPage: number): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, result] of all) {
    const { q, filter, perPage: size } = JSON.parse(key) as { q: string; filter: ArticleFilter; perPage: number };
    if (size !== perPage) continue;
    const name = JSON.stringify({ q, filter });
    out.set(name, [...(out.get(name) ?? []), ...result.items.map((h) => h.id)]);
  }
  return out;
}

let byDate: Answers;
let byRelevance: Answers;

beforeAll(async () => {
  await storeCorpus();
  byDate = await answers("date");
  byRelevance = await answers("relevance");
  await moveCorpus();
});

describe("search across period databases", () => {
  it("by date: every query and page exactly as before the move", async () => {
    const after = await answers("date");
    expect([...after.keys()]).toEqual([...byDate.keys()]);
    for (const [key, result] of byDate) expect({ key, ...after.get(key)! }).toEqual({ key, ...result });
    expect(byDate.get(JSON.stringify({ ...QUERIES[0], perPage: 100, page: 1 }))!.total).toBeGreaterThan(15);
  });

  it("by relevance: the same matches and totals, pages joined without gaps or repeats", async () => {
    const after = await answers("relevance");
    expect([...after.keys()]).toEqual([...byRelevance.keys()]);
    for (const [key, result] of byRelevance) expect({ key, total: after.get(key)!.total }).toEqual({ key, total: result.total });
    const whole = concatenated(after, 100);
    for (const perPage of [1, 3]) expect(concatenated(after, perPage)).toEqual(whole);
    const wholeBefore = concatenated(byRelevance, 100);
    for (const [name, ids] of whole) expect({ name, ids: [...ids].sort() }).toEqual({ name, ids: [...wholeBefore.get(name)!].sort() });
  });

  it("answers the API the same by date, moved hits highlighted and their sources named", async () => {
    const expected = byDate.get(JSON.stringify({ ...QUERIES[0], perPage: 3, page: 5 }))!;
    const { body } = await getJson("/api/v1/search?q=flood&sort=date&per_page=3&page=5");
    expect(body.meta.total).toBe(expected.total);
    expect(body.data).toEqual(expected.items);
    expect(body.data.some((h: SearchHit) => h.highlight.title.includes("<mark>"))).toBe(true);
  });
});

describe("the newest-matches window across period databases", () => {
  it("holds live's matches, then the newest period's newest ones: no period match ranks above it otherwise", async () => {
    const db = spanning(env.DB, env);
    const all = await searchArticles(db, { q: "flood", sort: "relevance", filter: NO_FILTER, page: { page: 1, perPage: 100 } });
    const where = async (id: string) => {
      const inLive = await env.DB.prepare("SELECT pk FROM articles WHERE id = ?1").bind(id).first<{ pk: number }>();
      if (inLive) return { id, db: "live", pk: inLive.pk };
      const second = await env.SHARD_2.prepare("SELECT pk FROM articles WHERE id = ?1").bind(id).first<{ pk: number }>();
      return second ? { id, db: "SHARD_2", pk: second.pk } : { id, db: "SHARD_1", pk: 0 };
    };
    const placed = await Promise.all(all.items.map((h) => where(h.id)));
    const live = placed.filter((p) => p.db === "live");
    const newestMoved = placed.filter((p) => p.db === "SHARD_2").sort((a, b) => b.pk - a.pk).slice(0, 2);
    expect(live.length).toBeGreaterThan(2);
    expect(newestMoved).toHaveLength(2);
    const window = live.length + 2;
    const tuning = { rankWindow: window };
    const ranked = await searchArticles(db, { q: "flood", sort: "relevance", filter: NO_FILTER, page: { page: 1, perPage: 100 }, tuning });
    expect(ranked.total).toBe(all.total);
    expect(new Set(ranked.items.slice(0, window).map((h) => h.id))).toEqual(new Set([...live, ...newestMoved].map((p) => p.id)));
    // A window that live fills alone: its first hits are live's.
    const small = await searchArticles(db, { q: "flood", sort: "relevance", filter: NO_FILTER, page: { page: 1, perPage: 100 }, tuning: { rankWindow: 2 } });
    const first = await Promise.all(small.items.slice(0, 2).map((h) => where(h.id)));
    expect(first.map((p) => p.db)).toEqual(["live", "live"]);
  });
});
