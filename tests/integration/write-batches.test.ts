import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { coalescingSender } from "../../src/db/write-batches";

// Sources stored at the same moment share one D1 batch; a merged batch that fails is sent
// again writer by writer, so only the writer at fault fails and the others land.

function countingDb(): { db: D1Database; batches: number[] } {
  const batches: number[] = [];
  const db = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "batch") return (statements: D1PreparedStatement[]) => (batches.push(statements.length), target.batch(statements));
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db, batches };
}

const insert = (db: D1Database, key: string) => db.prepare("INSERT INTO wb_rows (key) VALUES (?) RETURNING key").bind(key);
const stored = async () => (await env.DB.prepare("SELECT key FROM wb_rows ORDER BY key").all<{ key: string }>()).results.map((r) => r.key);

describe("merged write batches", () => {
  beforeAll(async () => {
    await env.DB.prepare("CREATE TABLE wb_rows (key TEXT PRIMARY KEY)").run();
  });

  it("send writers that are ready together as one batch, each getting its own results", async () => {
    const { db, batches } = countingDb();
    const send = coalescingSender(db);
    const results = await Promise.all(["a", "b", "c", "d"].map((key) => send([insert(db, key), insert(db, `${key}2`)], 10)));
    expect(results.map((r) => r.map((x) => (x.results[0] as { key: string }).key))).toEqual([["a", "a2"], ["b", "b2"], ["c", "c2"], ["d", "d2"]]);
    // The first goes at once; the three that queued behind it leave together.
    expect(batches).toEqual([2, 6]);
    expect(await stored()).toEqual(["a", "a2", "b", "b2", "c", "c2", "d", "d2"]);
  });

  it("fail only the writer at fault when a merged batch fails, and store the others in full", async () => {
    const { db } = countingDb();
    const send = coalescingSender(db);
    const outcomes = await Promise.allSettled([
      send([insert(db, "e")], 10),
      send([insert(db, "f"), insert(db, "f2")], 10),
      send([insert(db, "g"), insert(db, "a")], 10), // "a" is taken: this writer's batch fails as a whole
      send([insert(db, "h")], 10),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(await stored()).toEqual(["a", "a2", "b", "b2", "c", "c2", "d", "d2", "e", "f", "f2", "h"]);
  });
});
