import { describe, expect, it } from "vitest";
import { ByteLru } from "../../../src/cache/memory-lru";

describe("the in-isolate LRU", () => {
  it("returns what it stored and counts its bytes", () => {
    const lru = new ByteLru<string>(100, 50);
    lru.set("a", "alpha", 10);
    lru.set("b", "beta", 20);
    expect(lru.get("a")).toBe("alpha");
    expect(lru.bytes).toBe(30);
    expect(lru.size).toBe(2);
  });

  it("evicts the least recently used entries once over its byte budget", () => {
    const lru = new ByteLru<string>(100, 60);
    lru.set("a", "a", 40);
    lru.set("b", "b", 40);
    lru.get("a"); // a is now more recent than b
    lru.set("c", "c", 40);
    expect(lru.get("b")).toBeUndefined();
    expect(lru.get("a")).toBe("a");
    expect(lru.get("c")).toBe("c");
    expect(lru.bytes).toBe(80);
  });

  it("refuses an entry larger than the per-entry limit without evicting anything", () => {
    const lru = new ByteLru<string>(100, 30);
    lru.set("small", "s", 10);
    expect(lru.set("big", "b", 31)).toBe(false);
    expect(lru.get("big")).toBeUndefined();
    expect(lru.get("small")).toBe("s");
  });

  it("replaces an entry under the same key and frees its old bytes", () => {
    const lru = new ByteLru<string>(100, 100);
    lru.set("a", "old", 70);
    lru.set("a", "new", 20);
    expect(lru.get("a")).toBe("new");
    expect(lru.bytes).toBe(20);
  });

  it("forgets everything on clear", () => {
    const lru = new ByteLru<string>(100, 100);
    lru.set("a", "a", 10);
    lru.clear();
    expect(lru.get("a")).toBeUndefined();
    expect(lru.bytes).toBe(0);
  });
});
