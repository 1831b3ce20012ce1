import { describe, expect, it } from "vitest";
import { decodeEntry, encodeEntry, entryFrom } from "../../../src/cache/entry";

describe("cached entries", () => {
  it("keep the replayed headers and the exact body bytes through encoding", () => {
    const body = new TextEncoder().encode('{"title":"Ёлка\\n🎄"}\nsecond line');
    const headers = new Headers({ "content-type": "application/json", etag: '"abc"', link: '<https://x.test/?page=2>; rel="next"', "set-cookie": "a=b", "x-d1-bookmark": "0-1" });
    const entry = entryFrom(1_796_000_000_123, headers, body);
    const decoded = decodeEntry(encodeEntry(entry));
    expect(decoded?.version).toBe(1_796_000_000_123);
    expect(decoded?.headers).toEqual([
      ["content-type", "application/json"],
      ["etag", '"abc"'],
      ["link", '<https://x.test/?page=2>; rel="next"'],
    ]);
    expect(new TextDecoder().decode(decoded!.body)).toBe('{"title":"Ёлка\\n🎄"}\nsecond line');
  });

  it("treats bytes it did not write as a miss", () => {
    const bytes = (s: string) => new TextEncoder().encode(s);
    expect(decodeEntry(bytes("plain old body"))).toBeNull();
    expect(decodeEntry(bytes("{not json}\nbody"))).toBeNull();
    expect(decodeEntry(bytes('[["only-one"]]\nbody'))).toBeNull();
    expect(decodeEntry(bytes('{"headers":[]}\nbody'))).toBeNull();
    // The format before entries carried their version: a miss, rebuilt under the new one.
    expect(decodeEntry(bytes('[["content-type","text/plain"]]\nbody'))).toBeNull();
    expect(decodeEntry(bytes('{"v":"p1","h":[]}\nbody'))).toBeNull();
  });
});
