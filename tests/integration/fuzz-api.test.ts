import { SELF } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { addSource, runCron } from "../support/worker";

const ENDPOINTS = [
  "/api/v1/articles",
  "/api/v1/search",
  "/api/v1/sources",
  "/api/v1/locales",
  "/api/v1/openapi.json",
  "/feeds/en.rss",
  "/feeds/ar.atom",
  "/feeds/zh.json",
  "/healthz",
  "/api/docs",
];
const KEYS = ["page", "per_page", "lang", "source", "from", "to", "locale", "q", "sort", "limit", "purge", "force", "", "__proto__", "constructor", "page[]"];

const awkwardValue = fc.oneof(
  fc.constantFrom("0", "-1", "1", "2.5", "1e3", "1e309", "NaN", "Infinity", "0x10", " 3 ", "99999999999999999999", "9".repeat(400), ""),
  fc.constantFrom("2026-02-30", "2026-11-31", "9999-99-99", "0000-00-00", "2026-11-01T00:00:00Z", "yesterday", "2026-1-1"),
  fc.constantFrom("en", "EN", "zh-Hans", "en,fr,,ar", ",".repeat(60), "xx", "ar", "relevance", "date", "DATE", "true", "un-news-en", "../etc", "a".repeat(70)),
  fc.constantFrom('"unclosed', "(a OR", "-", "NOT", "title:", "c++", "co-op", "教育*", "الكتاب", "\u0000", "\ud800", "😀", "'; DROP TABLE articles; --", "<script>"),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 600 }),
);
/** Fragments appended to the query string as they are, to test percent-decoding of junk. */
const rawFragment = fc.constantFrom("", "&%", "&q=%zz", "&q=%E0%A4%A", "&lang=%00", "&%FF%FE=1", "&page=1&page=2&page=x", "&&&", "&=", "&q");

const request = fc.record({
  path: fc.oneof(fc.constantFrom(...ENDPOINTS), fc.string({ unit: "grapheme", maxLength: 30 }).map((id) => `/api/v1/articles/${encodeURIComponent(id)}`)),
  params: fc.array(fc.tuple(fc.constantFrom(...KEYS), awkwardValue), { maxLength: 8 }),
  raw: rawFragment,
  acceptLanguage: fc.option(fc.oneof(fc.constantFrom("fr;q=abc", "*", "zh-TW, ar;q=0.9", ";;;,,,q=", "en;q=1e400"), fc.string({ maxLength: 60 })), { nil: undefined }),
  ifNoneMatch: fc.option(fc.constantFrom("*", '"abc"', "W/", '""', "garbage"), { nil: undefined }),
  bookmark: fc.option(fc.constantFrom("00000000-00000001-00000000-00000000000000000000000000000000", "zz", "-", "ffffffff-ffffffff"), { nil: undefined }),
});

/** Header values must be Latin-1 and free of line breaks to be sent at all. */
const headerSafe = (value: string) => value.replace(/[^\u0020-\u007e]/g, "?");

beforeAll(async () => {
  await addSource("edu-en", "/basic/en.xml");
  await addSource("edu-fr", "/basic/fr.atom");
  await runCron();
});

describe("any request a client can make to a public endpoint", () => {
  it("is answered without a server error, and every error is a problem naming its code", async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ path, params, raw, acceptLanguage, ifNoneMatch, bookmark }) => {
        const url = new URL(`http://app.test${path}`);
        for (const [key, value] of params) url.searchParams.append(key, value);
        const headers: Record<string, string> = {};
        if (acceptLanguage !== undefined) headers["accept-language"] = headerSafe(acceptLanguage);
        if (ifNoneMatch !== undefined) headers["if-none-match"] = ifNoneMatch;
        if (bookmark !== undefined) headers["x-d1-bookmark"] = bookmark;
        const target = `${url.href}${url.search ? raw : raw.replace(/^&/, "?")}`;
        const res = await SELF.fetch(target, { headers });
        const text = await res.text();
        expect(res.status, `${target} -> ${text.slice(0, 300)}`).toBeLessThan(500);
        expect([200, 304, 400, 404], target).toContain(res.status);
        if (res.status >= 400) {
          expect(res.headers.get("content-type"), target).toBe("application/problem+json; charset=utf-8");
          const problem = JSON.parse(text) as { status: number; code: string; errors?: { path: string; message: string }[] };
          expect(problem.status, target).toBe(res.status);
          expect(problem.code, target).toMatch(/^[a-z_]+$/);
          if (problem.errors) expect(problem.errors.length, target).toBeGreaterThan(0);
        }
      }),
      { numRuns: 250 },
    );
  });

  it("never fails on methods it does not support", async () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      for (const path of ["/api/v1/articles", "/api/v1/search", "/api/v1/locales", "/feeds/en.rss", "/api/docs"]) {
        const res = await SELF.fetch(`http://app.test${path}`, { method, body: method === "DELETE" ? undefined : "{}" });
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.get("allow"), `${method} ${path}`).toContain("GET");
      }
    }
  });
});
