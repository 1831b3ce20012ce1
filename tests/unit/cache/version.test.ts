import { describe, expect, it, vi } from "vitest";
import { VERSION_TTL_MS } from "../../../src/cache/keys";
import { dependenciesOf, versionOf, type Versions } from "../../../src/cache/partitions";
import { combined, contentVersions as readVersions, partitionsOf } from "../../../src/cache/version";

/** A KV stand-in that counts reads, so the tests can see when the isolate goes to KV. */
function fakeKv(initial: Versions | string | null) {
  let value = typeof initial === "object" && initial !== null ? JSON.stringify(initial) : initial;
  const kv = {
    reads: 0,
    set: (v: Versions) => void (value = JSON.stringify(v)),
    async get() {
      kv.reads++;
      return value;
    },
  };
  return kv;
}
const asKv = (kv: ReturnType<typeof fakeKv>) => kv as unknown as KVNamespace;
const v = (parts: Record<string, number>, floor = 0): Versions => ({ floor, parts });
const contentVersions = async (kv: KVNamespace, now: number) => (await readVersions(kv, now)).versions;

/** A KV whose reads fail (or never answer) until it is healed. */
function brokenKv(mode: "error" | "hang") {
  const kv = {
    reads: 0,
    get() {
      kv.reads++;
      return mode === "error" ? Promise.reject(new Error("KV GET failed: 503 Service Unavailable")) : new Promise<never>(() => {});
    },
  };
  return kv as unknown as KVNamespace & { reads: number };
}

// The isolate's copy is module state: each test starts far past the previous one's TTL.
let clock = 1_900_000_000_000;
const later = (ms = VERSION_TTL_MS * 100) => (clock += ms);

describe("the content versions", () => {
  it("are read from KV at most once per TTL, all partitions in one read, so cache hits cost no KV read", async () => {
    const kv = fakeKv(v({ all: 5, "lang:fr": 3 }));
    const start = later();
    expect(await contentVersions(asKv(kv), start)).toEqual(v({ all: 5, "lang:fr": 3 }));
    expect(await contentVersions(asKv(kv), start + VERSION_TTL_MS - 1)).toEqual(v({ all: 5, "lang:fr": 3 }));
    expect(kv.reads).toBe(1);
    kv.set(v({ all: 6, "lang:fr": 3 }));
    expect(await contentVersions(asKv(kv), start + VERSION_TTL_MS)).toEqual(v({ all: 6, "lang:fr": 3 }));
    expect(kv.reads).toBe(2);
  });

  it("are empty before any change, and unknown when KV holds a value this code did not write", async () => {
    expect(await contentVersions(asKv(fakeKv(null)), later())).toEqual(v({}));
    expect(await contentVersions(asKv(fakeKv("lz3abc")), later())).toBeNull();
  });

  it("keep what they knew while KV fails, and say so", async () => {
    const now = later();
    expect(await contentVersions(asKv(fakeKv(v({ all: 7 }))), now)).toEqual(v({ all: 7 }));
    const broken = brokenKv("error");
    expect(await readVersions(broken, now + VERSION_TTL_MS)).toEqual({ versions: v({ all: 7 }), fault: "kv-error" });
    // The failure is remembered for a TTL like a value: a failing KV is not asked on every request.
    await readVersions(broken, now + VERSION_TTL_MS + 1);
    expect(broken.reads).toBe(1);
  });

  it("give up on a KV read that does not answer", async () => {
    expect(await readVersions(brokenKv("hang"), later())).toMatchObject({ fault: "kv-timeout" });
  });

  it("are unknown when KV fails before any was read", async () => {
    vi.resetModules();
    const fresh = await import("../../../src/cache/version");
    expect(await fresh.contentVersions(brokenKv("error"), later())).toEqual({ versions: null, fault: "kv-error" });
  });
});

describe("what an answer depends on", () => {
  const o = "https://news.example.org";
  it("is the language partitions of a listing, search or feed filtered by language", () => {
    expect(dependenciesOf(`${o}/api/v1/articles?lang=fr`)).toEqual(["lang:fr"]);
    expect(dependenciesOf(`${o}/api/v1/search?q=eau&lang=FR,ar&page=2`)).toEqual(["lang:ar", "lang:fr"]);
    expect(dependenciesOf(`${o}/api/v1/articles?lang=ar&lang=fr`)).toEqual(["lang:ar", "lang:fr"]);
    expect(dependenciesOf(`${o}/feeds/rss.xml?lang=ko`)).toEqual(["lang:ko"]);
    expect(dependenciesOf(`${o}/fr/?lang=es`)).toEqual(["lang:es"]);
    expect(dependenciesOf(`${o}/zh/search?q=x&lang=zh`)).toEqual(["lang:zh"]);
  });

  it("is the source partitions when sources are named, with or without languages", () => {
    expect(dependenciesOf(`${o}/api/v1/articles?source=un-news-fr&lang=fr`)).toEqual(["src:un-news-fr"]);
  });

  it("is all content when unfiltered, for details and sitemaps, and for very wide filters", () => {
    expect(dependenciesOf(`${o}/api/v1/articles`)).toEqual(["all"]);
    expect(dependenciesOf(`${o}/api/v1/articles?page=2`)).toEqual(["all"]);
    expect(dependenciesOf(`${o}/api/v1/articles/0123456789abcdef?lang=fr`)).toEqual(["all"]);
    expect(dependenciesOf(`${o}/fr/articles/some-slug?lang=fr`)).toEqual(["all"]);
    expect(dependenciesOf(`${o}/sitemaps/index.xml`)).toEqual(["all"]);
    expect(dependenciesOf(`${o}/api/v1/articles?lang=${"ab,ac,ad,ae,af,ag,ah,ai,aj"}`)).toEqual(["all"]);
  });
});

describe("the version an answer is keyed under", () => {
  const versions = v({ "*": 10, all: 40, "lang:en": 40, "lang:fr": 20, "src:s": 40 }, 5);
  it("is the newest of its partitions, `*` and the floor", () => {
    expect(versionOf(versions, ["lang:fr"])).toBe(`p${(20).toString(36)}`);
    expect(versionOf(versions, ["lang:ko"])).toBe(`p${(10).toString(36)}`);
    expect(versionOf(versions, ["all"])).toBe(`p${(40).toString(36)}`);
    expect(versionOf(v({}), ["all"])).toBe("p0");
  });

  it("moves for the answers a change touched, and only for them", () => {
    // An English refresh: every version it bumps is above every existing one.
    const after = { ...versions, parts: { ...versions.parts, all: 41, "lang:en": 41, "src:s": 41 } };
    expect(versionOf(after, ["lang:fr"])).toBe(versionOf(versions, ["lang:fr"]));
    expect(versionOf(after, ["lang:en"])).not.toBe(versionOf(versions, ["lang:en"]));
    expect(versionOf(after, ["all"])).not.toBe(versionOf(versions, ["all"]));
    expect(versionOf(after, ["lang:fr", "lang:en"])).not.toBe(versionOf(versions, ["lang:fr", "lang:en"]));
  });
});

describe("what a change retires", () => {
  it("is the languages and sources a refresh wrote in, all content, and the source list (its counts)", () => {
    expect(partitionsOf({ kind: "articles", stored: 2, languages: ["en"], sources: ["bbc"] })).toEqual(["all", "lang:en", "src:bbc", "sources"]);
    expect(partitionsOf({ kind: "articles", stored: 0, languages: [], sources: ["bbc"] })).toEqual([]);
    expect(partitionsOf({ kind: "articles", stored: 0, languages: [], sources: ["bbc"], health: 1 })).toEqual(["sources"]);
  });

  it("is everything when the writer does not say where, or a source or the index changed", () => {
    expect(partitionsOf({ kind: "articles", stored: 1 })).toEqual(["*"]);
    expect(partitionsOf({ kind: "source-updated", id: "x", fields: ["name"] })).toEqual(["*"]);
    expect(partitionsOf({ kind: "source-updated", id: "x", fields: ["enabled"] })).toEqual(["sources"]);
    expect(partitionsOf({ kind: "source-updated", id: "x", fields: [] })).toEqual([]);
    expect(partitionsOf({ kind: "source-created", id: "x" })).toEqual(["sources"]);
    expect(partitionsOf({ kind: "sources-imported", updated: 0, added: 2 })).toEqual(["sources"]);
    expect(partitionsOf({ kind: "sources-imported", updated: 1, added: 0 })).toEqual(["*"]);
    expect(partitionsOf({ kind: "search-index" })).toEqual(["*"]);
  });

  it("of a run is the union of its sources' changes", () => {
    const run = combined([
      { kind: "articles", stored: 1, languages: ["en"], sources: ["a"] },
      { kind: "articles", stored: 0, languages: [], sources: ["b"] },
      { kind: "articles", stored: 3, languages: ["fr", "en"], sources: ["c"] },
    ]);
    expect(partitionsOf(run)).toEqual(["all", "lang:en", "lang:fr", "src:a", "src:c", "sources"]);
  });
});
