import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { spanning } from "../../src/db/shard-read";
import { lastArticleKey, sitemapArticles, type SitemapArticle } from "../../src/db/sitemaps";
import { cid, moveCorpus, storeCorpus } from "../support/shard-corpus";

// Sitemap files are pk ranges; moved articles keep their pks, so every file lists what it
// listed before the move, with the same story languages (from whichever database holds them).

const RANGES = [
  [0, 1_000],
  [0, 7],
  [7, 20],
  [20, 33],
  [33, 50],
  [50, 70],
];

let last: number;
const before = new Map<string, SitemapArticle[]>();

beforeAll(async () => {
  await storeCorpus();
  const db = spanning(env.DB, env);
  last = await lastArticleKey(db);
  for (const [after, upTo] of RANGES) before.set(`${after}-${upTo}`, await sitemapArticles(db, after!, upTo!));
  await moveCorpus();
});

describe("sitemaps across period databases", () => {
  it("list every article in the same file, with the same translations, as before the move", async () => {
    const db = spanning(env.DB, env);
    expect(await lastArticleKey(db)).toBe(last);
    for (const [after, upTo] of RANGES) {
      const key = `${after}-${upTo}`;
      expect({ key, articles: await sitemapArticles(db, after!, upTo!) }).toEqual({ key, articles: before.get(key) });
    }
    expect(before.get("0-1000")!).toHaveLength(61);
    // Article 17 (first period) lists 18 (second period) and 16 (its own).
    expect(before.get("0-1000")!.find((a) => a.id === cid(17))!.translations.map((t) => t.id)).toEqual([cid(18), cid(16)]);
  });

  it("serves a moved article's entry in its file, as its page names it", async () => {
    const res = await SELF.fetch("http://app.test/sitemaps/fr-1.xml");
    expect(res.status).toBe(200);
    const xml = await res.text();
    // Article 16 is French, in the first period; its story's English sibling is in the second.
    const entry = xml.split("<url>").find((u) => u.includes(`<loc>http://app.test/fr/news/${cid(16)}/${cid(16)}</loc>`));
    expect(entry).toBeDefined();
    expect(entry).toContain(`hreflang="en" href="http://app.test/en/news/${cid(18)}/${cid(18)}"`);
    const index = await (await SELF.fetch("http://app.test/sitemap.xml")).text();
    expect(index).toContain("<loc>http://app.test/sitemaps/fr-1.xml</loc>");
  });
});
