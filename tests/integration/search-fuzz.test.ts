import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../src/index";
import { addSource, runCron } from "../support/worker";

// Whatever a reader (or a bot) puts in the address, the answer is a JSON page or a problem,
// never a server error. Content in several scripts makes the queries actually match.

beforeAll(async () => {
  for (const lang of ["en", "ru", "zh", "ko", "ar"]) await addSource(`rel-${lang}`, `/relevance/${lang}.xml`);
  await runCron();
});

const syntax = fc.constantFrom(
  '"', "(", ")", "*", "-", "--", ":", " ", "+", "^", "OR", "AND", "NOT", "NEAR", "NEAR/2", "title:", "source:", "lang:",
  "source:rel-en", "lang:zh", "{title body}:", ",", "'", "\\", "%", "_", "\u0000", "\u200b", "\u200f", "\u0301", "\u0640", "\ufeff",
);
const words = fc.constantFrom("floods", "climate", "civil", "war", "the", "ёлка", "образование", "气候", "教育公平", "학교", "교육을", "التعليم", "الأَطْفَال", "COVID-19", "c++", "😀", "e\u0301cole");
const soup = fc.array(fc.oneof(syntax, words, fc.string({ unit: "binary", maxLength: 6 })), { maxLength: 30 }).map((parts) => parts.join(""));
const query = fc.oneof(soup, fc.string({ unit: "binary", maxLength: 40 }), fc.string({ unit: "grapheme", minLength: 490, maxLength: 520 }));

const number = fc.oneof(
  fc.integer({ min: -5, max: 120 }).map(String),
  fc.constantFrom("", "0", "1.5", "1e3", "99999999999999999999", "NaN", "-0", " 2", "0x10", "100000"),
  fc.string({ maxLength: 5 }),
);
const list = fc.oneof(
  fc.array(fc.oneof(fc.constantFrom("en", "fr", "zh", "ko", "rel-en", "rel-zh", "EN", "zh-hans", ""), fc.string({ maxLength: 8 })), { maxLength: 60 }).map((v) => v.join(",")),
  fc.string({ maxLength: 20 }),
);
const day = fc.oneof(
  fc.date({ min: new Date("1900-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom("2026-02-30", "2026-13-01", "0000-00-00", "yesterday", "", "2026-03-06T00:00:00Z"),
  fc.string({ maxLength: 12 }),
);
const params = fc.record(
  {
    q: query,
    sort: fc.oneof(fc.constantFrom("relevance", "date", "", "DATE"), fc.string({ maxLength: 6 })),
    page: number,
    per_page: number,
    lang: list,
    source: list,
    from: day,
    to: day,
    locale: fc.oneof(fc.constantFrom("en", "fr", "ar", "zh", "xx"), fc.string({ maxLength: 5 })),
    other: fc.string({ maxLength: 10 }),
  },
  { requiredKeys: [] },
);

/**
 * Sends a request through the Worker's fetch handler and waits for its background work (cache
 * writes) like the platform would. Thousands of SELF.fetch calls leave that work piling up
 * and slow to a crawl, so SELF is used for a smaller share of the inputs.
 */
async function callWorker(url: string): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(url), env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

async function expectNoServerError(url: string, send: (url: string) => Promise<Response> = callWorker): Promise<void> {
  const res = await send(url);
  const text = await res.text();
  expect(res.status, url).toBeLessThan(500);
  expect(res.headers.get("content-type"), url).toMatch(/^application\/(problem\+)?json/);
  const body = JSON.parse(text);
  if (res.status === 200) {
    expect(Array.isArray(body.data)).toBe(true);
    expect(Number.isInteger(body.meta.total) && body.meta.total >= 0).toBe(true);
    expect(body.data.length).toBeLessThanOrEqual(body.meta.per_page);
  } else {
    expect(body.status).toBe(res.status);
  }
}

function withParams(values: Record<string, string>, repeat: boolean): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    search.append(name, value);
    if (repeat) search.append(name, value.split(",")[0] ?? "");
  }
  return `http://app.test/api/v1/search?${search}`;
}

describe("GET /api/v1/search never answers with a server error", () => {
  it("for random query strings", async () => {
    await fc.assert(
      fc.asyncProperty(query, fc.constantFrom("relevance", "date"), async (q, sort) => {
        await expectNoServerError(`http://app.test/api/v1/search?${new URLSearchParams({ q, sort })}`);
      }),
      { numRuns: 1500 },
    );
  }, 60_000);

  it("for random values of every parameter, repeated or missing", async () => {
    await fc.assert(
      fc.asyncProperty(params, fc.boolean(), async (values, repeat) => {
        await expectNoServerError(withParams(values, repeat));
      }),
      { numRuns: 1200 },
    );
  }, 60_000);

  it("for raw, oddly encoded addresses", async () => {
    const raw = fc.array(fc.oneof(fc.constantFrom("q=", "&", "=", "%", "%2", "%FF", "%C3%28", "%E2%80", "+", "?", "%00", "page=", "lang="), fc.string({ maxLength: 4 })), {
      maxLength: 20,
    });
    await fc.assert(
      fc.asyncProperty(raw, async (parts) => {
        await expectNoServerError(`http://app.test/api/v1/search?q=x${parts.join("").replace(/[#\s]/g, "")}`);
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it("through the service binding too", async () => {
    await fc.assert(
      fc.asyncProperty(params, fc.boolean(), async (values, repeat) => {
        await expectNoServerError(withParams(values, repeat), (url) => SELF.fetch(url));
      }),
      { numRuns: 150 },
    );
  }, 60_000);
});
