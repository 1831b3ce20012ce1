import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { RefreshRunReport } from "../../src/domain";
import { addSource, refreshNow } from "../support/worker";

/** Every quirk fixture, served by the loopback upstream, through the whole refresh pipeline. */
const QUIRKS = [
  "atom-03.xml", "atom-xhtml.atom", "bare-ampersands.rss", "billion-laughs.xml", "cs-windows-1250-undeclared.xml",
  "fr-declared-utf8-actually-1252.xml", "html-entities.rss", "ja-shift_jis.xml", "jsonfeed-10.json", "jsonfeed-11.json",
  "ko-euc-kr.xml", "localized-dates.rss", "php-warning-before-root.rss", "pl-iso-8859-2.xml", "relative-links.rss",
  "rss-091.xml", "rss-10.rdf", "rss-namespaces.rss", "ru-koi8r-undeclared.xml", "ru-windows-1251.xml", "truncated.rss",
  "two-digit-years.rss", "unclosed-tags.rss", "utf16be-no-bom.xml", "utf16le-bom.xml", "whitespace-before-declaration.rss",
  "xml-base-levels.atom", "zh-big5-undeclared.xml", "zh-gbk.xml",
];
const idOf = (file: string) => `q-${file.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`.slice(0, 64);

let first: RefreshRunReport;

beforeAll(async () => {
  for (const file of QUIRKS) await addSource(idOf(file), `/quirks/${file}`);
  first = (await refreshNow()).report;
}, 60_000);

const titles = async (file: string) =>
  (await env.DB.prepare("SELECT title FROM articles WHERE source_id = ? ORDER BY published_at DESC").bind(idOf(file)).all<{ title: string }>()).results.map((r) => r.title);

describe("real-world feed quirks through the whole pipeline", () => {
  it("ingests every quirk fixture, each source with its own recorded outcome", () => {
    expect(first.sources).toHaveLength(QUIRKS.length);
    const failed = first.sources.filter((s) => s.status !== "ok");
    expect(failed, JSON.stringify(failed)).toEqual([]);
    for (const s of first.sources) expect(s.new, s.id).toBeGreaterThan(0);
  });

  it("stores legacy-encoded text as correct UTF-8, labelled or not", async () => {
    expect(await titles("ru-windows-1251.xml")).toContain("Ёлки на Красной площади установят к декабрю");
    expect(await titles("ru-koi8r-undeclared.xml")).toContain("Новый мост через Волгу открыт для движения");
    expect(await titles("ja-shift_jis.xml")).toContain("東京で初雪を観測しました");
    expect(await titles("zh-gbk.xml")).toContain("北京发布最新经济政策");
    expect(await titles("zh-big5-undeclared.xml")).toContain("台北市政府發布最新的交通政策");
    expect(await titles("ko-euc-kr.xml")).toContain("서울시는 새로운 교통 정책을 발표했습니다");
    expect(await titles("pl-iso-8859-2.xml")).toContain("Zażółć gęślą jaźń: święto w Łodzi");
    expect(await titles("cs-windows-1250-undeclared.xml")).toContain("Příliš žluťoučký kůň úpěl ďábelské ódy");
    expect(await titles("fr-declared-utf8-actually-1252.xml")).toContain("Élection : les résultats du deuxième tour à Besançon");
  });

  it("takes the language from the feed and detects it where nothing declares it", async () => {
    const langs = await env.DB.prepare("SELECT DISTINCT language FROM articles WHERE source_id IN (?, ?, ?)")
      .bind(idOf("ru-koi8r-undeclared.xml"), idOf("zh-big5-undeclared.xml"), idOf("ko-euc-kr.xml"))
      .all<{ language: string }>();
    expect(langs.results.map((r) => r.language).sort()).toEqual(["ko", "ru", "zh"]);
  });

  it("makes every stored link absolute and every stored date a UTC timestamp", async () => {
    const rows = await env.DB.prepare("SELECT url, published_at, content_html FROM articles WHERE source_id LIKE 'q-%'").all<{ url: string | null; published_at: string; content_html: string }>();
    for (const r of rows.results) {
      if (r.url) expect(r.url).toMatch(/^https?:\/\//);
      expect(r.published_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      for (const [, href] of r.content_html.matchAll(/(?:href|src)="([^"]*)"/g)) expect(href).toMatch(/^(https?|mailto):/);
    }
  });

  it("a second refresh of unchanged feeds adds nothing and updates nothing", async () => {
    const before = (await env.DB.prepare("SELECT count(*) AS n FROM articles").first<{ n: number }>())!.n;
    const { report } = await refreshNow();
    for (const s of report.sources) {
      expect(["ok", "not_modified"], s.id).toContain(s.status);
      expect(s.new + s.updated, s.id).toBe(0);
    }
    expect((await env.DB.prepare("SELECT count(*) AS n FROM articles").first<{ n: number }>())!.n).toBe(before);
  });
});
