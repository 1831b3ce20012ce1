import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { getStoredArticle } from "../../src/db/articles";
import { spanning } from "../../src/db/shard-read";
import type { StoredArticle } from "../../src/db/articles";
import { cid, moveCorpus, storeCorpus } from "../support/shard-corpus";
import { getJson } from "../support/worker";

// An article reads the same by id after its move: its row, its source's name (from live) and
// its story's other languages, including those in another database than its own.

let ids: string[];
const before = new Map<string, StoredArticle | null>();

beforeAll(async () => {
  await storeCorpus();
  ids = (await env.DB.prepare("SELECT id FROM articles ORDER BY pk").all<{ id: string }>()).results.map((r) => r.id);
  const db = spanning(env.DB, env);
  for (const id of ids) before.set(id, await getStoredArticle(db, id));
  await moveCorpus();
});

const liveHas = async (id: string) => (await env.DB.prepare("SELECT count(*) AS n FROM articles WHERE id = ?1").bind(id).first<{ n: number }>())!.n === 1;

describe("an article by id across period databases", () => {
  it("reads every article exactly as before the move, translations across databases included", async () => {
    const db = spanning(env.DB, env);
    for (const id of ids) expect({ id, stored: await getStoredArticle(db, id) }).toEqual({ id, stored: before.get(id) });
    // The corpus's stories straddle both the periods' edge and the boundary.
    expect(await liveHas(cid(17))).toBe(false);
    expect(before.get(cid(17))!.article.translations.map((t) => t.id)).toEqual([cid(18), cid(16)]);
    expect(await liveHas(cid(35))).toBe(true);
    expect(before.get(cid(35))!.article.translations.map((t) => t.id)).toEqual([cid(33)]);
  });

  it("serves a moved article through the API and the reader page, and a 404 for an unknown id", async () => {
    const moved = before.get(cid(3))!.article;
    expect(await liveHas(cid(3))).toBe(false);
    const { res, body } = await getJson(`/api/v1/articles/${cid(3)}`);
    expect(res.status).toBe(200);
    expect(body.data).toEqual(moved);
    expect(body.data.source.name).toBe("Source B");
    const page = await SELF.fetch(`http://app.test/en/news/${cid(3)}/${moved.slug}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(moved.title);
    expect((await getJson(`/api/v1/articles/${cid(99)}`)).res.status).toBe(404);
  });
});
