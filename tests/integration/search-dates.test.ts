import { env } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { dateTokens } from "../../src/search/scope";
import { addSource, getJson, refreshNow, setMutableFeed } from "../support/worker";

interface Item {
  n: number;
  published: string;
  beta: boolean;
}

const pad = (n: number) => String(n).padStart(2, "0");
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19) + "Z";

/**
 * A feed of 90 items dated from late 2024 to November 2026, most of them on the days where
 * a range's edges fall (first and last days of months, leap day, New Year) at the first or
 * last second of the day. Every item says "alpha"; every third one also "beta".
 */
function corpus(): Item[] {
  let seed = 20261127;
  const next = (k: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % k;
  };
  const seen = new Set<string>();
  const items: Item[] = [];
  for (let n = 0; items.length < 90; n++) {
    const year = 2024 + next(3);
    const month = year === 2024 ? 10 + next(3) : year === 2026 ? 1 + next(11) : 1 + next(12);
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const day = [1, last, last, 1, 15, 2, last - 1, Math.min(29, last)][next(8)] as number;
    const second = [0, 86_399, 43_200 + next(3600)][next(3)] as number;
    const published = iso(Date.UTC(year, month - 1, day) + second * 1000);
    if (seen.has(published)) continue;
    seen.add(published);
    items.push({ n, published, beta: n % 3 === 0 });
  }
  return items;
}

const items = corpus();

function rss(list: Item[]): string {
  const entries = list.map(
    (i) =>
      `<item><title>Alpha report ${i.n}</title><guid>dates-${i.n}</guid><link>https://dates.example.org/${i.n}</link>` +
      `<pubDate>${new Date(i.published).toUTCString()}</pubDate><description>${i.beta ? "Beta and alpha" : "Alpha"} notes number ${i.n}.</description></item>`,
  );
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Dates</title><link>https://dates.example.org/</link>${entries.join("")}</channel></rss>`;
}

beforeAll(async () => {
  await setMutableFeed("h", rss(items));
  await addSource("dates", "/mutable/h", { language: "en" });
  const { report } = await refreshNow("source=dates&force=true");
  expect(report.sources[0]).toMatchObject({ status: "ok", new: items.length });
});

/** The filter date tokens replace: inclusive UTC days, compared as ISO strings per match. */
const inRange = (published: string, from: string | null, to: string | null) =>
  (from === null || published >= `${from}T00:00:00Z`) && (to === null || published <= `${to}T23:59:59Z`);

const day = fc
  .record({ y: fc.integer({ min: 2024, max: 2027 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }) })
  .map(({ y, m, d }) => `${y}-${pad(m)}-${pad(d)}`);
/** The corpus's own days and their neighbours, where an off-by-one at an edge would show. */
const edgeDays = [...new Set(items.flatMap((i) => [-1, 0, 1].map((k) => iso(Date.parse(i.published) + k * 86_400_000).slice(0, 10))))];
const bound = fc.option(
  fc.oneof({ arbitrary: fc.constantFrom(...edgeDays), weight: 4 }, day, fc.constantFrom("1990-01-01", "2024-02-29", "2025-02-30", "2026-11-30", "2099-12-31")),
  { nil: null, freq: 4 },
);
/** A `from` and `to` in order (reversed ones are a 400, tested with the other parameters). */
const range = fc.tuple(bound, bound).map(([a, b]) => (a !== null && b !== null && a > b ? [b, a] : [a, b]) as [string | null, string | null]);

interface Hit {
  url: string;
  published_at: string;
}

describe("date filters matched as index tokens", () => {
  it("index every article with the tokens of its own day", async () => {
    // The index is contentless (it returns no stored text): each entry is asked whether it
    // holds its own day's tokens, and not those of the day before.
    const { results } = await env.DB.prepare("SELECT pk, published_at FROM articles WHERE source_id = 'dates'").all<{ pk: number; published_at: string }>();
    expect(results).toHaveLength(items.length);
    const holds = async (pk: number, tokens: string[]) =>
      (await env.DB.prepare("SELECT count(*) AS n FROM articles_fts WHERE rowid = ?1 AND articles_fts MATCH ?2")
        .bind(pk, tokens.map((t) => `scope : ${t}`).join(" AND "))
        .first<{ n: number }>())!.n;
    for (const row of results) {
      expect(await holds(row.pk, dateTokens(row.published_at))).toBe(1);
      const dayBefore = new Date(Date.parse(row.published_at) - 86_400_000).toISOString();
      expect(await holds(row.pk, dateTokens(dayBefore).slice(-1))).toBe(0);
    }
  });

  it("return exactly what the per-match date filter returns, in both orders", async () => {
    await fc.assert(
      fc.asyncProperty(range, fc.constantFrom("alpha", "beta"), async ([from, to], word) => {
        const params = new URLSearchParams({ q: word, per_page: "100" });
        if (from) params.set("from", from);
        if (to) params.set("to", to);
        const expected = items
          .filter((i) => (word === "alpha" || i.beta) && inRange(i.published, from, to))
          .sort((a, b) => (a.published < b.published ? 1 : -1))
          .map((i) => `https://dates.example.org/${i.n}`);
        const byDate = await getJson(`/api/v1/search?${params}&sort=date`);
        expect(byDate.res.status).toBe(200);
        expect(byDate.body.data.map((h: Hit) => h.url)).toEqual(expected);
        expect(byDate.body.meta.total).toBe(expected.length);
        const byRelevance = await getJson(`/api/v1/search?${params}`);
        expect(byRelevance.body.data.map((h: Hit) => h.url).sort()).toEqual([...expected].sort());
        expect(byRelevance.body.meta.total).toBe(expected.length);
      }),
      { numRuns: 100 },
    );
  });
});
