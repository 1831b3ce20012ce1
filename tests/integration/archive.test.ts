import { createExecutionContext, createScheduledController, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { readPackedBody } from "../../src/archive/packs";
import { readArticle } from "../../src/archive/read";
import { archiveBodies } from "../../src/archive/step";
import { pruneRuns } from "../../src/db/runs";
import worker from "../../src/index";
import { REFRESH_CRON } from "../../src/ingest/schedule";
import { dyingD1 } from "../support/dying-d1";
import { addSource, getJson, refreshNow, setMutableFeed } from "../support/worker";

interface Item {
  guid: string;
  title: string;
  summary: string;
  body: string;
  date: string;
}

const OLD = "Mon, 10 Nov 2025 08:00:00 GMT";
/** Every fixture item below is older than this; the articles other tests store are newer. */
const BEFORE = "2026-01-01T00:00:00Z";

function rss(items: Item[]): string {
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Archive</title><link>https://archive.example.org/</link><language>en</language>
${items.map((i) => `<item><title>${i.title}</title><guid isPermaLink="false">${i.guid}</guid><link>https://archive.example.org/${i.guid}</link>
<pubDate>${i.date}</pubDate><description>${i.summary}</description><content:encoded><![CDATA[${i.body}]]></content:encoded></item>`).join("\n")}
</channel></rss>`;
}

const item = (guid: string, word: string, date = OLD): Item => ({
  guid,
  title: `Report ${word} from the coast`,
  summary: `Summary of the ${word} report.`,
  // Several scripts, an emoji and markup, so "byte for byte" means something.
  body: `<p>Body of ${guid}: glacier${guid.replace(/\W/g, "")} — données, 気候変動, تعليم, 🌍.</p><p>Second <a href="https://archive.example.org/more">paragraph</a> with <em>markup</em>.</p>`,
  date,
});

interface Row {
  id: string;
  slug: string;
  content_html: string;
  content_text: string;
  body_ref: string | null;
}

const rowsOf = async (source: string) =>
  (await env.DB.prepare("SELECT id, slug, content_html, content_text, body_ref FROM articles WHERE source_id = ? ORDER BY published_at, guid").bind(source).all<Row>())
    .results;

/** Ingests a mutable feed as a new source and returns its rows (bodies in D1). */
async function ingest(name: string, source: string, items: Item[]): Promise<Row[]> {
  await setMutableFeed(name, rss(items));
  await addSource(source, `/mutable/${name}`);
  const { report } = await refreshNow();
  expect(report.sources.find((s) => s.id === source)?.new).toBe(items.length);
  return rowsOf(source);
}

/** Fires the cron handler with some settings changed, and waits for all it started. */
async function cronWith(vars: Record<string, string>): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: REFRESH_CRON, scheduledTime: Date.now() }), { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
}

const searchIds = async (q: string, source: string) =>
  ((await getJson(`/api/v1/search?q=${encodeURIComponent(q)}&source=${source}`)).body.data as { id: string }[]).map((h) => h.id).sort();

const archive = (db: D1Database = env.DB, bucket: R2Bucket = env.ARCHIVE, sliceSize = 50, slices = 10) =>
  archiveBodies(db, bucket, { before: BEFORE, sliceSize, slices }, new Date().toISOString());

/** The bodies as they were before archival, as the API must still return them. */
const bodies = (rows: Row[]) => rows.map((r) => ({ id: r.id, content_html: r.content_html, content_text: r.content_text }));

async function detailBodies(rows: Row[]) {
  const out = [];
  for (const r of rows) {
    const { res, body } = await getJson(`/api/v1/articles/${r.id}`);
    expect(res.status).toBe(200);
    out.push({ id: r.id, content_html: body.data.content_html, content_text: body.data.content_text });
  }
  return out;
}

describe("archiving old bodies to R2", () => {
  it("moves bodies older than ARCHIVE_AFTER_DAYS out of D1 on the cron, and serves them back byte for byte", async () => {
    const recent = item("a1-new", "harbour", new Date().toUTCString());
    const before = await ingest("archive-1", "arch-one", [item("a1-old1", "lighthouse"), item("a1-old2", "estuary"), recent]);
    const [old1, old2, fresh] = before;
    expect(old1!.content_html).toContain("気候変動");

    await cronWith({ ARCHIVE_AFTER_DAYS: "30" });

    const after = await rowsOf("arch-one");
    for (const r of after.slice(0, 2)) expect(r).toMatchObject({ content_html: "", content_text: "", body_ref: expect.stringMatching(/^bodies\/\S+ \d+ \d+$/) });
    expect(after[2]).toEqual(fresh);
    expect((await env.ARCHIVE.list({ prefix: "bodies/" })).objects.length).toBeGreaterThan(0);

    // Read back from R2 (first reads: nothing cached) exactly as stored before.
    expect(await detailBodies(before)).toEqual(bodies(before));
    const page = await SELF.fetch(`http://app.test/en/news/${old1!.id}/${old1!.slug}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`<div class="content">${old1!.content_html}</div>`);

    // Still listed, and found by title and summary words.
    const listed = (await getJson("/api/v1/articles?source=arch-one")).body;
    expect(listed.meta.total).toBe(3);
    expect(await searchIds("lighthouse", "arch-one")).toEqual([old1!.id]);
    expect(await searchIds("estuary report", "arch-one")).toEqual([old2!.id]);
    // Archival leaves the search entry whole: a word only in an archived body still finds it.
    expect(await searchIds("glaciera1old1", "arch-one")).toEqual([old1!.id]);
    expect(await searchIds("glaciera1new", "arch-one")).toEqual([fresh!.id]);
  });

  it("archives nothing while ARCHIVE_AFTER_DAYS is off, and never serves a body that is not the article's", async () => {
    const [row] = await ingest("archive-2", "arch-zero", [item("z1", "savanna")]);
    await cronWith({ ARCHIVE_AFTER_DAYS: "off" });
    expect((await rowsOf("arch-zero"))[0]).toEqual(row);

    await archive();
    const { body_ref } = (await rowsOf("arch-zero"))[0]!;
    const hash = (await env.DB.prepare("SELECT content_hash AS h FROM articles WHERE id = ?").bind(row!.id).first<{ h: string }>())!.h;
    expect((await readPackedBody(env.ARCHIVE, body_ref!, hash)).content_html).toBe(row!.content_html);
    await expect(readPackedBody(env.ARCHIVE, body_ref!, "another-version")).rejects.toThrow("not the article's content");
    await expect(readPackedBody(env.ARCHIVE, "bodies/none 0 10", hash)).rejects.toThrow("missing");
  });

  it("works in bounded slices that resume where the last stopped, and repeats harmlessly", async () => {
    const before = await ingest("archive-4", "arch-two", ["b1", "b2", "b3", "b4", "b5"].map((g, i) => item(g, `dune${i}`)));
    const reports = [];
    for (let call = 0; call < 4; call++) reports.push(await archive(env.DB, env.ARCHIVE, 2, 1));
    expect(reports.map((r) => r.archived)).toEqual([2, 2, 1, 0]);
    expect(reports.map((r) => r.done)).toEqual([false, false, true, true]);
    expect((await rowsOf("arch-two")).every((r) => r.body_ref && r.content_html === "")).toBe(true);
    expect(await detailBodies(before)).toEqual(bodies(before));
  });

  it("takes an update of an archived item from its feed, and archives the new body later", async () => {
    const items = [item("c1", "meadow"), item("c2", "orchard")];
    const [c1, c2] = await ingest("archive-3", "arch-three", items);
    await archive();
    expect((await rowsOf("arch-three")).every((r) => r.body_ref)).toBe(true);

    const edited = { ...items[0]!, body: "<p>Corrected: the xylophone museum reopened.</p>" };
    await setMutableFeed("archive-3", rss([edited, items[1]!]));
    const { report } = await refreshNow();
    expect(report.sources.find((s) => s.id === "arch-three")).toMatchObject({ status: "ok", updated: 1, unchanged: 1 });

    const [u1, u2] = await rowsOf("arch-three");
    expect(u1).toMatchObject({ body_ref: null, content_text: "Corrected: the xylophone museum reopened." });
    expect(u2!.body_ref).not.toBeNull();
    expect((await getJson(`/api/v1/articles/${c1!.id}`)).body.data.content_text).toBe("Corrected: the xylophone museum reopened.");
    expect((await getJson(`/api/v1/articles/${c2!.id}`)).body.data.content_html).toBe(c2!.content_html);
    expect(await searchIds("xylophone", "arch-three")).toEqual([c1!.id]);

    expect((await archive()).archived).toBe(1);
    const again = await rowsOf("arch-three");
    expect(again[0]!.body_ref).not.toBeNull();
    expect(again[0]!.body_ref).not.toBe(u2!.body_ref);
    const read = await readArticle(env.DB, env.ARCHIVE, c1!.id);
    expect(read).toMatchObject({ content_html: u1!.content_html, content_text: u1!.content_text });
  });

  it("loses nothing when R2 or D1 fails midway, and lets a concurrent refresh win", async () => {
    const before = await ingest("archive-5", "arch-four", [item("d1", "canyon"), item("d2", "prairie")]);
    const bodyWord = "glacierd1";
    expect(await searchIds(bodyWord, "arch-four")).toEqual([before[0]!.id]);
    const unchanged = async () => {
      expect(await rowsOf("arch-four")).toEqual(before);
      expect(await searchIds(bodyWord, "arch-four")).toEqual([before[0]!.id]);
    };

    const refusing = { ...bindBucket(env.ARCHIVE), put: () => Promise.reject(new Error("R2 unavailable")) } as unknown as R2Bucket;
    await expect(archive(env.DB, refusing)).rejects.toThrow("R2 unavailable");
    await unchanged();

    // R2 said yes but holds something else: the check after writing catches it.
    const truncating = { ...bindBucket(env.ARCHIVE), head: async (key: string) => ({ ...(await env.ARCHIVE.head(key))!, size: 1 }) } as unknown as R2Bucket;
    await expect(archive(env.DB, truncating)).rejects.toThrow("did not verify");
    await unchanged();

    // The pack is in R2, then D1 fails on the batch that would clear the bodies.
    await expect(archive(dyingD1(env.DB, { dieOnBatch: 1 }))).rejects.toThrow("killed");
    await unchanged();

    // A refresh rewrites d1 while its pack is being written: d1 keeps the refresh's body.
    const racing = {
      ...bindBucket(env.ARCHIVE),
      put: async (...args: Parameters<R2Bucket["put"]>) => {
        await env.DB.prepare("UPDATE articles SET content_html = '<p>newer</p>', content_text = 'newer', content_hash = 'newer' WHERE id = ?")
          .bind(before[0]!.id)
          .run();
        return env.ARCHIVE.put(...args);
      },
    } as unknown as R2Bucket;
    expect(await archive(env.DB, racing, 50, 1)).toMatchObject({ archived: 1, superseded: 1 });
    const [d1, d2] = await rowsOf("arch-four");
    expect(d1).toMatchObject({ body_ref: null, content_html: "<p>newer</p>" });
    expect(d2!.body_ref).not.toBeNull();
    expect(await detailBodies([before[1]!])).toEqual(bodies([before[1]!]));
  });
});

/** The bucket's methods bound to it, so a test can replace one of them. */
function bindBucket(bucket: R2Bucket) {
  return {
    put: bucket.put.bind(bucket),
    head: bucket.head.bind(bucket),
    get: bucket.get.bind(bucket),
    list: bucket.list.bind(bucket),
    delete: bucket.delete.bind(bucket),
  };
}

describe("pruning run logs", () => {
  const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

  it("deletes runs older than RUN_LOG_DAYS with their outcomes, a bounded number at a time, on the cron", async () => {
    const statements = [];
    for (let i = 0; i < 5; i++) {
      statements.push(
        env.DB.prepare("INSERT INTO refresh_runs (id, trigger, started_at, finished_at) VALUES (?, 'cron', ?, ?)").bind(`old-${i}`, daysAgo(40 + i), daysAgo(40 + i)),
        env.DB.prepare("INSERT INTO refresh_run_sources (run_id, source_id, status) VALUES (?, 'x', 'ok'), (?, 'y', 'ok')").bind(`old-${i}`, `old-${i}`),
      );
    }
    statements.push(
      env.DB.prepare("INSERT INTO refresh_runs (id, trigger, started_at, finished_at) VALUES ('recent', 'cron', ?, ?)").bind(daysAgo(2), daysAgo(2)),
      env.DB.prepare("INSERT INTO refresh_run_sources (run_id, source_id, status) VALUES ('recent', 'x', 'ok')"),
    );
    await env.DB.batch(statements);
    const count = async (sql: string) => (await env.DB.prepare(sql).first<{ n: number }>())!.n;

    expect(await pruneRuns(env.DB, daysAgo(30), 2)).toBe(2);
    // The oldest went first.
    expect(await count("SELECT count(*) AS n FROM refresh_runs WHERE id IN ('old-3', 'old-4')")).toBe(0);
    expect(await count("SELECT count(*) AS n FROM refresh_runs WHERE id LIKE 'old-%'")).toBe(3);

    await cronWith({ RUN_LOG_DAYS: "30" });
    expect(await count("SELECT count(*) AS n FROM refresh_runs WHERE id LIKE 'old-%'")).toBe(0);
    expect(await count("SELECT count(*) AS n FROM refresh_run_sources WHERE run_id LIKE 'old-%'")).toBe(0);
    expect(await count("SELECT count(*) AS n FROM refresh_run_sources WHERE run_id = 'recent'")).toBe(1);
    const { body } = await getJson("/api/v1/admin/runs", { headers: { authorization: "Bearer test-token" } });
    expect(body.data.map((r: { id: string }) => r.id)).toContain("recent");
  });
});

describe("reading an archived body when R2 fails", () => {
  it("answers a 503 problem with Retry-After while R2 cannot be read, and the summary when the body is gone", async () => {
    const [row] = await ingest("archive-6", "arch-five", [item("f1", "fjord")]);
    await archive();
    const stored = (await rowsOf("arch-five"))[0]!;
    expect(stored.body_ref).not.toBeNull();
    const summary = (await env.DB.prepare("SELECT summary FROM articles WHERE id = ?").bind(row!.id).first<{ summary: string }>())!.summary;

    const failing = { ...bindBucket(env.ARCHIVE), get: () => Promise.reject(new Error("R2 network connection lost")) } as unknown as R2Bucket;
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request(`http://app.test/api/v1/articles/${row!.id}`), { ...env, ARCHIVE: failing }, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.headers.get("retry-after")).toBe("5");
    expect(((await res.json()) as { code: string }).code).toBe("archive_unavailable");

    const gone = { ...bindBucket(env.ARCHIVE), get: () => Promise.resolve(null) } as unknown as R2Bucket;
    const article = await readArticle(env.DB, gone, row!.id);
    expect(article).toMatchObject({ id: row!.id, content_text: summary });
    expect(article!.content_html).toBe(`<p>${summary.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}</p>`);
  });
});
