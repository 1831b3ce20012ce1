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

  it("a run with more due sources than the threshold claims them and sends one message each", async () => {
    await addSource("fan-a", "/basic/en.xml");
    await addSource("fan-b", "/basic/fr.atom");
    const report = await runRefresh({ ...env, REFRESH_FANOUT_THRESHOLD: "1" }, { trigger: "cron", force: true });
    expect(report.queued).toBeGreaterThanOrEqual(2);
    expect(report.sources).toEqual([]);
    const claimed = await env.DB.prepare("SELECT next_fetch_at FROM sources WHERE id = 'fan-a'").first<{ next_fetch_at: string }>();
    expect(Date.parse(claimed!.next_fetch_at)).toBeGreaterThan(Date.now() + 20 * 60_000);
    // The local queue delivers the messages to this same Worker's consumer.
    await until(async () => (await count("SELECT count(*) AS n FROM articles WHERE source_id IN ('fan-a', 'fan-b')")) === 15);
    await until(async () => (await count(`SELECT count(*) AS n FROM refresh_run_sources WHERE run_id = '${report.id}'`)) >= 2);
  });
});
