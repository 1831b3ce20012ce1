import { describe, expect, it } from "vitest";
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
    const starts: number[] = [];
    await forEachPolitely([1, 2, 3], () => "same.example", async () => {
      starts.push(Date.now());
    }, { concurrency: 6, perHost: 6, minIntervalMs: 60 });
    expect(starts).toHaveLength(3);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(55);
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
