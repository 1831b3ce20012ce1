import { describe, expect, it } from "vitest";
import { sharedKeys } from "../../../src/cache/keys";

const url = (s: string, origin = "https://news.example.org") => new URL(s, origin);

describe("shared cache keys", () => {
  it("share one entry between equivalent orderings of the query", async () => {
    const a = await sharedKeys("v1", "en", url("/api/v1/articles?lang=fr&page=2"));
    const b = await sharedKeys("v1", "en", url("/api/v1/articles?page=2&lang=fr"));
    expect(b).toEqual(a);
    expect(a.kv).toBe("resp:v1:en:https://news.example.org/api/v1/articles?lang=fr&page=2");
  });

  it("separate versions, locales, origins and repeated parameter values", async () => {
    const base = await sharedKeys("v1", "en", url("/api/v1/articles?lang=fr"));
    const others = await Promise.all([
      sharedKeys("v2", "en", url("/api/v1/articles?lang=fr")),
      sharedKeys("v1", "ar", url("/api/v1/articles?lang=fr")),
      sharedKeys("v1", "en", url("/api/v1/articles?lang=fr&lang=en")),
      sharedKeys("v1", "en", url("/api/v1/articles?lang=fr", "https://mirror.example.net")),
    ]);
    for (const keys of others) {
      expect(keys.kv).not.toBe(base.kv);
      expect(keys.edge).not.toBe(base.edge);
    }
  });

  it("bound the keys of very long addresses to what KV accepts", async () => {
    const long = url(`/api/v1/search?q=${"école ".repeat(200)}`);
    const keys = await sharedKeys("lz3abc", "fr", long);
    expect(new TextEncoder().encode(keys.kv).length).toBeLessThanOrEqual(512);
    expect(keys.kv).toMatch(/^resp:lz3abc:fr:#[0-9a-f]{64}$/);
    expect(new URL(keys.edge).origin).toBe("https://news.example.org");
    expect(await sharedKeys("lz3abc", "fr", long)).toEqual(keys);
    const elsewhere = await sharedKeys("lz3abc", "fr", url(`/api/v1/search?q=${"école ".repeat(200)}`, "https://mirror.example.net"));
    expect(elsewhere.kv).not.toBe(keys.kv);
  });
});
