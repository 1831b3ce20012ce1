import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeFeedBody } from "../../../src/ingest/decode";
import { parseQuirk, quirkBytes, utf16 } from "./quirk-fixtures";

const utf8 = (s: string) => new TextEncoder().encode(s);

describe("decodeFeedBody: byte order marks and UTF-16", () => {
  it("strips a UTF-8 BOM even when HTTP claims another charset", () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8("<rss>Привет</rss>")]);
    expect(decodeFeedBody(bytes, "text/xml; charset=windows-1251")).toBe("<rss>Привет</rss>");
  });

  it("decodes UTF-16LE and UTF-16BE with a BOM", () => {
    const text = '<?xml version="1.0" encoding="utf-16"?><rss>日本 Ελλάδα</rss>';
    expect(decodeFeedBody(utf16(text, "le", true), null)).toBe(text);
    expect(decodeFeedBody(utf16(text, "be", true), "application/xml; charset=utf-8")).toBe(text);
  });

  it("recognizes UTF-16 without a BOM from the zero bytes around '<?xml'", () => {
    const text = '<?xml version="1.0"?><feed>Київ</feed>';
    expect(decodeFeedBody(utf16(text, "le", false), null)).toBe(text);
    expect(decodeFeedBody(utf16(text, "be", false), null)).toBe(text);
  });
});

describe("decodeFeedBody: labels versus the bytes", () => {
  it("keeps valid UTF-8 even when HTTP says iso-8859-1", () => {
    expect(decodeFeedBody(utf8("<rss><title>Élection à Paris</title></rss>"), "text/xml; charset=ISO-8859-1")).toBe(
      "<rss><title>Élection à Paris</title></rss>",
    );
  });

  it("does not give up on UTF-8 when the body was cut inside a multi-byte character", () => {
    const bytes = utf8("<rss><title>Снег М");
    const cut = bytes.subarray(0, bytes.length - 1); // first byte of the two-byte "М" only
    expect(decodeFeedBody(cut, null)).toBe("<rss><title>Снег ");
  });

  it("keeps UTF-8 that has one stray Windows byte instead of re-reading everything as Latin-1", () => {
    const before = utf8("<rss><title>Don’t miss: Zürich, Łódź, Москва, 東京</title><description>It");
    const after = utf8("s here — “quoted”</description></rss>");
    const bytes = new Uint8Array([...before, 0x92, ...after]);
    const text = decodeFeedBody(bytes, "text/xml; charset=iso-8859-1");
    expect(text).toBe("<rss><title>Don’t miss: Zürich, Łódź, Москва, 東京</title><description>It\ufffds here — “quoted”</description></rss>");
  });

  it("recognizes 7-bit ISO-2022-JP by its escape sequences", () => {
    const jis = [0x1b, 0x24, 0x42, 0x46, 0x7c, 0x4b, 0x5c, 0x1b, 0x28, 0x42]; // ESC $ B 日本 ESC ( B
    const bytes = new Uint8Array([...utf8("<rss><title>"), ...jis, ...utf8("</title></rss>")]);
    expect(decodeFeedBody(bytes, null)).toBe("<rss><title>日本</title></rss>");
  });

  it("treats 7-bit input as ASCII whatever the label", () => {
    expect(decodeFeedBody(utf8("<rss>plain</rss>"), "text/xml; charset=koi8-r")).toBe("<rss>plain</rss>");
  });

  it("prefers the XML declaration (windows-1251) over a wrong HTTP charset", async () => {
    const bytes = await quirkBytes("ru-windows-1251.xml");
    const text = decodeFeedBody(bytes, "text/xml; charset=iso-8859-1");
    expect(text).toContain("<title>Снег в Москве: движение затруднено</title>");
    expect(text).toContain("Ёлки на Красной площади");
  });

  it("sniffs KOI8-R when there is no declaration and HTTP says iso-8859-1", async () => {
    const text = decodeFeedBody(await quirkBytes("ru-koi8r-undeclared.xml"), "text/xml; charset=iso-8859-1");
    expect(text).toContain("Новый мост через Волгу открыт для движения");
  });

  it("overrides a UTF-8 declaration that the bytes contradict", async () => {
    const text = decodeFeedBody(await quirkBytes("fr-declared-utf8-actually-1252.xml"), null);
    expect(text).toContain("Élection : les résultats du deuxième tour à Besançon");
    expect(text).toContain("Crème brûlée et œufs en meurette à l’honneur.");
  });
});

describe("decodeFeedBody: UTF-8 round trip", () => {
  it("returns any string encoded as UTF-8 unchanged", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (s) => {
        const text = `<rss>${s}</rss>`;
        expect(decodeFeedBody(utf8(text), "text/xml; charset=iso-8859-1")).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});

describe("legacy encodings end to end (fixtures parsed without mojibake)", () => {
  const cases: [string, string | null, string, string][] = [
    ["ru-windows-1251.xml", "text/xml; charset=iso-8859-1", "Новости дня", "Снег в Москве: движение затруднено"],
    ["ru-koi8r-undeclared.xml", "text/xml; charset=iso-8859-1", "Вести регионов", "Новый мост через Волгу открыт для движения"],
    ["ja-shift_jis.xml", null, "日本のニュース", "東京で初雪を観測しました"],
    ["zh-gbk.xml", "application/rss+xml; charset=gb2312", "中国新闻网", "北京发布最新经济政策"],
    ["zh-big5-undeclared.xml", null, "台灣新聞", "台北市政府發布最新的交通政策"],
    ["ko-euc-kr.xml", null, "한국 뉴스", "서울시는 새로운 교통 정책을 발표했습니다"],
    ["pl-iso-8859-2.xml", "text/xml", "Wiadomości z Polski", "Zażółć gęślą jaźń: święto w Łodzi"],
    ["cs-windows-1250-undeclared.xml", null, "Zprávy z Česka", "Příliš žluťoučký kůň úpěl ďábelské ódy"],
    ["fr-declared-utf8-actually-1252.xml", "text/xml; charset=utf-8", "Actualités françaises", "Élection : les résultats du deuxième tour à Besançon"],
    ["utf16le-bom.xml", "text/xml; charset=utf-8", "Ειδήσεις", "Καλημέρα από την Αθήνα"],
    ["utf16be-no-bom.xml", null, "Новини України", "Київ святкує День міста"],
  ];
  it.each(cases)("%s", async (file, contentType, feedTitle, firstTitle) => {
    const feed = await parseQuirk(file, contentType);
    expect(feed.title).toBe(feedTitle);
    expect(feed.items[0]?.title).toBe(firstTitle);
    expect(feed.items.every((i) => !i.title?.includes("\ufffd"))).toBe(true);
  });

  it("keeps the GBK-only character of a feed labelled GB2312", async () => {
    const feed = await parseQuirk("zh-gbk.xml");
    expect(feed.items[0]?.summaryHtml).toBe("朱镕基时代的改革经验再次受到关注。");
  });
});
