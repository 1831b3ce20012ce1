import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { indexText } from "../../src/db/fts";
import { dateTokens, scopeToken } from "../../src/search/scope";
import { addSource, getJson, runCron } from "../support/worker";

interface Hit {
  url: string;
}
const urls = async (query: string, perPage = 100) =>
  ((await getJson(`/api/v1/search?${query}&per_page=${perPage}`)).body.data as Hit[]).map((h) => h.url).sort();

/**
 * Puts the index back in its 0005 shape (language and source tokens only, no prefix tables, the
 * analyzed text stored) with the text every writer analyzes (the index is contentless since
 * 0011, so it cannot be read back), as a database upgraded from 0005 holds it, then runs 0006.
 */
async function downgradeAndMigrate(): Promise<void> {
  const { results: articles } = await env.DB.prepare("SELECT pk, title, summary, content_text, language, source_id FROM articles").all<{
    pk: number;
    title: string;
    summary: string;
    content_text: string;
    language: string;
    source_id: string;
  }>();
  await env.DB.batch([
    env.DB.prepare("CREATE VIRTUAL TABLE articles_fts_old USING fts5(title, body, scope, tokenize = 'unicode61 remove_diacritics 2')"),
    ...articles.map((a) =>
      env.DB.prepare("INSERT INTO articles_fts_old (rowid, title, body, scope) VALUES (?, ?, ?, ?)").bind(
        a.pk,
        ...indexText({ title: a.title, summary: a.summary, contentText: a.content_text }),
        `${scopeToken("l", a.language)} ${scopeToken("s", a.source_id)}`,
      ),
    ),
    env.DB.prepare("DROP TRIGGER articles_fts_after_delete"),
    env.DB.prepare("DROP TABLE articles_fts"),
    env.DB.prepare("ALTER TABLE articles_fts_old RENAME TO articles_fts"),
    env.DB.prepare("CREATE TRIGGER articles_fts_after_delete AFTER DELETE ON articles BEGIN DELETE FROM articles_fts WHERE rowid = old.pk; END"),
  ]);
  await migrate("0006_");
}

const migrate = async (prefix: string) => {
  const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith(prefix))!;
  await env.DB.batch(migration.queries.map((q) => env.DB.prepare(q)));
};

beforeAll(async () => {
  await addSource("mig-en", "/relevance/en.xml");
  await addSource("mig-fr", "/relevance/fr.xml");
  await runCron();
});

describe("migration 0006", () => {
  it("rebuilds the index with date tokens and prefix tables, and search answers as before", async () => {
    const queries = ["q=the%20OR%20les", "q=civil%20OR%20civile&lang=fr", "q=the%20OR%20les&from=2026-03-06&to=2026-03-08", "q=flood*", "q=-floods&to=2026-03-07"];
    const before = await Promise.all(queries.map((q) => urls(q)));
    const rows = (await env.DB.prepare("SELECT count(*) AS n FROM articles").first<{ n: number }>())!.n;
    await downgradeAndMigrate();

    const table = await env.DB.prepare("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'").first<{ sql: string }>();
    expect(table!.sql).toContain("prefix = '2 3'");
    const { results } = await env.DB.prepare(
      "SELECT a.language, a.source_id, a.published_at, f.scope FROM articles_fts f JOIN articles a ON a.pk = f.rowid",
    ).all<{ language: string; source_id: string; published_at: string; scope: string }>();
    expect(results).toHaveLength(rows);
    for (const r of results) {
      expect(r.scope).toBe([scopeToken("l", r.language), scopeToken("s", r.source_id), ...dateTokens(r.published_at)].join(" "));
    }
    // Then on to today's (contentless) index, which is what search runs on.
    await migrate("0011_");
    // Different URLs from the first round, so no cached answer stands in for the new index.
    const after = await Promise.all(queries.map((q) => urls(q, 99)));
    expect(after).toEqual(before);
    expect(after[2]!.length).toBeGreaterThan(0);
    expect(after[3]!.length).toBeGreaterThan(0);
  });

  it("keeps removing an article's index row when the article is deleted", async () => {
    const row = await env.DB.prepare("SELECT pk FROM articles LIMIT 1").first<{ pk: number }>();
    await env.DB.prepare("DELETE FROM articles WHERE pk = ?").bind(row!.pk).run();
    const left = await env.DB.prepare("SELECT count(*) AS n FROM articles_fts WHERE rowid = ?").bind(row!.pk).first<{ n: number }>();
    expect(left!.n).toBe(0);
  });
});
