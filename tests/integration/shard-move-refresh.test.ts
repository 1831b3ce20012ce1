import { env, SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { moveArticles, type MoveOptions } from "../../src/archive/move";
import { readShardMap } from "../../src/db/shards";
import { storeArticles } from "../../src/db/store";
import type { Bindings } from "../../src/env";
import { normalizeFeed } from "../../src/ingest/normalize";
import { parseFeed } from "../../src/ingest/parse";
import { countRows as count, matches as found, P1, P2, resetToNovember } from "../support/shard-rows";
import { readEverywhere } from "../support/shards";
import { ADMIN, addSource, refreshNow, setMutableFeed, upstream } from "../support/worker";

// Feed names mover-9 to mover-16 (tests/support/hostile-upstream.ts); shard-move.test.ts uses the first eight.
let feeds = 8;

interface Item {
  n: number;
  day: number;
  words: string;
}

const OPTIONS: MoveOptions = { before: "2026-01-01T00:00:00Z", sliceSize: 50, slices: 4, queries: 100, maxChars: 3_000_000 };

let revision = 0;
/** A feed of the items; each call's bytes differ (a comment), so a refresh reads the items again. */
function rss(source: string, items: Item[]): string {
  return `<?xml version="1.0" encoding="utf-8"?><!-- revision ${++revision} --><rss version="2.0"><channel><title>Old items</title><link>https://old.example.org/</link><language>en</language>
${items.map((i) => `<item><title>Dispatch ${source} ${i.n}</title><guid isPermaLink="false">${source}-${i.n}</guid>
<pubDate>${new Date(Date.UTC(2025, 10, i.day, 9)).toUTCString()}</pubDate><description>Dispatch ${i.words}.</description></item>`).join("\n")}
</channel></rss>`;
}

const move = async () => moveArticles(env as Bindings, await readShardMap(env.DB), OPTIONS, new Date().toISOString());
const versions = async () => (await env.DB.prepare("SELECT period, version FROM shards ORDER BY period").all()).results;

describe("refresh writes of items whose articles moved", () => {
  let source = "";
  let name = "";
  const publish = (items: Item[]) => setMutableFeed(name, rss(source, items));
  const refresh = async () => (await refreshNow(`source=${source}`)).report.sources[0]!;

  beforeEach(async () => {
    await resetToNovember();
    await env.DB.prepare("UPDATE shards SET version = 0").run();
    name = `mover-${++feeds}`;
    source = `old-${feeds}`;
  });

  it("adds nothing when the same feed is refreshed after its items moved, and updates an edited old item in its period", async () => {
    const items = [
      { n: 1, day: 2, words: "anchor" },
      { n: 2, day: 3, words: "ballast" },
      { n: 3, day: 10, words: "capstan" },
    ];
    await publish(items);
    await addSource(source, `/mutable/${name}`);
    expect(await refresh()).toMatchObject({ new: 3 });
    expect(await move()).toMatchObject({ moved: 3, done: true });
    const pks = (await env.SHARD_1.prepare("SELECT id, pk FROM articles ORDER BY pk").all()).results;

    await publish(items);
    expect(await refresh()).toMatchObject({ status: "ok", new: 0, updated: 0, unchanged: 3 });
    expect([await count(env.DB), await count(env.SHARD_1), await count(env.SHARD_2)]).toEqual([0, 2, 1]);
    expect(await versions()).toEqual([{ period: P1.name, version: 0 }, { period: P2.name, version: 0 }]);

    await publish([items[0]!, { ...items[1]!, words: "bowsprit" }, items[2]!]);
    expect(await refresh()).toMatchObject({ status: "ok", new: 0, updated: 1, unchanged: 2 });
    expect([await count(env.DB), await count(env.SHARD_1), await count(env.SHARD_2)]).toEqual([0, 2, 1]);
    expect((await env.SHARD_1.prepare("SELECT id, pk FROM articles ORDER BY pk").all()).results).toEqual(pks);
    expect(await env.SHARD_1.prepare("SELECT summary, published_at FROM articles WHERE pk = ?").bind(pks[1]!.pk).first()).toEqual({
      summary: "Dispatch bowsprit.",
      published_at: "2025-11-03T09:00:00Z",
    });
    expect([await found(env.SHARD_1, "bowsprit"), await found(env.SHARD_1, "ballast")]).toEqual([1, 0]);
    expect(await versions()).toEqual([{ period: P1.name, version: 1 }, { period: P2.name, version: 0 }]);
    const seen = await readEverywhere();
    expect(new Set(seen.map((r) => r.id)).size).toBe(3);
    expect(seen).toHaveLength(3);
  });

  it("writes an item first seen after its period moved to the live database, as a straggler the mover takes next", async () => {
    await publish([{ n: 1, day: 5, words: "dory" }]);
    await addSource(source, `/mutable/${name}`);
    await refresh();
    await move();
    await publish([{ n: 1, day: 5, words: "dory" }, { n: 2, day: 4, words: "ensign" }]);
    expect(await refresh()).toMatchObject({ new: 1, unchanged: 1 });
    expect(await count(env.DB)).toBe(1);
    expect(await move()).toMatchObject({ moved: 1 });
    expect([await count(env.DB), await count(env.SHARD_1)]).toEqual([0, 2]);
    expect(await readEverywhere()).toHaveLength(2);
  });

  it("looks again when the mover moves the boundary between its lookup and its write", async () => {
    const items = [
      { n: 1, day: 2, words: "fathom" },
      { n: 2, day: 3, words: "gunwale" },
    ];
    await publish(items);
    await addSource(source, `/mutable/${name}`);
    await refresh();
    const edited = rss(source, [{ ...items[0]!, words: "halyard" }, items[1]!]);
    const normalized = await normalizeFeed(parseFeed(edited, { url: `${upstream()}/mutable/${name}` }), { id: source, url: `${upstream()}/mutable/${name}`, language: null });
    let moved = false;
    // The mover runs while the store's batch is on its way: the items it looked up live are now in SHARD_1.
    const send = async (statements: D1PreparedStatement[]) => {
      if (!moved) {
        moved = true;
        expect(await move()).toMatchObject({ moved: 2 });
      }
      return env.DB.batch(statements);
    };
    const result = await storeArticles(env.DB, normalized, { sourceId: source, status: "pushed" }, new Date().toISOString(), { send, periods: env });
    expect(result).toMatchObject({ new: 0, updated: 1, unchanged: 1 });
    expect([await count(env.DB), await count(env.SHARD_1)]).toEqual([0, 2]);
    expect(await found(env.SHARD_1, "halyard")).toBe(1);
    expect(await readEverywhere()).toHaveLength(2);
  });

  it("leaves a moved article as it was when its source was deleted before the store", async () => {
    const items = [
      { n: 1, day: 2, words: "jibsheet" },
      { n: 2, day: 3, words: "keelson" },
    ];
    await publish(items);
    await addSource(source, `/mutable/${name}`);
    await refresh();
    expect(await move()).toMatchObject({ moved: 2 });
    const before = (await env.SHARD_1.prepare("SELECT id, summary, content_hash FROM articles ORDER BY id").all()).results;
    // Deleted without purge, so its articles stay; a refresh that fetched before the delete stores after it.
    expect((await SELF.fetch(`http://app.test/api/v1/sources/${source}`, { method: "DELETE", headers: ADMIN })).status).toBe(204);
    const edited = rss(source, [{ ...items[0]!, words: "lanyard" }, items[1]!]);
    const normalized = await normalizeFeed(parseFeed(edited, { url: `${upstream()}/mutable/${name}` }), { id: source, url: `${upstream()}/mutable/${name}`, language: null });
    const result = await storeArticles(env.DB, normalized, { sourceId: source, status: "pushed" }, new Date().toISOString(), { periods: env });
    expect(result).toMatchObject({ new: 0, updated: 0, unchanged: 0, sourceGone: true });
    expect((await env.SHARD_1.prepare("SELECT id, summary, content_hash FROM articles ORDER BY id").all()).results).toEqual(before);
    expect([await found(env.SHARD_1, "lanyard"), await found(env.SHARD_1, "jibsheet")]).toEqual([0, 1]);
    expect(await versions()).toEqual([{ period: P1.name, version: 0 }, { period: P2.name, version: 0 }]);
  });

  it("finds an undated item's article in a recent period and adds nothing", async () => {
    const undated = (words: string) =>
      `<?xml version="1.0"?><!-- revision ${++revision} --><rss version="2.0"><channel><title>Undated</title><link>https://old.example.org/</link>
<item><title>Undated ${source}</title><guid isPermaLink="false">${source}-u</guid><description>Undated ${words}.</description></item></channel></rss>`;
    await setMutableFeed(name, undated("jib"));
    await addSource(source, `/mutable/${name}`);
    expect(await refresh()).toMatchObject({ new: 1 });
    // Stored under the time it was first seen; as if that was in November 2025.
    await env.DB.prepare("UPDATE articles SET published_at = '2025-11-12T00:00:00Z' WHERE source_id = ?").bind(source).run();
    expect(await move()).toMatchObject({ moved: 1 });
    await setMutableFeed(name, undated("jib"));
    expect(await refresh()).toMatchObject({ new: 0, unchanged: 1 });
    await setMutableFeed(name, undated("keel"));
    expect(await refresh()).toMatchObject({ new: 0, updated: 1 });
    expect([await count(env.DB), await count(env.SHARD_2)]).toEqual([0, 1]);
    expect(await found(env.SHARD_2, "keel")).toBe(1);
  });
});
