import { env, SELF } from "cloudflare:test";
import "../support/period-databases";
import { beforeEach, describe, expect, it } from "vitest";
import { ADMIN } from "../support/worker";

const post = (body: unknown) =>
  SELF.fetch("http://app.test/api/v1/admin/shards", { method: "POST", headers: { ...ADMIN, "content-type": "application/json" }, body: JSON.stringify(body) });

const period = (name: string, startsAt: string, endsAt: string, binding: string) => ({ period: name, starts_at: startsAt, ends_at: endsAt, binding });

async function problem(res: Response, status: number): Promise<{ code: string; detail: string; errors?: { path: string; message: string }[] }> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  return res.json();
}

describe("registering periods (admin)", () => {
  beforeEach(async () => {
    await env.DB.batch([env.DB.prepare("DELETE FROM shards"), env.DB.prepare("DELETE FROM shard_boundary")]);
    await env.SHARD_1.prepare("DELETE FROM articles").run();
  });

  it("registers a period from the beginning of time and lists it with its database's figures", async () => {
    const res = await post(period("before-2026-11", "0000-01-01T00:00:00Z", "2026-11-01T00:00:00Z", "SHARD_1"));
    expect(res.status).toBe(201);
    expect(((await res.json()) as { data: object }).data).toMatchObject({ period: "before-2026-11", binding: "SHARD_1", version: 0, bound: true, articles: 0 });
    await expect(post(period("2026-11a", "2026-11-01T00:00:00Z", "2026-11-09T00:00:00Z", "SHARD_2"))).resolves.toHaveProperty("status", 201);
    const list = await SELF.fetch("http://app.test/api/v1/admin/shards", { headers: ADMIN });
    expect(list.headers.get("cache-control")).toBe("no-store");
    const { data } = (await list.json()) as { data: { periods: { period: string; bound: boolean; articles: number; database_bytes: number }[]; boundary: null } };
    expect(data.boundary).toBeNull();
    expect(data.periods.map((p) => p.period)).toEqual(["2026-11a", "before-2026-11"]);
    expect(data.periods.every((p) => p.bound && p.articles === 0 && p.database_bytes > 0)).toBe(true);
  });

  it("says which field is wrong: malformed input, a reversed range, a binding that is no period database", async () => {
    const bad = await problem(await post({ period: "Nov!", starts_at: "2026-11-31T00:00:00Z", ends_at: "yesterday", binding: "9x" }), 400);
    expect(bad.errors?.map((e) => e.path).sort()).toEqual(["binding", "ends_at", "period", "starts_at"]);
    // "live" names the live database where the admin walks take ?shard=.
    const live = await problem(await post(period("live", "2026-11-01T00:00:00Z", "2026-11-09T00:00:00Z", "SHARD_1")), 400);
    expect(live.errors?.map((e) => e.path)).toEqual(["period"]);
    const reversed = await problem(await post(period("p", "2026-11-09T00:00:00Z", "2026-11-01T00:00:00Z", "SHARD_1")), 400);
    expect(reversed.errors).toEqual([{ path: "ends_at", message: "must be after starts_at" }]);
    for (const binding of ["SHARD_404", "ADMIN_TOKEN", "CACHE", "DB"]) {
      const fault = await problem(await post(period("p", "2026-11-01T00:00:00Z", "2026-11-09T00:00:00Z", binding)), 400);
      expect(fault.errors?.[0]?.path).toBe("binding");
    }
    const none = (await (await SELF.fetch("http://app.test/api/v1/admin/shards", { headers: ADMIN })).json()) as { data: { periods: unknown[] } };
    expect(none.data.periods).toEqual([]);
  });

  it("refuses overlapping ranges, a name or binding already used, and a database holding other articles", async () => {
    expect((await post(period("2026-11a", "2026-11-01T00:00:00Z", "2026-11-09T00:00:00Z", "SHARD_1"))).status).toBe(201);
    expect((await problem(await post(period("2026-11x", "2026-11-08T00:00:00Z", "2026-11-16T00:00:00Z", "SHARD_2")), 409)).detail).toContain("meets period 2026-11a");
    expect((await problem(await post(period("2026-11a", "2026-12-01T00:00:00Z", "2026-12-09T00:00:00Z", "SHARD_2")), 409)).detail).toContain("already registered");
    expect((await problem(await post(period("2026-12a", "2026-12-01T00:00:00Z", "2026-12-09T00:00:00Z", "SHARD_1")), 409)).detail).toContain("already holds period 2026-11a");
    await env.DB.prepare("DELETE FROM shards").run();
    // SHARD_1 now holds a November article (as if moved there before): December would misplace it.
    await env.SHARD_1.prepare(
      `INSERT INTO articles (pk, id, source_id, dedupe_key, title, slug, language, published_at, updated_at, fetched_at, first_seen_at, content_hash)
         VALUES (7, 'a7', 's', 'k7', 'T', 't', 'en', '2026-11-03T00:00:00Z', 'x', 'x', 'x', 'h')`,
    ).run();
    expect((await problem(await post(period("2026-12a", "2026-12-01T00:00:00Z", "2026-12-09T00:00:00Z", "SHARD_1")), 409)).detail).toContain("1 articles outside");
    expect((await post(period("2026-11a", "2026-11-01T00:00:00Z", "2026-11-09T00:00:00Z", "SHARD_1"))).status).toBe(201);
  });

  it("refuses a database not migrated like the live one", async () => {
    await env.SHARD_2.prepare("CREATE TABLE stray (x integer)").run();
    try {
      const fault = await problem(await post(period("2026-11b", "2026-11-09T00:00:00Z", "2026-11-16T00:00:00Z", "SHARD_2")), 409);
      expect(fault.detail).toContain("not migrated like the live one");
    } finally {
      await env.SHARD_2.prepare("DROP TABLE stray").run();
    }
  });
});
