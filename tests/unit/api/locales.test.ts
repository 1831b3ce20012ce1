import { describe, expect, it } from "vitest";
import { fromAcceptLanguage, resolveLocale } from "../../../src/i18n/locales";
import { paginate } from "../../../src/http/pagination";

describe("locale negotiation", () => {
  it("takes path, then ?locale=, then Accept-Language, then en", () => {
    expect(resolveLocale("ru", "fr", "ar")).toEqual({ locale: "ru", fromHeader: false });
    expect(resolveLocale(null, "fr", "ar")).toEqual({ locale: "fr", fromHeader: false });
    expect(resolveLocale(null, "xx", "ar-EG,en;q=0.5")).toEqual({ locale: "ar", fromHeader: true });
    expect(resolveLocale(null, null, null)).toEqual({ locale: "en", fromHeader: false });
  });
  it("weighs Accept-Language and matches on the primary subtag", () => {
    expect(fromAcceptLanguage("de-DE, ko;q=0.8, zh-Hans;q=0.9")).toBe("zh");
    expect(fromAcceptLanguage("de, pt")).toBeNull();
    expect(fromAcceptLanguage("fr;q=abc, es;q=0.1")).toBe("es");
  });
});

describe("pagination", () => {
  it("builds links that keep the query and an RFC 8288 Link header", () => {
    const url = new URL("https://api.example/api/v1/articles?lang=ru&page=2&per_page=10");
    const { meta, links, linkHeader } = paginate({ items: [], total: 158, page: 2, perPage: 10 }, url);
    expect(meta).toEqual({ page: 2, per_page: 10, total: 158, total_pages: 16 });
    expect(links.prev).toBe("https://api.example/api/v1/articles?lang=ru&per_page=10");
    expect(links.last).toBe("https://api.example/api/v1/articles?lang=ru&page=16&per_page=10");
    expect(linkHeader.split(", ")).toHaveLength(4);
  });
  it("reports one page for an empty result", () => {
    const { meta, links } = paginate({ items: [], total: 0, page: 1, perPage: 10 }, new URL("https://a.example/x"));
    expect(meta.total_pages).toBe(1);
    expect(links.next).toBeNull();
  });
});
