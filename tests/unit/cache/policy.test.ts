import { describe, expect, it } from "vitest";
import { keyCoversVary, negotiatesLocale, notModified, servedFromCache, withoutUnknownParams } from "../../../src/cache/policy";

const known = new Set(["page", "lang", "q"]);

describe("the serving policy", () => {
  it("drops the query parameters a route does not read, keeping the order of the rest", () => {
    const url = new URL("https://news.example.org/api/v1/search?utm_source=x&q=flood&lang=fr&fbclid=1&lang=en");
    expect(withoutUnknownParams(url, known)?.href).toBe("https://news.example.org/api/v1/search?q=flood&lang=fr&lang=en");
    expect(withoutUnknownParams(new URL("https://news.example.org/api/v1/search?q=flood&page=2"), known)).toBeNull();
  });

  it("negotiates the locale from Accept-Language for the API only", () => {
    expect(negotiatesLocale("https://news.example.org/api/v1/articles")).toBe(true);
    expect(negotiatesLocale("https://news.example.org/fr/?q=/api/")).toBe(false);
    expect(negotiatesLocale("https://news.example.org/feeds/en.rss")).toBe(false);
  });

  it("keeps in memory only answers whose Vary its key covers", () => {
    expect(keyCoversVary("Accept-Encoding", false)).toBe(true);
    expect(keyCoversVary("Accept-Language", false)).toBe(false);
    expect(keyCoversVary("accept-language, accept-encoding", true)).toBe(true);
    expect(keyCoversVary("Cookie", true)).toBe(false);
  });

  it("compares entity tags weakly for If-None-Match", () => {
    expect(notModified('"a"', 'W/"a"')).toBe(true);
    expect(notModified('"a"', '"b", "a"')).toBe(true);
    expect(notModified('"a"', "*")).toBe(true);
    expect(notModified('"a"', '"b"')).toBe(false);
    expect(notModified(null, '"a"')).toBe(false);
  });

  it("names the routes the response cache answers", () => {
    for (const path of ["/api/v1/articles", "/api/v1/articles/0123456789abcdef", "/api/v1/search", "/api/v1/sources", "/feeds/en.rss", "/ko/", "/fr/search"]) expect(servedFromCache("GET", path), path).toBe(true);
    for (const path of ["/api/v1/sources/import", "/api/v1/locales", "/healthz", "/api/docs", "/", "/xx/"]) expect(servedFromCache("GET", path), path).toBe(false);
    expect(servedFromCache("POST", "/api/v1/articles")).toBe(false);
  });
});
