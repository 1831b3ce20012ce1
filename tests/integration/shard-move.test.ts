import { env, SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { maintainDatabase } from "../../src/archive/maintenance";
import { liveDays, moveArticles, type MoveOptions } from "../../src/archive/move";
import { archiveBodies } from "../../src/archive/step";
import { readShardMap } from "../../src/db/shards";
import type { Bindings } from "../../src/env";
import { dyingD1 } from "../support/dying-d1";
import { faultyD1, faultyR2, type Switch } from "../support/faults";
import { countRows as count, counters, matches as found, P1, P2, resetToNovember } from "../support/shard-rows";
import { boundaryNow, readEverywhere, registerPeriod, resetShards } from "../support/shards";
import { ADMIN, addSource, refreshNow, setMutableFeed } from "../support/worker";

const BEFORE = "2026-01-01T00:00:00Z";
const OPTIONS: MoveOptions = { before: BEFORE, sliceSize: 4, slices: 10, queries: 200, maxChars: 3_000_000 };

const day = (d: number) => new Date(Date.UTC(2025, 10, d, 8)).toUTCString();

function rss(items: { guid: string; date: string; words: string }[]): string {
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Mover</title><link>https://mover.example.org/</link><language>en</language>
${items.map((i) => `<item><title>Harbour report ${i.guid}</title><guid isPermaLink="false">${i.guid}</guid><link>https://mover.example.org/${i.guid}</link>
<pubDate>${i.date}</pubDate><description>Summary of ${i.guid}.</description><content:encoded><![CDATA[<p>Body ${i.words} — données, 気候.</p>]]></content:encoded></item>`).join("\n")}
</channel></rss>`;
}

let sources = 0;
/** Ingests a feed whose items are dated on the given November 2025 days; returns the source id. */
async function ingest(days: number[]): Promise<string> {
  const source = `mover-${++sources}`;
  const items = days.map((d, i) => ({ guid: `${source}-${i}`, date: day(d), words: `word${source.replace(/\W/g, "")}x${i}` }));
  await setMutableFeed(source, rss(items));
  await addSource(source, `/mutable/${source}`);
  const { report } = await refreshNow(`source=${source}`);
  expect(report.sources[0], JSON.stringify(report)).toMatchObject({ new: days.length });
  return source;
}

const moveWith = (over: Partial<Bindings> = {}, options: Partial<MoveOptions> = {}) =>
  readShardMap(env.DB).then((map) => moveArticles({ ...env, ...over } as Bindings, map, { ...OPTIONS, ...options }, new Date().toISOString()));


describe("the mover", () => {
  beforeEach(async () => {
    await resetToNovember();
  });

  it("moves due articles into their periods with every column, pk and search entry, and each stays readable once", async () => {
    const source = await ingest([2, 3, 4, 5, 10, 11, 12]);
    // Some bodies are archived first: their entries are rebuilt from the bodies read back from R2.
    await archiveBodies(env.DB, env.ARCHIVE, { before: "2025-11-04T00:00:00Z", sliceSize: 50, slices: 1 }, new Date().toISOString());
    const before = (await env.DB.prepare("SELECT * FROM articles ORDER BY pk").all()).results;
    expect(before.filter((r) => r.body_ref !== null)).toHaveLength(2);
    const state = (await env.DB.prepare("SELECT * FROM app_state ORDER BY key").all()).results;
    const everywhere = await readEverywhere();

    const report = await moveWith();
    expect(report).toMatchObject({ moved: 7, superseded: 0, done: true, blocked: null });
    expect(await count(env.DB)).toBe(0);
    const copied = [
      ...(await env.SHARD_1.prepare("SELECT * FROM articles ORDER BY pk").all()).results,
      ...(await env.SHARD_2.prepare("SELECT * FROM articles ORDER BY pk").all()).results,
    ];
    expect(copied).toEqual(before);
    expect([await counters(env.SHARD_1), await counters(env.SHARD_2), await counters(env.DB)]).toEqual([4, 3, 0]);
    const last = before[before.length - 1]!;
    expect(await boundaryNow()).toEqual({ publishedAt: last.published_at, pk: (last.pk as number) + 1 });
    // Found by a word of an archived body (index 0), of a body in D1 (index 3), and of the second period's.
    const tag = source.replace(/\W/g, "");
    expect([await found(env.SHARD_1, `word${tag}x0`), await found(env.SHARD_1, `word${tag}x3`), await found(env.SHARD_2, `word${tag}x6`)]).toEqual([1, 1, 1]);
    expect((await readEverywhere()).map(({ id, content_hash }) => ({ id, content_hash }))).toEqual(everywhere.map(({ id, content_hash }) => ({ id, content_hash })));
    // A move changes no answer: no content version moved.
    expect((await env.DB.prepare("SELECT * FROM app_state ORDER BY key").all()).results).toEqual(state);
  });

  it("stops at a date no period covers, and says which", async () => {
    await ingest([3, 20, 4]);
    const report = await moveWith();
    expect(report.moved).toBe(2);
    expect(report.blocked).toMatchObject({ published_at: "2025-11-20T08:00:00Z" });
    expect(report.blocked!.reason).toContain("no period is registered");
    expect((await env.DB.prepare("SELECT published_at FROM articles").all()).results).toEqual([{ published_at: "2025-11-20T08:00:00Z" }]);
    expect(await moveWith()).toMatchObject({ moved: 0, blocked: { published_at: "2025-11-20T08:00:00Z" } });
    // The capacity report names the date too, and counts every database.
    const res = await SELF.fetch("http://app.test/api/v1/admin/capacity", { headers: ADMIN });
    const { data } = (await res.json()) as { data: Record<string, unknown> & { periods: { period: string; articles: number }[] } };
    expect(data).toMatchObject({ live_days: 13, articles: 1, total_articles: 3, move_blocked: { published_at: "2025-11-20T08:00:00Z" } });
    expect(data.periods.map((p) => [p.period, p.articles])).toEqual([[P2.name, 0], [P1.name, 2]]);
  });

  it("leaves a period registered moments ago unused, and the capacity report says why", async () => {
    await resetShards();
    await registerPeriod(P1.name, P1.starts, P1.ends, P1.binding, new Date());
    await ingest([3]);
    const res = await SELF.fetch("http://app.test/api/v1/admin/capacity", { headers: ADMIN });
    const { data } = (await res.json()) as { data: { move_blocked: { published_at: string; reason: string } | null } };
    expect(data.move_blocked).toMatchObject({ published_at: "2025-11-03T08:00:00Z" });
    expect(data.move_blocked!.reason).toContain(`period ${P1.name} was registered less than 120 s ago`);
    expect(await count(env.SHARD_1)).toBe(0);
  });

  it("moves stragglers (live rows before the boundary) first, by keyset order", async () => {
    await ingest([5, 6]);
    await moveWith();
    const boundary = await boundaryNow();
    // An item dated before the boundary arrives after its period moved.
    await ingest([2]);
    expect((await readEverywhere()).filter((r) => r.place === "live")).toHaveLength(1);
    expect(await moveWith()).toMatchObject({ moved: 1, done: true });
    expect(await count(env.SHARD_1)).toBe(3);
    expect(await boundaryNow()).toEqual(boundary);
    expect((await readEverywhere()).every((r) => r.place === P1.name)).toBe(true);
  });

  it("leaves each article readable exactly once when a period database, R2 or a reply fails, and the next run finishes", async () => {
    await ingest([2, 3, 4, 5, 6, 10, 11]);
    await archiveBodies(env.DB, env.ARCHIVE, { before: BEFORE, sliceSize: 50, slices: 1 }, new Date().toISOString());
    const all = (await readEverywhere()).map((r) => r.id);
    const ids = async () => (await readEverywhere()).map((r) => r.id);

    const down: Switch = { fault: "error" };
    await expect(moveWith({ SHARD_1: faultyD1(env.SHARD_1, down) })).rejects.toThrow();
    expect(await ids()).toEqual(all);
    await expect(moveWith({ ARCHIVE: faultyR2(env.ARCHIVE, down) })).rejects.toThrow();
    expect(await ids()).toEqual(all);
    expect(await count(env.DB)).toBe(7);

    // Killed before the live batch: copies lie past the boundary, unread; the rows stay live.
    const copiesBefore = await count(env.SHARD_1);
    await expect(moveWith({ DB: dyingD1(env.DB, { dieOnBatch: 1 }) }, { slices: 1 })).rejects.toThrow("killed");
    expect(await count(env.SHARD_1)).toBeGreaterThan(copiesBefore);
    expect(await ids()).toEqual(all);
    // The live batch commits and its reply is lost.
    const replyLost = new Proxy(env.DB, {
      get(target, name) {
        if (name !== "batch") return Reflect.get(target, name).bind(target);
        return async (statements: D1PreparedStatement[]) => {
          await target.batch(statements);
          throw new Error("D1_ERROR: Network connection lost.");
        };
      },
    });
    await expect(moveWith({ DB: replyLost }, { slices: 1 })).rejects.toThrow("connection lost");
    expect(await count(env.DB)).toBe(3);
    expect(await ids()).toEqual(all);

    expect(await moveWith()).toMatchObject({ moved: 3, done: true });
    expect(await ids()).toEqual(all);
    expect([await count(env.DB), await count(env.SHARD_1), await count(env.SHARD_2)]).toEqual([0, 5, 2]);
  });

  it("keeps a row a refresh changed after its copy live, and copies its new version next", async () => {
    await ingest([2, 3]);
    const [first] = (await env.DB.prepare("SELECT pk FROM articles ORDER BY pk LIMIT 1").all<{ pk: number }>()).results;
    // The edit lands between the copy (the period database's batch) and the live batch.
    const editing = new Proxy(env.SHARD_1, {
      get(target, name) {
        if (name !== "batch") return Reflect.get(target, name).bind(target);
        return async (statements: D1PreparedStatement[]) => {
          const results = await target.batch(statements);
          await env.DB.prepare("UPDATE articles SET title = 'Edited', content_hash = 'edited' WHERE pk = ?").bind(first!.pk).run();
          return results;
        };
      },
    });
    expect(await moveWith({ SHARD_1: editing }, { slices: 1 })).toMatchObject({ moved: 0, superseded: 2 });
    expect(await count(env.DB)).toBe(2);
    expect(await boundaryNow()).toBeNull();
    expect(await moveWith()).toMatchObject({ moved: 2 });
    expect(await env.SHARD_1.prepare("SELECT title, content_hash FROM articles WHERE pk = ?").bind(first!.pk).first()).toEqual({ title: "Edited", content_hash: "edited" });
    expect(await readEverywhere()).toHaveLength(2);
  });

  it("replaces a stale copy of the same article under another pk instead of stopping", async () => {
    await ingest([2]);
    const row = (await env.DB.prepare("SELECT * FROM articles").first<Record<string, unknown>>())!;
    // A copy left by a move whose live batch never committed, from before the article came back under a new pk.
    await env.SHARD_1.prepare(
      `INSERT INTO articles (pk, id, source_id, dedupe_key, title, slug, language, published_at, updated_at, fetched_at, first_seen_at, content_hash)
         VALUES (?1, ?2, ?3, ?4, 'Old copy', 'old', 'en', ?5, ?5, ?5, ?5, 'old')`,
    )
      .bind((row.pk as number) + 1000, row.id, row.source_id, row.dedupe_key, row.published_at)
      .run();
    expect(await moveWith()).toMatchObject({ moved: 1 });
    expect((await env.SHARD_1.prepare("SELECT pk, title FROM articles").all()).results).toEqual([{ pk: row.pk, title: row.title }]);
    expect(await counters(env.SHARD_1)).toBe(1);
  });

  it("runs in the cron after LIVE_DAYS (13 once a period is registered; off before, or when set off)", async () => {
    await ingest([2, 10]);
    const map = await readShardMap(env.DB);
    expect([liveDays(undefined, map), liveDays(undefined, { shards: [], boundary: null }), liveDays("off", map), liveDays("400", map)]).toEqual([13, null, null, 400]);
    // 400 days before 2026-12-07 is before every article here: nothing is due.
    const now = new Date("2026-12-07T00:00:00Z");
    expect((await maintainDatabase({ ...env, LIVE_DAYS: "400" } as Bindings, now)).move).toMatchObject({ moved: 0, done: true });
    expect((await maintainDatabase({ ...env, LIVE_DAYS: "off" } as Bindings, now)).move).toBeNull();
    expect(await count(env.DB)).toBe(2);
    // A period registered a moment ago is not used yet: isolates may still hold a registry without it.
    await env.DB.prepare("UPDATE shards SET created_at = ? WHERE period = ?").bind(new Date().toISOString(), P2.name).run();
    const young = (await maintainDatabase(env as Bindings, new Date())).move;
    expect(young).toMatchObject({ moved: 1, blocked: { published_at: "2025-11-10T08:00:00Z" } });
    expect(young!.blocked!.reason).toContain("registered less than 120 s ago");
    // Where one isolate serves everything (a local stack) the wait can be shorter.
    expect((await maintainDatabase({ ...env, PERIOD_SETTLE_SECONDS: "30" } as Bindings, new Date(Date.now() + 10_000))).move).toMatchObject({
      moved: 0,
      blocked: { reason: expect.stringContaining("registered less than 30 s ago") },
    });
    expect((await maintainDatabase({ ...env, PERIOD_SETTLE_SECONDS: "30" } as Bindings, new Date(Date.now() + 40_000))).move).toMatchObject({ moved: 1, done: true, blocked: null });
    expect([await count(env.SHARD_1), await count(env.SHARD_2)]).toEqual([1, 1]);
  });
});
