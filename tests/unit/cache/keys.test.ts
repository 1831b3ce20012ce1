import { describe, expect, it } from "vitest";
import { responseKey, sharedKeys } from "../../../src/cache/keys";

const url = (s: string) => new URL(s, "https://news.example.org");

describe("cache keys", () => {
  it("share one entry between equivalent orderings of the query", () => {
    expect(responseKey("v1", "en", url("/api/v1/articles?lang=fr&page=2"))).toBe(responseKey("v1", "en", url("/api/v1/articles?page=2&lang=fr")));
  });

  it("separate versions, locales and repeated parameter values", () => {
    const base = responseKey("v1", "en", url("/api/v1/articles?lang=fr"));
    expect(responseKey("v2", "en", url("/api/v1/articles?lang=fr"))).not.toBe(base);
    expect(responseKey("v1", "ar", url("/api/v1/articles?lang=fr"))).not.toBe(base);
    expect(responseKey("v1", "en", url("/api/v1/articles?lang=fr&lang=en"))).not.toBe(base);
  });

  it("bound the shared keys of very long addresses to what KV accepts", async () => {
    const long = url(`/api/v1/search?q=${"école ".repeat(200)}`);
    const keys = await sharedKeys("lz3abc", "fr", long);
    expect(new TextEncoder().encode(keys.kv).length).toBeLessThanOrEqual(512);
    expect(keys.kv).toMatch(/^resp:lz3abc:fr:\/#[0-9a-f]{64}$/);
    expect(new URL(keys.edge).origin).toBe("https://news.example.org");
    expect(await sharedKeys("lz3abc", "fr", long)).toEqual(keys);
    expect((await sharedKeys("lz3abc", "fr", url("/api/v1/articles?page=2"))).kv).toBe("resp:lz3abc:fr:/api/v1/articles?page=2");
  });
});
