import { describe, expect, it } from "vitest";
import type { Bindings } from "../../../src/env";
import { forEachPolitely, POLITENESS, type Politeness } from "../../../src/ingest/polite";
import { politeness } from "../../../src/ingest/source";

const LIMITS: Politeness = { concurrency: 4, perHost: 2, maxWaitMs: 1_000 };
const tick = () => new Promise((r) => setTimeout(r, 1));

/** Tracks how many jobs run at once, overall and per host. */
function tracker() {
  const active = new Map<string, number>();
  const peak = new Map<string, number>();
  let overall = 0;
  let peakOverall = 0;
  return {
    peak,
    get peakOverall() {
      return peakOverall;
    },
    async run(host: string) {
      overall++;
      active.set(host, (active.get(host) ?? 0) + 1);
      peakOverall = Math.max(peakOverall, overall);
      peak.set(host, Math.max(peak.get(host) ?? 0, active.get(host)!));
      await tick();
      await tick();
      active.set(host, active.get(host)! - 1);
      overall--;
    },
  };
}

describe("forEachPolitely", () => {
  it("never runs more than the per-host and overall limits at once, and runs everything", async () => {
    const items = [...Array(12).keys()].map((i) => ({ id: i, host: i % 3 === 0 ? "a.example" : `h${i}.example` }));
    const t = tracker();
    const done: number[] = [];
    await forEachPolitely(items, (i) => i.host, async (item) => {
      await t.run(item.host);
      done.push(item.id);
    }, LIMITS);
    expect(done.sort((x, y) => x - y)).toEqual([...Array(12).keys()]);
    expect(t.peakOverall).toBeLessThanOrEqual(4);
    expect(t.peak.get("a.example")).toBe(2);
  });

  it("by default gives a host that asked for nothing all six connections, and one at a time once it sets a Crawl-delay", async () => {
    const items = [...Array(24).keys()].map((id) => ({ id, host: id < 12 ? "quiet.example" : "slow.example" }));
    const t = tracker();
    const done: number[] = [];
    await forEachPolitely(items, (i) => i.host, async (item) => {
      await t.run(item.host);
      done.push(item.id);
    }, POLITENESS, { crawlDelayOf: async (host) => (host === "slow.example" ? 1 : null) });
    expect(done).toHaveLength(24);
    expect(t.peak.get("quiet.example")).toBe(6);
    expect(t.peak.get("slow.example")).toBe(1);
    expect(t.peakOverall).toBeLessThanOrEqual(6);
  });

  it("takes the per-host cap from REFRESH_PER_HOST, between 1 and the overall limit", async () => {
    const cap = (value?: string) => politeness({ REFRESH_PER_HOST: value } as Bindings).perHost;
    expect(cap()).toBe(6);
    expect(cap("2")).toBe(2);
    expect(cap("40")).toBe(6);
    expect(cap("0")).toBe(6);
    expect(cap("two")).toBe(6);
    // Two queue consumers at once share the cap.
    expect(politeness({} as Bindings, 2).perHost).toBe(3);
    expect(politeness({ REFRESH_PER_HOST: "1" } as Bindings, 2).perHost).toBe(1);
    const items = [...Array(8).keys()].map((id) => ({ id, host: "a.example" }));
    const t = tracker();
    await forEachPolitely(items, (i) => i.host, (item) => t.run(item.host), politeness({ REFRESH_PER_HOST: "2" } as Bindings));
    expect(t.peak.get("a.example")).toBe(2);
  });

  it("runs a host that set a Crawl-delay one job at a time, asking for its robots.txt once", async () => {
    const items = [1, 2, 3, 4].map((id) => ({ id, host: id % 2 ? "slow.example" : "quiet.example" }));
    const asked: string[] = [];
    const t = tracker();
    await forEachPolitely(items, (i) => i.host, (item) => t.run(item.host), LIMITS, {
      crawlDelayOf: async (host) => {
        asked.push(host);
        return host === "slow.example" ? 5 : null;
      },
    });
    expect(asked.sort()).toEqual(["quiet.example", "slow.example"]);
    expect(t.peak.get("slow.example")).toBe(1);
    expect(t.peak.get("quiet.example")).toBe(2);
  });

  it("leaves a host's remaining jobs for later when it asks to wait longer than a run waits", async () => {
    const items = ["busy.example", "busy.example", "busy.example", "other.example", "other.example"].map((host, id) => ({ id, host }));
    const ran: number[] = [];
    const deferred: { id: number; reason: string; until: number }[] = [];
    const before = Date.now();
    await forEachPolitely(items, (i) => i.host, async (item) => {
      ran.push(item.id);
      if (item.host === "busy.example") return { throttled: true, retryAfterMs: 3_600_000 };
    }, { ...LIMITS, perHost: 1 }, { deferred: (item, reason, until) => deferred.push({ id: item.id, reason, until }) });
    expect(ran.filter((id) => id < 3)).toEqual([0]);
    expect(ran.filter((id) => id >= 3).sort()).toEqual([3, 4]);
    expect(deferred.map((d) => [d.id, d.reason])).toEqual([[1, "host_asked_to_wait"], [2, "host_asked_to_wait"]]);
    expect(deferred[0]!.until).toBeGreaterThanOrEqual(before + 3_600_000);
  });

  it("waits out a short Retry-After and then runs the host's other jobs", async () => {
    const ran: number[] = [];
    let throttled = false;
    await forEachPolitely([1, 2], () => "same.example", async (n) => {
      ran.push(n);
      if (!throttled) {
        throttled = true;
        return { throttled: true, retryAfterMs: 20 };
      }
    }, { ...LIMITS, perHost: 1 });
    expect(ran).toEqual([1, 2]);
  });

  it("starts nothing more once the budget says no, and hands back the rest", async () => {
    const ran: number[] = [];
    const deferred: number[] = [];
    await forEachPolitely([1, 2, 3, 4, 5], (n) => `h${n}`, async (n) => void ran.push(n), { ...LIMITS, concurrency: 1 }, {
      canStart: () => ran.length < 2,
      deferred: (n, reason) => reason === "budget" && deferred.push(n),
    });
    expect(ran).toEqual([1, 2]);
    expect(deferred).toEqual([3, 4, 5]);
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
