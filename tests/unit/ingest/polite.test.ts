import { describe, expect, it, vi } from "vitest";
import { forEachPolitely } from "../../../src/ingest/polite";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("forEachPolitely", () => {
  it("never runs more than the per-host and overall limits at once, and runs everything", async () => {
    const items = [...Array(12).keys()].map((i) => ({ id: i, host: i % 3 === 0 ? "a.example" : `h${i}.example` }));
    const active = new Map<string, number>();
    let overall = 0;
    let peakOverall = 0;
    let peakA = 0;
    const done: number[] = [];
    await forEachPolitely(items, (i) => i.host, async (item) => {
      overall++;
      active.set(item.host, (active.get(item.host) ?? 0) + 1);
      peakOverall = Math.max(peakOverall, overall);
      peakA = Math.max(peakA, active.get("a.example") ?? 0);
      await sleep(20);
      active.set(item.host, active.get(item.host)! - 1);
      overall--;
      done.push(item.id);
    }, { concurrency: 4, perHost: 1, minIntervalMs: 0 });
    expect(done.sort((x, y) => x - y)).toEqual([...Array(12).keys()]);
    expect(peakOverall).toBeLessThanOrEqual(4);
    expect(peakA).toBe(1);
  });

  it("spaces the starts of jobs on one host by the minimum interval", async () => {
    // A mocked clock: each start is observed at the instant the interval lets it happen.
    vi.useFakeTimers({ now: 0 });
    try {
      const starts: number[] = [];
      const all = forEachPolitely([1, 2, 3], () => "same.example", async () => {
        starts.push(Date.now());
      }, { concurrency: 6, perHost: 6, minIntervalMs: 60 });
      await vi.advanceTimersByTimeAsync(59);
      expect(starts).toEqual([0]);
      await vi.advanceTimersByTimeAsync(1);
      expect(starts).toEqual([0, 60]);
      await vi.runAllTimersAsync();
      await all;
      expect(starts).toEqual([0, 60, 120]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps going when a job fails", async () => {
    const seen: number[] = [];
    await forEachPolitely([1, 2, 3], (n) => `h${n}`, async (n) => {
      seen.push(n);
      if (n === 2) throw new Error("boom");
    });
    expect(seen.sort()).toEqual([1, 2, 3]);
  });
});
