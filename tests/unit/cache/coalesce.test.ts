import { afterEach, describe, expect, it, vi } from "vitest";
import { flightOf, follow, lead } from "../../../src/cache/coalesce";
import { collapsedStatus, MISS_STATUS, notCollapsedStatus } from "../../../src/cache/status";

afterEach(() => {
  vi.useRealTimers();
});

describe("flights", () => {
  it("wakes every follower when the leader lands, with its status, and forgets the flight", async () => {
    const land = lead("k1");
    const flight = flightOf("k1")!;
    const woken: string[] = [];
    const followers = [follow("k1", flight), follow("k1", flight)].map((p, i) => p.then(() => woken.push(`${i}:${flight.status}`)));
    expect(woken).toEqual([]);
    land(MISS_STATUS);
    // Landing again (the leader's `finally`) changes nothing.
    land(null);
    await Promise.all(followers);
    expect(woken).toEqual([`0:${MISS_STATUS}`, `1:${MISS_STATUS}`]);
    expect(flightOf("k1")).toBeUndefined();
  });

  it("drops a flight whose leader never lands once a follower's bound has passed", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    lead("k2");
    const flight = flightOf("k2")!;
    let woken = false;
    const waiting = follow("k2", flight).then(() => (woken = true));
    vi.advanceTimersByTime(4_999);
    await Promise.resolve();
    expect(woken).toBe(false);
    vi.advanceTimersByTime(1);
    await waiting;
    expect(flight.status).toBeNull();
    expect(flightOf("k2")).toBeUndefined();
    // A new leader of the key is not disturbed by the old one landing late.
    const next = lead("k2");
    expect(flightOf("k2")).not.toBe(flight);
    next(null);
    expect(flightOf("k2")).toBeUndefined();
  });
});

describe("Cache-Status of collapsed requests (RFC 9211 §2.5)", () => {
  it("adds `collapsed` to a leader's status that went forward, and nothing to a hit", () => {
    expect(collapsedStatus(MISS_STATUS)).toBe(`${MISS_STATUS}; collapsed`);
    expect(collapsedStatus("edge-news; fwd=miss; stored; detail=kv-error")).toBe("edge-news; fwd=miss; stored; detail=kv-error; collapsed");
    expect(collapsedStatus("edge-news; hit; detail=kv")).toBeNull();
    expect(notCollapsedStatus(MISS_STATUS)).toBe(`${MISS_STATUS}; collapsed=?0`);
    expect(notCollapsedStatus("edge-news; hit; detail=kv")).toBeNull();
    expect(notCollapsedStatus(null)).toBeNull();
  });
});
