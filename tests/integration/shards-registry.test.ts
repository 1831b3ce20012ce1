import { env } from "cloudflare:test";
import "../support/period-databases";
import { beforeEach, describe, expect, it } from "vitest";
import { readShardMap, shardDatabase, shardOf, shardsMeeting, beforeBoundary } from "../../src/db/shards";

const NOW = "2026-12-01T00:00:00Z";

async function register(period: string, startsAt: string, endsAt: string, binding: string): Promise<void> {
  await env.DB.prepare("INSERT INTO shards (period, starts_at, ends_at, binding, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
    .bind(period, startsAt, endsAt, binding, NOW)
    .run();
}

describe("period shard registry", () => {
  beforeEach(async () => {
    await env.DB.batch([env.DB.prepare("DELETE FROM shards"), env.DB.prepare("DELETE FROM shard_boundary")]);
  });

  it("reads as nothing moved when no period is registered", async () => {
    expect(await readShardMap(env.DB)).toEqual({ shards: [], boundary: null });
  });

  it("lists periods newest first with the boundary, and places a date in its period", async () => {
    await register("2026-11a", "2026-11-01T00:00:00Z", "2026-11-09T00:00:00Z", "SHARD_1");
    await register("2026-11b", "2026-11-09T00:00:00Z", "2026-11-16T00:00:00Z", "SHARD_2");
    await env.DB.prepare("INSERT INTO shard_boundary (id, published_at, pk, updated_at) VALUES (1, ?1, 42, ?2)")
      .bind("2026-11-03T12:00:00Z", NOW)
      .run();
    const map = await readShardMap(env.DB);
    expect(map.shards.map((s) => s.period)).toEqual(["2026-11b", "2026-11a"]);
    expect(map.boundary).toEqual({ publishedAt: "2026-11-03T12:00:00Z", pk: 42 });
    expect(shardOf(map, "2026-11-08T23:59:59Z")?.period).toBe("2026-11a");
    expect(shardOf(map, "2026-11-09T00:00:00Z")?.period).toBe("2026-11b");
    expect(shardOf(map, "2026-10-31T23:59:59Z")).toBeNull();
    // Only the period the boundary has reached can hold moved articles.
    expect(shardsMeeting(map).map((s) => s.period)).toEqual(["2026-11a"]);
    expect(shardsMeeting(map, null, "2026-10-15T00:00:00Z")).toEqual([]);
    expect(beforeBoundary(map.boundary, "2026-11-03T12:00:00Z", 41)).toBe(true);
    expect(beforeBoundary(map.boundary, "2026-11-03T12:00:00Z", 42)).toBe(false);
  });

  it("refuses overlapping bindings and empty ranges", async () => {
    await register("2026-11a", "2026-11-01T00:00:00Z", "2026-11-09T00:00:00Z", "SHARD_1");
    await expect(register("2026-11b", "2026-11-09T00:00:00Z", "2026-11-16T00:00:00Z", "SHARD_1")).rejects.toThrow();
    await expect(register("2026-12a", "2026-12-09T00:00:00Z", "2026-12-01T00:00:00Z", "SHARD_2")).rejects.toThrow();
  });

  it("finds a period's database by its binding, migrated like the live one", async () => {
    const shard = { period: "p", startsAt: "a", endsAt: "b", binding: "SHARD_1", version: 0 };
    const db = shardDatabase(env, shard);
    expect(db).not.toBeNull();
    expect(await db!.prepare("SELECT count(*) AS n FROM articles").first<{ n: number }>()).toEqual({ n: 0 });
    expect(shardDatabase(env, { ...shard, binding: "SHARD_404" })).toBeNull();
    expect(shardDatabase(env, { ...shard, binding: "ADMIN_TOKEN" })).toBeNull();
  });
});
