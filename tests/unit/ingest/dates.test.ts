import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseFeedDate } from "../../../src/ingest/dates";

describe("parseFeedDate: RFC 822 and its real-world variants", () => {
  it.each([
    ["Wed, 26 Nov 2025 09:15:00 GMT", "2025-11-26T09:15:00Z"],
    ["Wed, 26 Nov 2025 09:15:00 +0100", "2025-11-26T08:15:00Z"],
    ["Wed, 26 Nov 2025 09:15:00 +01:00", "2025-11-26T08:15:00Z"],
    ["Wed, 26 Nov 2025 09:15 EST", "2025-11-26T14:15:00Z"],
    ["26 Nov 2025 09:15:00 PDT", "2025-11-26T16:15:00Z"],
    ["Mon, 26 Nov 2025 09:15:00 UT", "2025-11-26T09:15:00Z"],
    ["Wed, 26 Nov 25 09:15:00 GMT", "2025-11-26T09:15:00Z"],
    ["Fri, 31 Dec 99 23:59:59 GMT", "1999-12-31T23:59:59Z"],
    ["Wed, 26 Nov 2025 09:15:00 Z", "2025-11-26T09:15:00Z"],
    ["Wed, 26 Nov 2025 09:15:00 A", "2025-11-26T08:15:00Z"],
    ["Wed, 26 Nov 2025 09:15:00 CET", "2025-11-26T08:15:00Z"],
    ["Wed, 26 Jun 2025 09:15:00 CEST", "2025-06-26T07:15:00Z"],
    ["Wed, 26 Jun 2025 09:15:00 BST", "2025-06-26T08:15:00Z"],
    ["Wed, 26 Nov 2025 09:15:00 MSK", "2025-11-26T06:15:00Z"],
    ["Wed, 26 Nov 2025 09:15:00 JST", "2025-11-26T00:15:00Z"],
    ["Wed, 26 Nov 2025 09:15:00 KST", "2025-11-26T00:15:00Z"],
    ["Wed, 26 Nov 2025 09:15:00 IST", "2025-11-26T03:45:00Z"],
    ["26 Nov 2025 09:15 GMT+2", "2025-11-26T07:15:00Z"],
    ["Wed, 26 Nov 2025 9:15:00 -0500 (EST)", "2025-11-26T14:15:00Z"],
    ["Nov 26, 2025 9:15 PM PST", "2025-11-27T05:15:00Z"],
    ["Nov 26, 2025 9:15 p.m.", "2025-11-26T21:15:00Z"],
    ["26 Nov 2025", "2025-11-26T00:00:00Z"],
  ])("%s", (input, expected) => {
    expect(parseFeedDate(input)).toBe(expected);
  });
});

describe("parseFeedDate: ISO 8601 and timestamps", () => {
  it.each([
    ["2025-11-26T09:15:00Z", "2025-11-26T09:15:00Z"],
    ["2025-11-26T09:15:00.123456+05:30", "2025-11-26T03:45:00Z"],
    ["2025-11-26T09:15:00-0800", "2025-11-26T17:15:00Z"],
    ["2025-11-26 09:15:00", "2025-11-26T09:15:00Z"],
    ["2025-11-26T09:15", "2025-11-26T09:15:00Z"],
    ["2025-11-26", "2025-11-26T00:00:00Z"],
    ["20251126T091500Z", "2025-11-26T09:15:00Z"],
    ["1764148500", "2025-11-26T09:15:00Z"],
    ["1764148500000", "2025-11-26T09:15:00Z"],
    ["26.11.2025 09:15", "2025-11-26T09:15:00Z"],
    ["2025/11/26 09:15", "2025-11-26T09:15:00Z"],
  ])("%s", (input, expected) => {
    expect(parseFeedDate(input)).toBe(expected);
  });
});

describe("parseFeedDate: localized forms", () => {
  it.each([
    ["mercredi 26 novembre 2025 à 09h15", "2025-11-26T09:15:00Z"],
    ["26 févr. 2025 10:00", "2025-02-26T10:00:00Z"],
    ["1er août 2025", "2025-08-01T00:00:00Z"],
    ["miércoles, 26 de noviembre de 2025 09:15", "2025-11-26T09:15:00Z"],
    ["martes, 25 de noviembre de 2025", "2025-11-25T00:00:00Z"],
    ["26 ноября 2025 г., 09:15", "2025-11-26T09:15:00Z"],
    ["26 мая 2025", "2025-05-26T00:00:00Z"],
    ["3 марта 2025", "2025-03-03T00:00:00Z"],
    ["Mittwoch, 26. November 2025 09:15 MEZ", "2025-11-26T08:15:00Z"],
    ["26. März 2025", "2025-03-26T00:00:00Z"],
    ["26 listopada 2025", "2025-11-26T00:00:00Z"],
    ["2025年11月26日 09:15", "2025-11-26T09:15:00Z"],
    ["2025年11月26日 午後3時15分", "2025-11-26T15:15:00Z"],
    ["2025년 11월 26일 오후 3:15", "2025-11-26T15:15:00Z"],
    ["2025년 11월 26일", "2025-11-26T00:00:00Z"],
  ])("%s", (input, expected) => {
    expect(parseFeedDate(input)).toBe(expected);
  });
});

describe("parseFeedDate: refusals", () => {
  it.each([
    [null],
    [undefined],
    [""],
    ["   "],
    ["garbage"],
    ["sometime last week"],
    ["2 days ago"],
    ["31 Nov 2025"],
    ["2025-13-01"],
    ["Wed, 26 Nov 2025 25:15:00 GMT"],
    ["1985-06-01T00:00:00Z"],
  ])("%s → null", (input) => {
    expect(parseFeedDate(input)).toBeNull();
  });

  it("refuses dates more than two days in the future", () => {
    const soon = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
    const later = new Date(Date.now() + 3 * 24 * 3600 * 1000).toISOString();
    expect(parseFeedDate(soon)).toBe(soon.slice(0, 19) + "Z");
    expect(parseFeedDate(later)).toBeNull();
  });

  it("never throws and always answers null or a UTC second-precision timestamp", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const out = parseFeedDate(s);
        expect(out === null || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(out)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("round-trips any instant written in RFC 1123 form", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date(), noInvalidDate: true }), (d) => {
        const iso = d.toISOString().slice(0, 19) + "Z";
        expect(parseFeedDate(d.toUTCString())).toBe(iso);
      }),
      { numRuns: 300 },
    );
  });
});
