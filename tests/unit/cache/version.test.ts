import { describe, expect, it, vi } from "vitest";
import { VERSION_TTL_MS } from "../../../src/cache/keys";
import { bumpContentVersion, contentVersion as readVersion } from "../../../src/cache/version";

/** A KV stand-in that counts reads, so the tests can see when the isolate goes to KV. */
function fakeKv(initial: string | null) {
  let value = initial;
  const kv = {
    reads: 0,
    set: (v: string) => void (value = v),
    async get() {
      kv.reads++;
      return value;
    },
    async put(_key: string, v: string) {
      value = v;
    },
  };
  return kv;
}
const asKv = (kv: ReturnType<typeof fakeKv>) => kv as unknown as KVNamespace;
const contentVersion = async (kv: KVNamespace, now: number) => (await readVersion(kv, now)).version;

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

describe("the content version", () => {
  it("is read from KV at most once per TTL, so cache hits cost no KV read", async () => {
    const kv = fakeKv("abc");
    const start = later();
    expect(await contentVersion(asKv(kv), start)).toBe("abc");
    expect(await contentVersion(asKv(kv), start + VERSION_TTL_MS - 1)).toBe("abc");
    expect(kv.reads).toBe(1);
    kv.set("abd");
    expect(await contentVersion(asKv(kv), start + VERSION_TTL_MS)).toBe("abd");
    expect(kv.reads).toBe(2);
  });

  it('is "0" before any refresh', async () => {
    expect(await contentVersion(asKv(fakeKv(null)), later())).toBe("0");
  });

  it("changes at once in the isolate that bumps it, with no KV read", async () => {
    const kv = fakeKv("abc");
    const now = later();
    await contentVersion(asKv(kv), now);
    const bumped = await bumpContentVersion(asKv(kv), now + 1);
    expect(bumped).not.toBe("abc");
    expect(await contentVersion(asKv(kv), now + 2)).toBe(bumped);
    expect(kv.reads).toBe(1);
  });

  it("gives two bumps in the same millisecond different versions", async () => {
    const kv = fakeKv(null);
    const now = later();
    const first = await bumpContentVersion(asKv(kv), now);
    expect(await bumpContentVersion(asKv(kv), now)).not.toBe(first);
  });

  it("does not fall back to an older version that KV has not yet replaced here", async () => {
    const kv = fakeKv("0");
    const now = later();
    const bumped = await bumpContentVersion(asKv(kv), now);
    kv.set((now - 60_000).toString(36)); // this location's KV copy still shows an older bump
    expect(await contentVersion(asKv(kv), now + VERSION_TTL_MS)).toBe(bumped);
    const newer = (now + 10).toString(36); // another isolate bumped after us
    kv.set(newer);
    expect(await contentVersion(asKv(kv), now + 2 * VERSION_TTL_MS)).toBe(newer);
  });

  it("keeps the version it knew while KV fails, and says so", async () => {
    const now = later();
    expect(await contentVersion(asKv(fakeKv("abc")), now)).toBe("abc");
    const broken = brokenKv("error");
    expect(await readVersion(broken, now + VERSION_TTL_MS)).toEqual({ version: "abc", fault: "kv-error" });
    // The failure is remembered for a TTL like a value: a failing KV is not asked on every request.
    await readVersion(broken, now + VERSION_TTL_MS + 1);
    expect(broken.reads).toBe(1);
  });

  it("gives up on a KV read that does not answer", async () => {
    expect(await readVersion(brokenKv("hang"), later())).toMatchObject({ fault: "kv-timeout" });
  });

  it("is unknown when KV fails before any version was read", async () => {
    vi.resetModules();
    const fresh = await import("../../../src/cache/version");
    expect(await fresh.contentVersion(brokenKv("error"), later())).toEqual({ version: null, fault: "kv-error" });
  });
});
