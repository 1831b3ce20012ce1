import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { NormalizedArticle } from "../../src/domain";
import { storeArticles } from "../../src/db/store";

// A source's line in the run log is written in the same batch as its items, its counts read by
// D1 itself before the upsert, however many chunks the items and their keys take.

function article(i: number, edit = 0): NormalizedArticle {
  const text = `Story ${i}, revision ${edit}. ${"Words of the body. ".repeat(40)}`;
  return {
    id: `so-${i}`, guid: `g-${i}`, dedupeKey: `guid:g-${i}`, url: `https://example.org/so/${i}`, title: `Story ${i}`, slug: `story-${i}`,
    summary: text.slice(0, 80), contentHtml: `<p>${text}</p>`, contentText: text, image: null, author: null, tags: [],
    language: i % 2 ? "en" : "fr", publishedAt: "2026-11-20T08:00:00Z", updatedAt: null, contentHash: `h-${i}-${edit}`, storyGroup: null,
  };
}

const line = (runId: string) =>
  env.DB.prepare("SELECT status, http_status, new_count, updated_count, unchanged_count, duration_ms FROM refresh_run_sources WHERE run_id = ? AND source_id = 'so'")
    .bind(runId)
    .first();

const state = { sourceId: "so", etag: null, lastModified: null, httpStatus: 200, status: "ok" as const, nextFetchAt: "2026-12-07T12:00:00Z" };

describe("the outcome of a stored source", () => {
  beforeAll(async () => {
    await env.DB.prepare("INSERT INTO sources (id, name, url) VALUES ('so', 'Outcome source', 'https://example.org/so.xml')").run();
    for (const id of ["run-a", "run-b", "run-c"]) {
      await env.DB.prepare("INSERT INTO refresh_runs (id, trigger, started_at) VALUES (?, 'manual', '2026-12-07T11:00:00Z')").bind(id).run();
    }
  });

  it("is logged with the counts of what the batch wrote", async () => {
    const items = [1, 2, 3, 4, 5].map((i) => article(i));
    const result = await storeArticles(env.DB, items, state, "2026-12-07T11:00:01Z", { outcome: { log: { runId: "run-a" }, status: "ok", httpStatus: 200, durationMs: 42 } });
    expect(result).toMatchObject({ new: 5, updated: 0, unchanged: 0 });
    expect(await line("run-a")).toEqual({ status: "ok", http_status: 200, new_count: 5, updated_count: 0, unchanged_count: 0, duration_ms: 42 });
  });

  it("counts right when the items and their keys take several chunks", async () => {
    const items = [1, 2, 3, 4, 5, 6].map((i) => article(i, i === 5 ? 1 : 0));
    const result = await storeArticles(env.DB, items, state, "2026-12-07T11:00:02Z", {
      chunkBytes: 150,
      outcome: { log: { runId: "run-b" }, status: "ok", httpStatus: 200, durationMs: 7 },
    });
    expect(result).toMatchObject({ new: 1, updated: 1, unchanged: 4 });
    expect(result.languages.sort()).toEqual(["en", "fr"]);
    expect(await line("run-b")).toMatchObject({ new_count: 1, updated_count: 1, unchanged_count: 4 });
  });

  it("moves a fanned-out run's finish time forward with it", async () => {
    await storeArticles(env.DB, [], { ...state, status: "not_modified", httpStatus: 304 }, "2026-12-07T11:05:00Z", {
      outcome: { log: { runId: "run-c", advancesFinish: true }, status: "not_modified", httpStatus: 304, durationMs: 3 },
    });
    expect(await line("run-c")).toMatchObject({ status: "not_modified", http_status: 304, new_count: 0, updated_count: 0, unchanged_count: 0 });
    const run = await env.DB.prepare("SELECT finished_at FROM refresh_runs WHERE id = 'run-c'").first<{ finished_at: string }>();
    expect(run?.finished_at).toBe("2026-12-07T11:05:00Z");
  });
});

describe("the store of a source deleted before its batch runs", () => {
  const gone = { sourceId: "so-gone", etag: null, lastModified: null, httpStatus: 200, status: "ok" as const, nextFetchAt: "2026-12-07T12:00:00Z" };
  const goneLine = (runId: string) =>
    env.DB.prepare("SELECT status, new_count, updated_count, unchanged_count, error_code, warnings FROM refresh_run_sources WHERE run_id = ? AND source_id = 'so-gone'")
      .bind(runId)
      .first();
  const stored = async () => (await env.DB.prepare("SELECT count(*) AS n FROM articles WHERE source_id = 'so-gone'").first<{ n: number }>())!.n;
  const skipped = { status: "skipped", new_count: 0, updated_count: 0, unchanged_count: 0, error_code: "source_gone", warnings: null };
  const nothing = { new: 0, updated: 0, unchanged: 0, languages: [], warnings: [], sourceGone: true };
  const items = () => [11, 12, 13, 14].map((i) => ({ ...article(i), id: `gone-${i}`, dedupeKey: `guid:gone-${i}` }));

  beforeAll(async () => {
    for (const id of ["gone-a", "gone-b", "gone-c"]) {
      await env.DB.prepare("INSERT INTO refresh_runs (id, trigger, started_at) VALUES (?, 'manual', '2026-12-07T11:00:00Z')").bind(id).run();
    }
  });

  it("writes no item and logs it skipped, its counts 0, when the outcome goes in the batch", async () => {
    const result = await storeArticles(env.DB, items(), gone, "2026-12-07T11:10:00Z", { outcome: { log: { runId: "gone-a" }, status: "ok", httpStatus: 200, durationMs: 5 } });
    expect(result).toMatchObject(nothing);
    expect(await stored()).toBe(0);
    expect(await goneLine("gone-a")).toEqual(skipped);
  });

  it("does the same when the items take several chunks and the outcome is logged after", async () => {
    const result = await storeArticles(env.DB, items(), gone, "2026-12-07T11:10:01Z", {
      chunkBytes: 150,
      outcome: { log: { runId: "gone-b" }, status: "ok", httpStatus: 200, durationMs: 5 },
    });
    expect(result).toMatchObject(nothing);
    expect(await stored()).toBe(0);
    expect(await goneLine("gone-b")).toEqual(skipped);
  });

  it("says so for a 304 too, and for pushed items", async () => {
    const notModified = await storeArticles(env.DB, [], { ...gone, status: "not_modified", httpStatus: 304 }, "2026-12-07T11:10:02Z", {
      outcome: { log: { runId: "gone-c" }, status: "not_modified", httpStatus: 304, durationMs: 1 },
    });
    expect(notModified).toMatchObject(nothing);
    expect(await goneLine("gone-c")).toEqual(skipped);
    expect(await storeArticles(env.DB, items(), { sourceId: "so-gone", status: "pushed" }, "2026-12-07T11:10:03Z")).toMatchObject(nothing);
    expect(await stored()).toBe(0);
  });
});
