import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { listArticles } from "../../src/db/articles";
import { spanning } from "../../src/db/shard-read";
import type { ArticleFilter, ArticleSummary, ResultPage } from "../../src/domain";
import { moveCorpus, storeCorpus } from "../support/shard-corpus";
import { getJson } from "../support/worker";

// The listing across the live database and two period databases answers exactly what it
// answered with every article in live: same pages, same order, same totals, whatever the filter
// and page size, with a straggler in live and a copied-not-yet-deleted row in a period.

const FILTERS: ArticleFilter[] = [
  { lang: [], source: [], from: null, to: null },
  { lang: ["en"], source: [], from: null, to: null },
  { lang: ["fr", "ru"], source: ["sb"], from: null, to: null },
  { lang: [], source: [], from: "2026-10-10", to: "2026-10-20" },
  { lang: [], source: [], from: "2026-10-20", to: null },
  { lang: [], source: [], from: null, to: "2026-10-14" },
  { lang: ["en"], source: ["sa"], from: "2026-10-12", to: "2026-11-05" },
  { lang: [], source: [], from: "2026-09-01", to: "2026-09-30" },
];
const PAGE_SIZES = [1, 4, 7, 100];

type Answers = Map<string, ResultPage<ArticleSummary>>;

async function answers(): Promise<Answers> {
  const db = spanning(env.DB, env);
  const all: Answers = new Map();
  for (const filter of FILTERS) {
    for (const perPage of PAGE_SIZES) {
      // Every page, and one past the last.
      for (let page = 1; ; page++) {
        const result = await listArticles(db, filter, { page, perPage });
        all.set(JSON.stringify({ filter, perPage, page }), result);
        if ((page - 1) * perPage >= result.total) break;
      }
    }
  }
  return all;
}

let before: Answers;

beforeAll(async () => {
  await storeCorpus();
  before = await answers();
  await moveCorpus();
});

describe("the listing across period databases", () => {
  it("has moved articles to both periods, with a straggler still in live", async () => {
    const count = async (db: D1Database) => (await db.prepare("SELECT count(*) AS n FROM articles").first<{ n: number }>())!.n;
    expect(await count(env.SHARD_1)).toBeGreaterThan(10);
    expect(await count(env.SHARD_2)).toBeGreaterThan(10);
    expect(await count(env.DB)).toBeLessThan(40);
  });

  it("answers every filter and page exactly as before the move", async () => {
    const after = await answers();
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [key, result] of before) expect({ key, ...after.get(key)! }).toEqual({ key, ...result });
  });

  it("answers the API the same, sources named from live", async () => {
    const result = before.get(JSON.stringify({ filter: FILTERS[0], perPage: 7, page: 6 }))!;
    const { body } = await getJson("/api/v1/articles?per_page=7&page=6");
    expect(body.meta.total).toBe(result.total);
    expect(body.data).toEqual(result.items);
    expect(body.data.map((a: ArticleSummary) => a.source.name)).toContain("Source B");
    expect((await getJson("/healthz")).body.articles).toBe(result.total);
  });
});
