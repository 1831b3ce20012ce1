import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { spanning } from "../../src/db/shard-read";
import { busiestSources, getSourceHealth, listSourcesPage, type SourceFilter } from "../../src/db/sources";
import { cid, moveCorpus, storeCorpus } from "../support/shard-corpus";
import { item, storeItems } from "../support/shard-fill";
import { getJson } from "../support/worker";

// Articles per source count the period databases too: the source list's counts and the reader
// pages' busiest sources are what they were with every article live, after the corpus's October
// moved to two periods (a straggler and other rows left live, the boundary's row copied but not
// yet deleted from live). A third source publishing only in November stays wholly live, so
// counting live alone would rank it first.

const FILTERS: SourceFilter[] = [
  { lang: [], prefix: null, enabled: null },
  { lang: [], prefix: "s", enabled: true },
  { lang: ["en"], prefix: null, enabled: null },
];

async function answers() {
  const db = spanning(env.DB, env);
  const pages = [];
  for (const filter of FILTERS) for (const perPage of [1, 2, 100]) for (let page = 1; page <= 4; page++) pages.push(await listSourcesPage(db, filter, { page, perPage }));
  const busiest = [await busiestSources(db, 30), await busiestSources(db, 2), await busiestSources(db, 1)];
  const health = await Promise.all(["sa", "sb", "sc", "none"].map((id) => getSourceHealth(db, id)));
  return { pages, busiest, health };
}

let before: Awaited<ReturnType<typeof answers>>;

beforeAll(async () => {
  await storeCorpus();
  const november = Array.from({ length: 24 }, (_, i) =>
    item(`cccccccccccccc${String(i).padStart(2, "0")}`, { title: `Market day ${i}`, language: "en", publishedAt: `2026-11-${String(2 + i).padStart(2, "0")}T08:00:00Z` }),
  );
  await storeItems("sc", "Source C", november);
  before = await answers();
  await moveCorpus();
});

describe("articles per source across period databases", () => {
  it("moved most of the two October sources' articles out of live", async () => {
    const live = async (id: string) => (await env.DB.prepare("SELECT count(*) AS n FROM articles WHERE source_id = ?1").bind(id).first<{ n: number }>())!.n;
    expect(await live("sa")).toBeLessThan(24);
    expect(await live("sb")).toBeLessThan(24);
    // The boundary's own row is in a period and still live: it counts once.
    const ids = async (db: D1Database) => (await db.prepare("SELECT id FROM articles WHERE id IN (?1, ?2)").bind(cid(33), cid(34)).all<{ id: string }>()).results.map((r) => r.id);
    const [live33or34, period33or34] = [await ids(env.DB), await ids(env.SHARD_2)];
    expect(live33or34.filter((id) => period33or34.includes(id))).toHaveLength(1);
    // Counting live alone would now put the November source first: the check below could fail.
    expect((await busiestSources(env.DB, 1))[0]!.id).toBe("sc");
    expect(before.busiest[1]!.map((s) => s.id)).toEqual(["sa", "sb"]);
  });

  it("lists every page, filter and busiest ranking with the counts of before the move", async () => {
    const after = await answers();
    expect(after).toEqual(before);
    // And again from the isolate's cached period counts.
    expect(await answers()).toEqual(before);
  });

  it("answers GET /api/v1/sources with the counts of before the move", async () => {
    const { body } = await getJson("/api/v1/sources?per_page=100");
    const counts = Object.fromEntries(body.data.map((s: { id: string; article_count: number }) => [s.id, s.article_count]));
    expect(counts).toEqual(Object.fromEntries(before.pages[8]!.items.map((s) => [s.id, s.article_count])));
    expect(counts).toEqual({ sa: 31, sb: 30, sc: 24 });
  });
});
