import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lastReachablePage, MAX_RESULT_DEPTH, paginate } from "../../../src/http/pagination";

describe("paginate", () => {
  const url = new URL("https://api.example.org/api/v1/articles?lang=en&page=3");

  it("keeps the exact total but stops pages and links at the deepest page that may be requested", () => {
    const { meta, links, linkHeader } = paginate({ items: [], total: 1_000_000, page: 3, perPage: 10 }, url);
    expect(meta).toEqual({ page: 3, per_page: 10, total: 1_000_000, total_pages: MAX_RESULT_DEPTH / 10 });
    expect(links.last).toBe("https://api.example.org/api/v1/articles?lang=en&page=1000");
    expect(linkHeader).toContain('page=1000>; rel="last"');
  });

  it("offers no next link from the deepest page", () => {
    const { links } = paginate({ items: [], total: 50_000, page: 100, perPage: 100 }, url);
    expect(links.next).toBeNull();
    expect(links.prev).toBe("https://api.example.org/api/v1/articles?lang=en&page=99");
  });

  it("counts every page of a result within the depth", () => {
    expect(paginate({ items: [], total: 95, page: 1, perPage: 10 }, url).meta.total_pages).toBe(10);
    expect(lastReachablePage(7)).toBe(1428);
    expect(lastReachablePage(100)).toBe(100);
  });

  it("writes each link as a copy of the request URL with its page set would read", () => {
    const pair = fc.tuple(fc.constantFrom("page", "lang", "q", "per_page", "ä b", "&", ""), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 5 }), fc.integer({ min: 1, max: 30 }), (params, page) => {
        const request = new URL("https://api.example.org/api/v1/search");
        for (const [name, value] of params) request.searchParams.append(name, value);
        const viaCopy = (n: number) => {
          const copy = new URL(request);
          if (n === 1) copy.searchParams.delete("page");
          else copy.searchParams.set("page", String(n));
          return copy.href;
        };
        const { links } = paginate({ items: [], total: 300, page, perPage: 10 }, new URL(request.href));
        expect(links.self).toBe(viaCopy(page));
        expect(links.first).toBe(viaCopy(1));
        expect(links.last).toBe(viaCopy(30));
        expect(links.prev).toBe(page > 1 ? viaCopy(page - 1) : null);
      }),
    );
  });
});
