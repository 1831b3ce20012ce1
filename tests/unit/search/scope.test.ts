import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dateRangeTokens, dateTokens, scopeMatch } from "../../../src/search/scope";

const LATEST_YEAR = 2027;
const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** Any day the API accepts (`02-31` included), a little beyond the years articles can have. */
const day = fc
  .record({ y: fc.integer({ min: 1985, max: 2031 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }) })
  .map(({ y, m, d }) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`);
const bound = fc.option(fc.oneof(day, fc.constantFrom("0001-01-01", "9999-12-31", "1990-01-01", "2027-12-31", "2024-02-29", "2026-02-30")), { nil: null });
/** A stored publication date, as ingest writes them, within the years articles can have. */
const published = fc
  .integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(LATEST_YEAR, 11, 31, 23, 59, 59) })
  .map((ms) => new Date(ms).toISOString().slice(0, 19) + "Z");

/** The per-match filter the tokens replace: inclusive UTC days compared as ISO strings. */
const inRange = (iso: string, from: string | null, to: string | null) =>
  (from === null || iso >= `${from}T00:00:00Z`) && (to === null || iso <= `${to}T23:59:59Z`);

describe("date scope tokens", () => {
  it("tag a stored date with its year, month and day", () => {
    expect(dateTokens("2026-11-27T09:00:00Z")).toEqual(["y2026", "m202611", "d20261127"]);
  });

  it("cover exactly the days the per-match filter keeps, for any bounds", () => {
    const nearby = fc.array(fc.record({ days: fc.integer({ min: -40, max: 40 }), late: fc.boolean() }), { maxLength: 20 });
    fc.assert(
      fc.property(bound, bound, fc.array(published, { minLength: 1, maxLength: 40 }), nearby, (from, to, spread, offsets) => {
        const cover = new Set(dateRangeTokens(from, to, LATEST_YEAR));
        // Dates around the bounds, first and last second of a day, where an off-by-one would show.
        const near = [from, to].flatMap((b) =>
          b === null ? [] : offsets.map(({ days, late }) => new Date(Date.parse(b) + days * 86_400_000 + (late ? 86_399_000 : 0))),
        );
        const inYears = near.filter((d) => !Number.isNaN(d.getTime()) && d.getUTCFullYear() >= 1990 && d.getUTCFullYear() <= LATEST_YEAR);
        const dates = [...spread, ...inYears.map((d) => d.toISOString().slice(0, 19) + "Z")];
        for (const iso of dates) expect(dateTokens(iso).some((t) => cover.has(t)), `${iso} in [${from}, ${to}]`).toBe(inRange(iso, from, to));
      }),
      { numRuns: 3000 },
    );
  });

  it("never name a day, month or year twice, whatever the range", () => {
    fc.assert(
      fc.property(bound, bound, (from, to) => {
        const tokens = dateRangeTokens(from, to, LATEST_YEAR);
        expect(new Set(tokens).size).toBe(tokens.length);
        // Two partial edge months at most, whole months and years between: a bounded expression.
        expect(tokens.length).toBeLessThanOrEqual(62 + 22 + (LATEST_YEAR - 1990 + 1));
      }),
      { numRuns: 2000 },
    );
  });

  it("use whole years and months where the range holds them, days only at the edges", () => {
    expect(dateRangeTokens("2025-01-01", "2026-11-30", LATEST_YEAR)).toEqual(["y2025", ...Array.from({ length: 11 }, (_, i) => `m2026${pad(i + 1)}`)]);
    expect(dateRangeTokens("2026-11-29", "2026-12-02", LATEST_YEAR)).toEqual(["d20261129", "d20261130", "d20261201", "d20261202"]);
    expect(dateRangeTokens("2026-02-30", "2026-03-31", LATEST_YEAR)).toEqual(["m202603"]);
    expect(dateRangeTokens("2026-11-02", "2026-11-01", LATEST_YEAR)).toEqual([]);
    expect(dateRangeTokens(null, "1989-12-31", LATEST_YEAR)).toEqual([]);
    expect(dateRangeTokens("2026-01-01", null, LATEST_YEAR)).toEqual(["y2026", "y2027"]);
  });

  it("join the filters' tokens into scope clauses", () => {
    expect(scopeMatch({ languages: ["fr"], sources: [], dates: ["y2026", "d20251231"] })).toBe("scope : (l6672) AND scope : (y2026 OR d20251231)");
    expect(scopeMatch({ languages: [], sources: [], dates: null })).toBe("");
  });
});
