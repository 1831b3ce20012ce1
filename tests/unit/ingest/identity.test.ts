import { describe, expect, it } from "vitest";
import { articleId, canonicalUrl, dedupeKey, slugify, storyGroup } from "../../../src/ingest/identity";
import { detectLanguage, normalizeLanguageTag } from "../../../src/ingest/language";
import { nextFetchAfterError, nextFetchAfterSuccess } from "../../../src/ingest/schedule";
import { checkUpstreamUrl } from "../../../src/ingest/upstream-url";

describe("item identity", () => {
  it("prefers the GUID, then the canonical link, then a content hash", async () => {
    expect(await dedupeKey({ guid: " g-1 ", url: "https://a.example/x", title: "t", content: "c" })).toBe("guid:g-1");
    expect(await dedupeKey({ guid: null, url: "https://A.example/x?utm_source=rss#top", title: "t", content: "c" })).toBe("url:https://a.example/x");
    const hashed = await dedupeKey({ guid: null, url: null, title: "t", content: "c" });
    expect(hashed).toMatch(/^hash:[0-9a-f]{32}$/);
    expect(await dedupeKey({ guid: null, url: null, title: "t", content: "c" })).toBe(hashed);
  });

  it("derives a stable 16-hex id per source and key", async () => {
    const id = await articleId("un-news-en", "guid:1");
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(await articleId("un-news-en", "guid:1")).toBe(id);
    expect(await articleId("un-news-fr", "guid:1")).not.toBe(id);
  });

  it("gives reciprocal translations the same story group", async () => {
    const en = await storyGroup("https://n.example/en/s1", ["https://n.example/fr/s1", "https://n.example/ar/s1"]);
    const fr = await storyGroup("https://n.example/fr/s1", ["https://n.example/en/s1", "https://n.example/ar/s1"]);
    expect(en).toBe(fr);
    expect(await storyGroup("https://n.example/en/s2", [])).toBe(await storyGroup("https://n.example/en/s2#top", []));
    expect(await storyGroup("https://n.example/en/s2", [])).not.toBe(en);
    expect(await storyGroup(null, [])).toBeNull();
  });

  it("slugifies titles in any script", () => {
    expect(slugify("Éducation : un nouveau guide!")).toBe("éducation-un-nouveau-guide");
    expect(slugify("推进教育公平")).toBe("推进教育公平");
    expect(slugify("التعليم للجميع")).toBe("التعليم-للجميع");
    expect(slugify("!!!")).toBe("article");
    expect(canonicalUrl("https://x.example/a?gclid=1&b=2")).toBe("https://x.example/a?b=2");
  });
});

describe("content language", () => {
  it("normalizes tags to the primary subtag", () => {
    expect(normalizeLanguageTag("zh-Hans")).toBe("zh");
    expect(normalizeLanguageTag("en_US")).toBe("en");
    expect(normalizeLanguageTag("bogus tag")).toBeNull();
  });

  it("detects the language from the script when nothing declares it", () => {
    expect(detectLanguage("Генеральный секретарь ООН призвал")).toBe("ru");
    expect(detectLanguage("الأمين العام للأمم المتحدة")).toBe("ar");
    expect(detectLanguage("联合国秘书长呼吁各国")).toBe("zh");
    expect(detectLanguage("유엔 사무총장은 각국에")).toBe("ko");
    expect(detectLanguage("国連事務総長は各国に呼びかけた")).toBe("ja");
    expect(detectLanguage("Le secrétaire général a appelé les pays et les écoles")).toBe("fr");
    expect(detectLanguage("The Secretary-General called on the countries of the world")).toBe("en");
  });
});

describe("refresh schedule", () => {
  const now = Date.parse("2026-11-28T12:00:00Z");
  it("waits the normal interval, longer when the publisher asks, capped", () => {
    expect(nextFetchAfterSuccess(now, { ttlMinutes: null, maxAgeSeconds: null })).toBe("2026-11-28T12:15:00Z");
    expect(nextFetchAfterSuccess(now, { ttlMinutes: 60, maxAgeSeconds: 30 })).toBe("2026-11-28T13:00:00Z");
    expect(nextFetchAfterSuccess(now, { ttlMinutes: 100000, maxAgeSeconds: null })).toBe("2026-11-28T18:00:00Z");
  });
  it("backs off exponentially on errors, honours Retry-After, never beyond a day", () => {
    expect(nextFetchAfterError(now, 1, null)).toBe("2026-11-28T12:15:00Z");
    expect(nextFetchAfterError(now, 3, null)).toBe("2026-11-28T13:00:00Z");
    expect(nextFetchAfterError(now, 1, 7200)).toBe("2026-11-28T14:00:00Z");
    expect(nextFetchAfterError(now, 50, null)).toBe("2026-11-29T12:00:00Z");
  });
});

describe("upstream URL policy", () => {
  it("refuses non-http schemes and private hosts unless allowed", () => {
    expect(checkUpstreamUrl("https://news.un.org/feed/en.xml", false).ok).toBe(true);
    for (const url of ["ftp://a.example/f", "file:///etc/passwd", "http://127.0.0.1:8080/f", "http://localhost/f", "http://10.1.2.3/f", "http://192.168.0.1/f", "http://[::1]/f", "http://169.254.169.254/latest", "http://intranet/f", "https://user:pw@a.example/f"]) {
      expect(checkUpstreamUrl(url, false).ok, url).toBe(false);
    }
    expect(checkUpstreamUrl("http://127.0.0.1:8080/f", true).ok).toBe(true);
  });
});
