import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RefreshMessage } from "../../src/env";
import worker from "../../src/index";
import { runRefresh } from "../../src/ingest/run";
import { addSource, refreshNow } from "../support/worker";

const count = async (sql: string) => (await env.DB.prepare(sql).first<{ n: number }>())?.n ?? 0;

async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("overlapping refresh runs", () => {
  it("lets only one of two simultaneous runs ingest, and stores no duplicates", async () => {
    await addSource("overlap-en", "/basic/en.xml");
    await addSource("overlap-fr", "/basic/fr.atom");
    const [a, b] = await Promise.all([refreshNow(), refreshNow()]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const skipped = a.status === 409 ? a.report : b.report;
    expect(skipped.skipped).toMatch(/in progress/);
    expect(await count("SELECT count(*) AS n FROM articles")).toBe(15);
    expect(await count("SELECT count(*) AS n FROM (SELECT source_id, dedupe_key FROM articles GROUP BY 1, 2 HAVING count(*) > 1)")).toBe(0);
  });
});

describe("fan-out through the refresh queue", () => {
  it("the queue consumer refreshes the sources named in its messages", async () => {
    await addSource("queued-en", "/basic/en.xml");
    const batch = createMessageBatch<RefreshMessage>("edge-news-refresh", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: { sourceIds: ["queued-en"], runId: "run-q1", force: true } },
      { id: "m2", timestamp: new Date(), attempts: 1, body: { sourceIds: ["no-such-source"], runId: "run-q1", force: true } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m2"]);
    expect(await count("SELECT count(*) AS n FROM articles WHERE source_id = 'queued-en'")).toBe(12);
    expect(await count("SELECT count(*) AS n FROM refresh_run_sources WHERE run_id = 'run-q1' AND status = 'ok'")).toBe(1);
  });

  it("a run with more due sources than the threshold claims them and sends them to the queue grouped by host", async () => {
    await addSource("fan-a", "/basic/en.xml");
    await addSource("fan-b", "/basic/fr.atom");
    const report = await runRefresh({ ...env, REFRESH_FANOUT_THRESHOLD: "1" }, { trigger: "cron", force: true });
    expect(report.queued).toBeGreaterThanOrEqual(2);
    expect(report.sources).toEqual([]);
    const claimed = await env.DB.prepare("SELECT next_fetch_at FROM sources WHERE id = 'fan-a'").first<{ next_fetch_at: string }>();
    // Claimed for longer than a cron step, so the next run does not queue them again.
    expect(Date.parse(claimed!.next_fetch_at) - Date.parse(report.started_at)).toBeGreaterThan(20 * 60_000);
    // The local queue delivers the messages to this same Worker's consumer.
    await until(async () => (await count("SELECT count(*) AS n FROM articles WHERE source_id IN ('fan-a', 'fan-b')")) === 15);
    await until(async () => (await count(`SELECT count(*) AS n FROM refresh_run_sources WHERE run_id = '${report.id}'`)) >= 2);
  });
});

describe("the budget of one invocation", () => {
  const sources = { "budget-a": "/basic/en.xml", "budget-b": "/basic/fr.atom", "budget-c": "/quirks/relative-links.rss", "budget-d": "/quirks/rss-namespaces.rss" };

  it("refreshes inline what fits in its D1 queries and leaves the rest due when there is no queue", async () => {
    for (const [id, path] of Object.entries(sources)) await addSource(id, path);
    const report = await runRefresh({ ...env, REFRESH_QUEUE: undefined, REFRESH_BUDGET_QUERIES: "30" }, { trigger: "cron", force: true });
    expect(report.status).toBe("finished");
    expect(report.sources.length).toBeGreaterThan(0);
    expect(report.sources.length + report.deferred!).toBe(await count("SELECT count(*) AS n FROM sources WHERE enabled"));
    const done = new Set(report.sources.map((s) => s.id));
    for (const id of Object.keys(sources).filter((id) => !done.has(id))) {
      expect(await count(`SELECT count(*) AS n FROM sources WHERE id = '${id}' AND (next_fetch_at IS NULL OR next_fetch_at <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))`)).toBe(1);
    }
  });

  it("hands what does not fit to the queue, which stores it", async () => {
    const report = await runRefresh({ ...env, REFRESH_BUDGET_QUERIES: "30" }, { trigger: "cron", force: true });
    expect(report.queued).toBeGreaterThan(0);
    expect(report.sources.length + report.queued!).toBe(await count("SELECT count(*) AS n FROM sources WHERE enabled"));
    const ids = Object.keys(sources).map((id) => `'${id}'`).join(",");
    await until(async () => (await count(`SELECT count(DISTINCT source_id) AS n FROM articles WHERE source_id IN (${ids})`)) === 4);
    const all = await count("SELECT count(*) AS n FROM sources WHERE enabled");
    await until(async () => (await count(`SELECT count(*) AS n FROM refresh_run_sources WHERE run_id = '${report.id}'`)) === all);
  });
});
