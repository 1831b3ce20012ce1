import { env, SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { archiveBodies } from "../../src/archive/step";
import { matches, moveNovember, P1, P2, resetToNovember, seedSource, versions } from "../support/shard-rows";
import { registerPeriod } from "../support/shards";
import { ADMIN } from "../support/worker";

type Walked = { shard: string; next_shard: string | null; next_cursor: number | null; indexed?: number; processed?: number; changed?: number };

async function admin(action: string, query: string): Promise<{ status: number; body: { data: Walked } & Record<string, unknown> }> {
  const res = await SELF.fetch(`http://app.test/api/v1/admin/${action}?${query}`, { method: "POST", headers: ADMIN });
  return { status: res.status, body: (await res.json()) as { data: Walked } };
}

/** Walks every database from the start, following `next_shard` and `next_cursor`; the calls' answers in order. */
async function walkAll(action: string, limit: number): Promise<Walked[]> {
  const calls: Walked[] = [];
  let at: { shard: string | null; cursor: number } = { shard: null, cursor: 0 };
  while (calls.length < 20) {
    const { status, body } = await admin(action, `limit=${limit}&cursor=${at.cursor}${at.shard ? `&shard=${at.shard}` : ""}`);
    expect(status).toBe(200);
    calls.push(body.data);
    if (body.data.next_shard === null) break;
    at = { shard: body.data.next_shard, cursor: body.data.next_cursor ?? 0 };
  }
  return calls;
}

const DIRTY = `<p>Body of marlinspike.</p><img src=x onerror=alert(1)><a href="javascript:alert(2)">link</a>`;

describe("reindex and re-sanitize in period databases", () => {
  beforeEach(async () => {
    await resetToNovember();
    await env.DB.prepare("DELETE FROM sources").run();
    await seedSource("walked", [{ day: 2, word: "astrolabe" }, { day: 3, word: "binnacle" }, { day: 10, word: "compass" }, { day: 20, word: "deadlight" }]);
    // One body is archived before it moves: its entry can only be rebuilt from the archive.
    await archiveBodies(env.DB, env.ARCHIVE, { before: "2025-11-03T00:00:00Z", sliceSize: 50, slices: 1 }, new Date().toISOString());
    expect(await moveNovember()).toMatchObject({ moved: 3 });
  });

  it("rebuilds one period's index with ?shard=, archived bodies included, and bumps only that period's version", async () => {
    await env.SHARD_1.prepare("DELETE FROM articles_fts").run();
    expect([await matches(env.SHARD_1, "astrolabe"), await matches(env.SHARD_1, "binnacle")]).toEqual([0, 0]);
    const before = await versions();

    const { status, body } = await admin("reindex", `shard=${P1.name}`);
    expect(status).toBe(200);
    // The walk's order is live, then periods newest first: P1 is the last.
    expect(body.data).toEqual({ indexed: 2, next_cursor: null, shard: P1.name, next_shard: null });
    expect([await matches(env.SHARD_1, "astrolabe"), await matches(env.SHARD_1, "binnacle")]).toEqual([1, 1]);
    expect(await versions()).toEqual({ [P1.name]: before[P1.name]! + 1, [P2.name]: before[P2.name] });
  });

  it("walks every database in turn, resumable by next_shard and next_cursor", async () => {
    await Promise.all([env.DB, env.SHARD_1, env.SHARD_2].map((db) => db.prepare("DELETE FROM articles_fts").run()));
    const calls = await walkAll("reindex", 1);
    expect(calls.map((c) => [c.shard, c.indexed])).toEqual([
      ["live", 1],
      ["live", 0],
      [P2.name, 1],
      [P2.name, 0],
      [P1.name, 1],
      [P1.name, 1],
      [P1.name, 0],
    ]);
    expect([await matches(env.DB, "deadlight"), await matches(env.SHARD_2, "compass"), await matches(env.SHARD_1, "astrolabe"), await matches(env.SHARD_1, "binnacle")]).toEqual([1, 1, 1, 1]);
  });

  it("re-sanitizes a period's stored bodies with ?shard=, bumping its version, and leaves other databases alone", async () => {
    const pk = (await env.SHARD_2.prepare("SELECT pk FROM articles").first<{ pk: number }>())!.pk;
    // As an older, laxer sanitizer stored it.
    await env.SHARD_2.prepare("UPDATE articles SET content_html = ?1 WHERE pk = ?2").bind(DIRTY, pk).run();
    const before = await versions();

    const live = await admin("resanitize", "");
    expect(live.body.data).toMatchObject({ shard: "live", changed: 0, next_cursor: null, next_shard: P2.name });
    expect(await versions()).toEqual(before);

    const { status, body } = await admin("resanitize", `shard=${P2.name}`);
    expect(status).toBe(200);
    expect(body.data).toEqual({ processed: 1, changed: 1, next_cursor: null, shard: P2.name, next_shard: P1.name });
    const html = (await env.SHARD_2.prepare("SELECT content_html FROM articles WHERE pk = ?").bind(pk).first<{ content_html: string }>())!.content_html;
    expect(html).toContain("marlinspike");
    expect(html).not.toMatch(/onerror|javascript:/);
    expect(await versions()).toEqual({ [P1.name]: before[P1.name], [P2.name]: before[P2.name]! + 1 });
    expect(await matches(env.SHARD_2, "marlinspike")).toBe(1);
  });

  it("names an unknown or unbound period in a 400", async () => {
    const unknown = await admin("reindex", "shard=1999-01");
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain("no period named 1999-01");
    await registerPeriod("2025-10", "2025-10-01T00:00:00Z", "2025-11-01T00:00:00Z", "SHARD_9");
    const unbound = await admin("resanitize", "shard=2025-10");
    expect(unbound.status).toBe(400);
    expect(JSON.stringify(unbound.body)).toContain("SHARD_9");
    expect((await admin("reindex", "shard=Bad!")).status).toBe(400);
  });
});
