import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { runRefresh } from "../../src/ingest/run";
import { dyingD1 } from "../support/dying-d1";
import { ADMIN, addSource, getJson, refreshNow } from "../support/worker";

// A refresh killed in the middle (the runtime gone: no catch, no finally reaches D1) must leave
// nothing half-written: each source is all or nothing, nothing is duplicated, the counters
// agree with the rows, the killed run shows as interrupted, and the next run can start.

const SOURCES = { "kill-en": ["/basic/en.xml", 12], "kill-fr": ["/basic/fr.atom", 3], "kill-ns": ["/quirks/relative-links.rss", 5] } as const;
const ids = Object.keys(SOURCES);

const rows = async <T>(sql: string, ...params: unknown[]) => (await env.DB.prepare(sql).bind(...params).all<T>()).results;
const stored = async (id: string) => (await rows<{ n: number }>("SELECT count(*) AS n FROM articles WHERE source_id = ?", id))[0]!.n;

async function expectConsistent(): Promise<void> {
  for (const [id, [, total]] of Object.entries(SOURCES)) expect([0, total]).toContain(await stored(id));
  expect(await rows("SELECT source_id, dedupe_key FROM articles GROUP BY 1, 2 HAVING count(*) > 1")).toEqual([]);
  const counted = await rows<{ source_id: string; n: number }>("SELECT source_id, sum(n) AS n FROM article_counts GROUP BY 1 HAVING sum(n) > 0 ORDER BY 1");
  const actual = await rows<{ source_id: string; n: number }>("SELECT source_id, count(*) AS n FROM articles GROUP BY 1 ORDER BY 1");
  expect(counted).toEqual(actual);
  const [fts] = await rows<{ n: number }>("SELECT count(*) AS n FROM articles_fts");
  const [articles] = await rows<{ n: number }>("SELECT count(*) AS n FROM articles");
  expect(fts!.n).toBe(articles!.n);
}

describe("a refresh killed in the middle", () => {
  it("loses and duplicates nothing, shows as interrupted, and does not block the next run", async () => {
    for (const [id, [path]] of Object.entries(SOURCES)) await addSource(id, path);

    // Killed inside a source's batch (batch 1 takes the lease; 2 stores the first source).
    // One source at a time, so the kill points below fall where they say.
    const sequential = { ...env, REFRESH_PER_HOST: "1" };
    const minutesAgo = (m: number) => () => Date.now() - m * 60_000;
    await expect(runRefresh({ ...sequential, DB: dyingD1(env.DB, { dieOnBatch: 3 }) }, { trigger: "cron", force: true, now: minutesAgo(3) })).rejects.toThrow(/killed/);
    await expectConsistent();
    expect((await Promise.all(ids.map(stored))).filter((n) => n > 0)).toHaveLength(1);

    // Killed between sources: a store committed (its outcome with it), then nothing more.
    await expect(runRefresh({ ...sequential, DB: dyingD1(env.DB, { dieAfterBatch: 3 }) }, { trigger: "cron", force: true, now: minutesAgo(1.9) })).rejects.toThrow(/killed/);
    await expectConsistent();

    const runs = (await getJson("/api/v1/admin/runs", { headers: ADMIN })).body.data as { status: string; finished_at: string | null; sources: { id: string; status: string; new: number }[] }[];
    expect(runs.map((r) => r.status)).toEqual(["interrupted", "interrupted"]);
    expect(runs.every((r) => r.finished_at === null)).toBe(true);
    // What a killed run did record is true: each source it reports as stored is there in full;
    // and each source it stored has its line, written in the same batch as its items.
    for (const run of runs) {
      for (const s of run.sources.filter((o) => o.status === "ok")) expect(await stored(s.id)).toBe(SOURCES[s.id as keyof typeof SOURCES][1]);
    }
    const logged = new Set(runs.flatMap((r) => r.sources.filter((o) => o.status === "ok" && o.new > 0).map((o) => o.id)));
    for (const id of ids) if ((await stored(id)) > 0) expect(logged.has(id), id).toBe(true);
    expect((await getJson("/healthz")).body.last_refresh.status).toBe("interrupted");

    // The dead runs' leases have lapsed: the next refresh is accepted and completes the data.
    const next = await refreshNow();
    expect(next.status).toBe(200);
    expect(next.report.status).toBe("finished");
    await expectConsistent();
    expect(await Promise.all(ids.map(stored))).toEqual(ids.map((id) => SOURCES[id as keyof typeof SOURCES][1]));
    expect((await getJson("/healthz")).body.last_refresh.status).toBe("finished");
  });
});
