import { describe, expect, it } from "vitest";
import { sharedKeys } from "../../../src/cache/keys";

const url = (s: string, origin = "https://news.example.org") => new URL(s, origin);

describe("shared cache keys", () => {
  it("share one entry between equivalent orderings of the query", async () => {
    const a = await sharedKeys("en", url("/api/v1/articles?lang=fr&page=2"));
    const b = await sharedKeys("en", url("/api/v1/articles?page=2&lang=fr"));
    expect(b).toEqual(a);
    expect(a.kv).toBe("resp:en:https://news.example.org/api/v1/articles?lang=fr&page=2");
  });

  it("separate locales, origins and repeated parameter values", async () => {
    const base = await sharedKeys("en", url("/api/v1/articles?lang=fr"));
    const others = await Promise.all([
      sharedKeys("ar", url("/api/v1/articles?lang=fr")),
      sharedKeys("en", url("/api/v1/articles?lang=fr&lang=en")),
      sharedKeys("en", url("/api/v1/articles?lang=fr", "https://mirror.example.net")),
    ]);
    for (const keys of others) {
      expect(keys.kv).not.toBe(base.kv);
      expect(keys.edge).not.toBe(base.edge);
    }
  });

  it("bound the keys of very long addresses to what KV accepts", async () => {
    const long = url(`/api/v1/search?q=${"école ".repeat(200)}`);
    const keys = await sharedKeys("fr", long);
    expect(new TextEncoder().encode(keys.kv).length).toBeLessThanOrEqual(512);
    expect(keys.kv).toMatch(/^resp:fr:#[0-9a-f]{64}$/);
    expect(new URL(keys.edge).origin).toBe("https://news.example.org");
    expect(await sharedKeys("fr", long)).toEqual(keys);
    const elsewhere = await sharedKeys("fr", url(`/api/v1/search?q=${"école ".repeat(200)}`, "https://mirror.example.net"));
    expect(elsewhere.kv).not.toBe(keys.kv);
  });
});
