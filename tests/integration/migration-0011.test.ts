import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { indexText } from "../../src/db/fts";
import { dateTokens, scopeToken } from "../../src/search/scope";
import { addSource, getJson, runCron } from "../support/worker";

interface Hit {
  url: string;
}
/** The page's URLs in the order the API ranks them. */
const ranked = async (query: string, perPage: number) =>
  ((await getJson(`/api/v1/search?${query}&per_page=${perPage}`)).body.data as Hit[]).map((h) => h.url);

/**
 * Puts the index back in its 0006 shape (the analyzed text stored beside the index), filled
 * with what every writer indexes, as a database from before 0011 holds it.
 */
async function toStoredText(): Promise<void> {
  const { results: articles } = await env.DB.prepare("SELECT pk, title, summary, content_text, language, source_id, published_at FROM articles").all<{
    pk: number;
    title: string;
    summary: string;
    content_text: string;
    language: string;
    source_id: string;
    published_at: string;
  }>();
  await env.DB.batch([
    env.DB.prepare("DROP TRIGGER articles_fts_after_delete"),
    env.DB.prepare("DROP TABLE articles_fts"),
    env.DB.prepare("CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, scope, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"),
    ...articles.map((a) =>
      env.DB.prepare("INSERT INTO articles_fts (rowid, title, body, scope) VALUES (?, ?, ?, ?)").bind(
        a.pk,
        ...indexText({ title: a.title, summary: a.summary, contentText: a.content_text }),
        [scopeToken("l", a.language), scopeToken("s", a.source_id), ...dateTokens(a.published_at)].join(" "),
      ),
    ),
    env.DB.prepare("CREATE TRIGGER articles_fts_after_delete AFTER DELETE ON articles BEGIN DELETE FROM articles_fts WHERE rowid = old.pk; END"),
  ]);
}

const migrate = async () => {
  const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0011_"))!;
  await env.DB.batch(migration.queries.map((q) => env.DB.prepare(q)));
};

beforeAll(async () => {
  await addSource("m11-en", "/relevance/en.xml");
  await addSource("m11-fr", "/relevance/fr.xml");
  await addSource("m11-zh", "/relevance/zh.xml");
  await runCron();
});

describe("migration 0011 (contentless search index)", () => {
  it("copies every entry, and search ranks, filters and counts exactly as before", async () => {
    await toStoredText();
    const queries = ["q=the%20OR%20les", "q=civil%20OR%20civile&lang=fr", "q=the%20OR%20les&from=2026-03-06&to=2026-03-08", "q=flood*", "q=-floods&to=2026-03-07", "q=气候", "q=the&sort=date"];
    const before = await Promise.all(queries.map((q) => ranked(q, 100)));
    const totals = await Promise.all(queries.map(async (q) => (await getJson(`/api/v1/search?${q}`)).body.meta.total as number));
    const stored = await env.DB.prepare("SELECT count(*) AS n, count(title) AS texts FROM articles_fts").first<{ n: number; texts: number }>();
    expect(stored!.texts).toBe(stored!.n);

    await migrate();

    const table = await env.DB.prepare("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'").first<{ sql: string }>();
    expect(table!.sql).toContain("content = ''");
    expect(table!.sql).toContain("contentless_delete = 1");
    expect(table!.sql).toContain("prefix = '2 3'");
    // Every entry is there, and none holds a copy of its text any more.
    expect(await env.DB.prepare("SELECT count(*) AS n, count(title) AS texts FROM articles_fts").first()).toEqual({ n: stored!.n, texts: 0 });
    // Different URLs from the first round, so no cached answer stands in for the new index.
    const after = await Promise.all(queries.map((q) => ranked(q, 99)));
    expect(after).toEqual(before);
    expect(after.every((hits) => hits.length > 0)).toBe(true);
    expect(await Promise.all(queries.map(async (q) => (await getJson(`/api/v1/search?${q}&page=1`)).body.meta.total as number))).toEqual(totals);
  });

  it("still drops an article's entry when the article is deleted", async () => {
    const row = await env.DB.prepare("SELECT pk FROM articles WHERE source_id = 'm11-en' LIMIT 1").first<{ pk: number }>();
    await env.DB.prepare("DELETE FROM articles WHERE pk = ?").bind(row!.pk).run();
    expect(await env.DB.prepare("SELECT count(*) AS n FROM articles_fts WHERE rowid = ?").bind(row!.pk).first()).toEqual({ n: 0 });
    expect(await env.DB.prepare("SELECT count(*) AS n FROM articles_fts").first()).toEqual(
      await env.DB.prepare("SELECT count(*) AS n FROM articles").first(),
    );
  });
});
