import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { dyingD1 } from "../support/dying-d1";

// The kill simulator the refresh-fault tests rely on: past its kill point nothing reaches D1,
// whatever the call and whatever was in flight, so a test's kill point falls where it says.

const count = async (prefix: string) => (await env.DB.prepare("SELECT count(*) AS n FROM app_state WHERE key LIKE ?").bind(`${prefix}%`).first<{ n: number }>())!.n;
const put = (db: D1Database, key: string) => db.prepare("INSERT INTO app_state (key, value) VALUES (?, 'x')").bind(key);
const outcome = (p: Promise<unknown>) => p.then(() => "landed", (err: Error) => err.message);

describe("the dying D1 binding", () => {
  it("after batch N, refuses a later batch even while N is in flight, and a statement prepared before the kill", async () => {
    const db = dyingD1(env.DB, { dieAfterBatch: 1 });
    const early = put(db, "after-early");
    const calls = [outcome(db.batch([put(db, "after-1")])), outcome(db.batch([put(db, "after-2")]))];
    expect(await Promise.all(calls)).toEqual(["landed", "the runtime was killed"]);
    expect(await outcome(early.run())).toBe("the runtime was killed");
    expect(await outcome(db.prepare("SELECT 1").first())).toBe("the runtime was killed");
    expect(await count("after-")).toBe(1);
  });

  it("on batch N, lets a batch called before it land, and nothing after", async () => {
    const db = dyingD1(env.DB, { dieOnBatch: 2 });
    const early = put(db, "on-early");
    const calls = [outcome(db.batch([put(db, "on-1")])), outcome(db.batch([put(db, "on-2")])), outcome(db.batch([put(db, "on-3")]))];
    expect(await Promise.all(calls)).toEqual(["landed", "the runtime was killed", "the runtime was killed"]);
    expect(await outcome(early.run())).toBe("the runtime was killed");
    expect(await count("on-")).toBe(1);
  });
});
