import { createExecutionContext, createScheduledController, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { REFRESH_CRON } from "../../src/ingest/schedule";
import { ADMIN, addSource, runCron } from "../support/worker";

const MB = 1024 * 1024;

interface Figures {
  database_bytes: number;
  budget_bytes: number;
  articles: number;
  articles_last_day: number;
  bytes_per_article: number | null;
  days_held: number | null;
  days_left: number | null;
}

async function capacity(headers: Record<string, string> = ADMIN, vars: Record<string, string> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request("http://app.test/api/v1/admin/capacity", { headers }), { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const figures = async (vars: Record<string, string> = {}) => ((await (await capacity(ADMIN, vars)).json()) as { data: Figures }).data;

/** The last day's articles as the endpoint counts them, read here directly. */
const lastDay = async () =>
  (await env.DB.prepare("SELECT count(*) AS n FROM articles WHERE published_at >= ?").bind(new Date(Date.now() - 86_400_000).toISOString()).first<{ n: number }>())!.n;

beforeAll(async () => {
  await addSource("cap-en", "/relevance/en.xml");
  await runCron();
  // A few articles of the last day, so there is a pace to project from.
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  await env.DB.prepare(
    `INSERT INTO articles (id, source_id, dedupe_key, title, slug, summary, content_html, content_text, language, published_at, updated_at, fetched_at, first_seen_at, content_hash)
     SELECT 'cap-new-' || value, 'cap-en', 'cap:' || value, 'Fresh ' || value, 'fresh-' || value, '', '<p>x</p>', 'x', 'en', ?1, ?1, ?1, ?1, 'h' || value
     FROM json_each('[1,2,3,4,5]')`,
  )
    .bind(now)
    .run();
});

afterEach(() => vi.restoreAllMocks());

describe("GET /api/v1/admin/capacity", () => {
  it("refuses callers without the admin token", async () => {
    const res = await capacity({});
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });

  it("reports the database's size, its articles and the days the budget holds at the last day's pace", async () => {
    const total = (await env.DB.prepare("SELECT count(*) AS n FROM articles").first<{ n: number }>())!.n;
    const day = await lastDay();
    expect(day).toBeGreaterThanOrEqual(5);

    const f = await figures();
    expect(f.database_bytes).toBeGreaterThan(0);
    expect(f.budget_bytes).toBe(5120 * MB);
    expect(f.articles).toBe(total);
    expect(f.articles_last_day).toBe(day);
    expect(f.bytes_per_article).toBe(Math.round(f.database_bytes / total));
    const perDay = f.bytes_per_article! * day;
    expect(f.days_held).toBeCloseTo(f.budget_bytes / perDay, 1);
    expect(f.days_left).toBeCloseTo((f.budget_bytes - f.database_bytes) / perDay, 1);

    // A budget the database is already past: days left are negative.
    const small = await figures({ DB_BUDGET_MB: String(f.database_bytes / 2 / MB) });
    expect(small.budget_bytes).toBe(Math.round(f.database_bytes / 2));
    expect(small.days_left).toBeLessThan(0);
    // Anything but a positive size is the default.
    expect((await figures({ DB_BUDGET_MB: "lots" })).budget_bytes).toBe(5120 * MB);
  });
});

describe("the cron's budget check", () => {
  const cron = async (vars: Record<string, string>) => {
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: REFRESH_CRON, scheduledTime: Date.now() }), { ...env, ...vars }, ctx);
    await waitOnExecutionContext(ctx);
  };
  const budgetWarnings = (spy: { mock: { calls: unknown[][] } }) =>
    spy.mock.calls.map((args) => String(args[0])).filter((line) => line.includes("nears its budget"));

  it("logs a warning when the live database nears its budget, and stays quiet while the budget is far", async () => {
    const warn = vi.spyOn(console, "warn");
    await cron({});
    expect(budgetWarnings(warn)).toEqual([]);

    const { database_bytes } = await figures();
    await cron({ DB_BUDGET_MB: String(database_bytes / 2 / MB) });
    const [line] = budgetWarnings(warn);
    expect(JSON.parse(line!)).toMatchObject({ level: "warn", budget_bytes: Math.round(database_bytes / 2), articles_last_day: await lastDay() });
  });

  it("is not cached by clients or shared caches", async () => {
    const res = await SELF.fetch("http://app.test/api/v1/admin/capacity", { headers: ADMIN });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
  });
});
