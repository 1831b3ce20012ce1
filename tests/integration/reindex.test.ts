import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, addSource, getJson, runCron } from "../support/worker";

const reindex = (query = "", headers: Record<string, string> = ADMIN) =>
  SELF.fetch(`http://app.test/api/v1/admin/reindex${query}`, { method: "POST", headers });

const count = async (sql: string) => (await env.DB.prepare(sql).first<{ n: number }>())!.n;
const total = async (q: string) => (await getJson(`/api/v1/search?q=${encodeURIComponent(q)}`)).body.meta.total as number;

beforeAll(async () => {
  for (const lang of ["en", "fr", "zh", "ar"]) await addSource(`rel-${lang}`, `/relevance/${lang}.xml`);
  await runCron();
});

describe("POST /api/v1/admin/reindex", () => {
  it("refuses callers without the admin token", async () => {
    const res = await reindex("", {});
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect((await reindex("", { authorization: "Bearer wrong" })).status).toBe(403);
  });

  it("rebuilds a wiped index so search finds everything again", async () => {
    const articles = await count("SELECT count(*) AS n FROM articles");
    const before = { floods: await total("floods"), climate: await total("气候"), arabic: await total("تعليم") };
    expect(before.floods).toBeGreaterThan(0);

    await env.DB.prepare("DELETE FROM articles_fts").run();
    expect(await total("inondations")).toBe(0);

    const res = await reindex();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { indexed: articles, next_cursor: null, shard: "live", next_shard: null } });
    expect(await count("SELECT count(*) AS n FROM articles_fts")).toBe(articles);
    // The rebuild made earlier cached answers unreachable.
    expect(await total("inondations")).toBe(1);
    expect({ floods: await total("floods"), climate: await total("气候"), arabic: await total("تعليم") }).toEqual(before);
  });

  it("works in resumable slices and drops index rows of deleted articles", async () => {
    const articles = await count("SELECT count(*) AS n FROM articles");
    await env.DB.prepare("INSERT INTO articles_fts (rowid, title, body) VALUES (999999, 'ghost', 'ghost story')").run();
    await env.DB.prepare("DELETE FROM articles_fts WHERE rowid IN (SELECT pk FROM articles WHERE language = 'zh')").run();
    expect(await total("ghost")).toBe(1);

    let cursor: number | null = 0;
    let indexed = 0;
    let calls = 0;
    while (cursor !== null) {
      const res = await reindex(`?limit=7&cursor=${cursor}`);
      expect(res.status).toBe(200);
      const { data } = (await res.json()) as { data: { indexed: number; next_cursor: number | null } };
      expect(data.indexed).toBeLessThanOrEqual(7);
      indexed += data.indexed;
      cursor = data.next_cursor;
      calls++;
    }
    expect(indexed).toBe(articles);
    expect(calls).toBe(Math.floor(articles / 7) + 1);
    expect(await count("SELECT count(*) AS n FROM articles_fts")).toBe(articles);
    expect(await total("ghost")).toBe(0);
    expect(await total("气候")).toBe(1);
  });

  it("rejects a bad cursor or limit with a 400 problem naming it", async () => {
    for (const [query, path] of [["?limit=0", "limit"], ["?limit=100000", "limit"], ["?cursor=-1", "cursor"], ["?cursor=abc", "cursor"]]) {
      const res = await reindex(query);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { errors: { path: string }[] };
      expect(body.errors.map((e) => e.path)).toEqual([path]);
    }
  });
});
