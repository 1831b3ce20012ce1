import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, addSource, fetchSettled, getJson, refreshNow, runCron, setMutableFeed, upstreamRequests } from "../support/worker";
import { CONTENT_VERSION_KEY } from "../../src/cache/keys";

const count = async (sql: string, ...params: unknown[]) =>
  (await env.DB.prepare(sql).bind(...params).first<{ n: number }>())?.n ?? 0;

function rss(items: { guid: string; title: string; body: string }[]): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Mutable</title><link>https://m.example.org/</link><language>en</language>
${items.map((i) => `<item><title>${i.title}</title><guid>${i.guid}</guid><link>https://m.example.org/${i.guid}</link><pubDate>Mon, 16 Nov 2026 10:00:00 GMT</pubDate><description>${i.body}</description></item>`).join("\n")}
</channel></rss>`;
}

describe("the cron refresh against a real loopback upstream", () => {
  beforeAll(async () => {
    await addSource("edu-en", "/basic/en.xml");
    await addSource("edu-fr", "/basic/fr.atom");
    await runCron();
  });

  it("stores every item of every due source", async () => {
    expect(await count("SELECT count(*) AS n FROM articles WHERE source_id = ?", "edu-en")).toBe(12);
    expect(await count("SELECT count(*) AS n FROM articles WHERE source_id = ?", "edu-fr")).toBe(3);
    const row = await env.DB.prepare("SELECT title, url, language, published_at, content_html FROM articles WHERE guid = ?")
      .bind("edu-en-01")
      .first<Record<string, string>>();
    expect(row).toMatchObject({
      title: "School meals reach two million pupils in the Sahel",
      url: "https://edu.example.org/en/stories/01",
      language: "en",
      published_at: "2026-11-20T09:00:00Z",
    });
    expect(row?.content_html).toContain('href="https://edu.example.org/en/related/1"');
  });

  it("indexes every stored article for search", async () => {
    expect(await count("SELECT count(*) AS n FROM articles_fts")).toBe(15);
  });

  it("records the run and the health of each source", async () => {
    const { body } = await getJson("/api/v1/sources");
    const en = body.data.find((s: { id: string }) => s.id === "edu-en");
    expect(en).toMatchObject({ last_status: "ok", consecutive_errors: 0, article_count: 12, last_error: null });
    expect(Date.parse(en.next_fetch_at)).toBeGreaterThan(Date.parse(en.last_fetched_at));
    expect(await count("SELECT count(*) AS n FROM refresh_runs WHERE trigger = 'cron'")).toBe(1);
  });

  it("stores no duplicates on a second refresh and sends the stored validators", async () => {
    const { report } = await refreshNow();
    expect(report.sources.map((s) => s.status).sort()).toEqual(["not_modified", "not_modified"]);
    expect(await count("SELECT count(*) AS n FROM articles")).toBe(15);
    const seen = (await upstreamRequests()).filter((r) => r.path === "/basic/en.xml");
    expect(seen.at(-1)?.headers["if-none-match"]).toMatch(/^"[0-9a-f]+"$/);
  });
});

describe("a publisher that edits a story", () => {
  it("updates the article in place instead of adding a copy, and bumps the cache version", async () => {
    await setMutableFeed("a", rss([{ guid: "m1", title: "First title", body: "Original text" }]));
    await addSource("mutable-a", "/mutable/a");
    const first = await refreshNow("source=mutable-a");
    expect(first.report.sources[0]).toMatchObject({ status: "ok", new: 1, updated: 0 });
    const version1 = await env.CACHE.get(CONTENT_VERSION_KEY);

    const unchanged = await refreshNow("source=mutable-a");
    expect(unchanged.report.sources[0]?.status).toBe("not_modified");
    expect(await env.CACHE.get(CONTENT_VERSION_KEY)).toBe(version1);

    await setMutableFeed("a", rss([{ guid: "m1", title: "Corrected title", body: "Edited text" }]));
    const edited = await refreshNow("source=mutable-a");
    expect(edited.report.sources[0]).toMatchObject({ status: "ok", new: 0, updated: 1 });
    const rows = await env.DB.prepare("SELECT title, summary FROM articles WHERE source_id = 'mutable-a'").all();
    expect(rows.results).toEqual([{ title: "Corrected title", summary: "Edited text" }]);
    expect(await env.CACHE.get(CONTENT_VERSION_KEY)).not.toBe(version1);
  });
});

describe("a long feed", () => {
  // 120 items of about 3 KB (about 9 KB each as sent to D1, with their plain and analyzed
  // text): more than one 1 MB write chunk (store.ts), still one atomic batch.
  const items = (edited: number | null) =>
    Array.from({ length: 120 }, (_, i) => ({
      guid: `long-${i}`,
      title: `Long feed story ${i}`,
      body: `${i === edited ? "Revised wording about watersheds. " : "Original wording. "}${"Classrooms reopen across the region. ".repeat(80)}`,
    }));

  it("stores every item, then updates only the edited one and its search entry", async () => {
    await setMutableFeed("f", rss(items(null)));
    await addSource("long", "/mutable/f");
    const first = await refreshNow("source=long");
    expect(first.report.sources[0]).toMatchObject({ status: "ok", new: 120, updated: 0, unchanged: 0 });
    expect(await count("SELECT count(*) AS n FROM articles WHERE source_id = 'long'")).toBe(120);
    expect(await count("SELECT count(*) AS n FROM articles_fts WHERE rowid IN (SELECT pk FROM articles WHERE source_id = 'long')")).toBe(120);

    await setMutableFeed("f", rss(items(97)));
    const second = await refreshNow("source=long");
    expect(second.report.sources[0]).toMatchObject({ status: "ok", new: 0, updated: 1, unchanged: 119 });
    expect(await count("SELECT count(*) AS n FROM articles WHERE source_id = 'long'")).toBe(120);
    expect(await count("SELECT count(*) AS n FROM articles_fts WHERE rowid IN (SELECT pk FROM articles WHERE source_id = 'long')")).toBe(120);
    const { body } = await getJson("/api/v1/search?q=watersheds");
    expect(body.data.map((a: { title: string }) => a.title)).toEqual(["Long feed story 97"]);
    const { body: before } = await getJson("/api/v1/search?q=original+source:long&per_page=1");
    expect(before.meta.total).toBe(119);
  });
});

describe("an upstream that fails", () => {
  it("records the error on that source and still refreshes the others", async () => {
    await addSource("broken", "/hostile/500");
    await setMutableFeed("b", rss([{ guid: "ok1", title: "Still here", body: "Fine" }]));
    await addSource("healthy", "/mutable/b");
    const { report } = await refreshNow();
    const broken = report.sources.find((s) => s.id === "broken");
    expect(broken).toMatchObject({ status: "error", http_status: 500, error: { code: "http_error" } });
    expect(report.sources.find((s) => s.id === "healthy")).toMatchObject({ status: "ok", new: 1 });
    const { body } = await getJson("/api/v1/sources");
    const health = body.data.find((s: { id: string }) => s.id === "broken");
    expect(health.consecutive_errors).toBe(1);
    expect(health.last_error).toContain("HTTP 500");
  });
});

describe("a publisher that answers 200 with the same bytes", () => {
  it("writes nothing but the fetch state, keeps its new validators, and reads the feed again once it changes", async () => {
    const feed = rss([{ guid: "s1", title: "Same story", body: "Same words" }, { guid: "s2", title: "Other story", body: "Other words" }]);
    await setMutableFeed("j", feed);
    await addSource("same-bytes", "/mutable/j");
    const first = await refreshNow("source=same-bytes");
    expect(first.report.sources[0]).toMatchObject({ status: "ok", http_status: 200, new: 2 });
    const version1 = await env.CACHE.get(CONTENT_VERSION_KEY);
    const stored = await env.DB.prepare("SELECT id, fetched_at FROM articles WHERE source_id = 'same-bytes' ORDER BY id").all();

    // The same body under a new ETag: the upstream answers 200, not 304.
    await setMutableFeed("j", feed);
    const again = await refreshNow("source=same-bytes");
    expect(again.report.sources[0]).toMatchObject({ status: "not_modified", http_status: 200, new: 0, updated: 0 });
    expect((await env.DB.prepare("SELECT id, fetched_at FROM articles WHERE source_id = 'same-bytes' ORDER BY id").all()).results).toEqual(stored.results);
    expect(await env.CACHE.get(CONTENT_VERSION_KEY)).toBe(version1);
    const health = (await getJson("/api/v1/sources")).body.data.find((s: { id: string }) => s.id === "same-bytes");
    expect(health).toMatchObject({ last_status: "not_modified", consecutive_errors: 0 });

    // Its new ETag was kept: the next poll is a 304.
    const conditional = await refreshNow("source=same-bytes");
    expect(conditional.report.sources[0]).toMatchObject({ status: "not_modified", http_status: 304 });
    expect((await upstreamRequests()).filter((r) => r.path === "/mutable/j").at(-1)?.headers["if-none-match"]).toBe('"mj2"');

    await setMutableFeed("j", rss([{ guid: "s1", title: "Same story", body: "Edited words" }, { guid: "s2", title: "Other story", body: "Other words" }]));
    const edited = await refreshNow("source=same-bytes");
    expect(edited.report.sources[0]).toMatchObject({ status: "ok", http_status: 200, new: 0, updated: 1, unchanged: 1 });
    expect(await env.CACHE.get(CONTENT_VERSION_KEY)).not.toBe(version1);
  });

  it("reads the same bytes again in full when the source's language changes", async () => {
    await setMutableFeed("k", rss([{ guid: "l1", title: "Untagged story", body: "Words" }]).replace("<language>en</language>", ""));
    await addSource("same-bytes-lang", "/mutable/k", { language: "en" });
    expect((await refreshNow("source=same-bytes-lang")).report.sources[0]).toMatchObject({ status: "ok", new: 1 });
    await setMutableFeed("k", rss([{ guid: "l1", title: "Untagged story", body: "Words" }]).replace("<language>en</language>", ""));
    const patched = await fetchSettled("/api/v1/sources/same-bytes-lang", { method: "PATCH", headers: { ...ADMIN, "content-type": "application/json" }, body: JSON.stringify({ language: "fr" }) });
    expect(patched.status).toBe(200);
    const again = await refreshNow("source=same-bytes-lang");
    expect(again.report.sources[0]).toMatchObject({ status: "ok", http_status: 200, unchanged: 1 });
  });
});
