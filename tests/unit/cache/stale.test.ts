import { describe, expect, it } from "vitest";
import { STALE_MAX_MS } from "../../../src/cache/keys";
import { withPrevious, type Versions } from "../../../src/cache/partitions";
import { freshness } from "../../../src/cache/stale";

const NOW = 1_800_000_000_000;
const before: Versions = { floor: 0, parts: { "*": 10, all: 100, "lang:fr": 90, "lang:en": 100 } };
/** A refresh storing English articles `ago` ms before NOW. */
const refreshed = (ago: number): Versions => withPrevious(before, { floor: 0, parts: { "*": 10, all: NOW - ago, "lang:fr": 90, "lang:en": NOW - ago } }, NOW - STALE_MAX_MS);

describe("serving an entry a change retired", () => {
  it("serves the entry of the version just before the bump, within the bound", () => {
    expect(freshness(100, refreshed(1_000), ["all"], NOW)).toBe("stale");
    expect(freshness(100, refreshed(1_000), ["lang:en"], NOW)).toBe("stale");
    expect(freshness(NOW - 1_000, refreshed(1_000), ["all"], NOW)).toBe("fresh");
  });

  it("leaves answers the bump did not touch fresh", () => {
    expect(freshness(90, refreshed(1_000), ["lang:fr"], NOW)).toBe("fresh");
  });

  it("does not serve it past the bound, nor an entry two bumps behind", () => {
    expect(freshness(100, refreshed(STALE_MAX_MS + 1), ["all"], NOW)).toBe("retired");
    expect(freshness(99, refreshed(1_000), ["all"], NOW)).toBe("retired");
  });

  it("does not serve it after a change of everything (`*`), nor without previous versions", () => {
    const everything = withPrevious(before, { floor: 0, parts: { ...before.parts, "*": NOW - 1_000 } }, NOW - STALE_MAX_MS);
    expect(freshness(100, everything, ["all"], NOW)).toBe("retired");
    const { prev: _, ...withoutPrev } = refreshed(1_000);
    expect(freshness(100, withoutPrev, ["all"], NOW)).toBe("retired");
  });

  it("keeps previous versions only for bumps within the bound, carrying them over unchanged publications", () => {
    expect(refreshed(1_000).prev).toEqual({ all: 100, "lang:en": 100 });
    expect(refreshed(STALE_MAX_MS + 1).prev).toBeUndefined();
    const again = withPrevious(refreshed(1_000), refreshed(1_000), NOW - STALE_MAX_MS);
    expect(again.prev).toEqual({ all: 100, "lang:en": 100 });
  });
});
