// A period database filled the way an operator fills one, on the stack a user runs (`npm start`):
// the demo loaded, a period registered through the admin API, the cron fired until the mover has
// moved the period's articles out of the live database. Every answer a reader could get before the
// move is then the same after it, read fresh (not from the response cache), and a forced refresh
// of the same feeds adds and duplicates nothing.
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM module shared with `npm start`, typed by its JSDoc
import { startStack } from "../../scripts/stack.mjs";
import { LOCALES } from "../../src/i18n/locales";
import { freePort } from "./free-port";

type Stack = { base: string; adminToken: string; fireCron: () => Promise<void>; stop: () => Promise<void> };
type Item = { id: string; published_at: string; language: string };
type Page = { data: Item[]; meta: { total: number; total_pages: number } };

const DAY_MS = 86_400_000;
/** The period registered: every demo article before November (the demo runs from September to late November). */
const PERIOD = { period: "2026-demo-autumn", starts_at: "0000-01-01T00:00:00Z", ends_at: "2026-11-01T00:00:00Z", binding: "SHARD_1" };
const LANGS = ["en", "fr", "es", "ru", "ar", "zh", "ko"];
/** Words the demo's titles and summaries use in several languages and months. */
const SEARCHES = ["schools", "children", "teachers", "climate", "UNESCO", "enfants", "école*", "water OR floods"];

const DEMO = path.join(import.meta.dirname, "..", "..", "demo");
const DEMO_SOURCES = JSON.parse(readFileSync(path.join(DEMO, "sources.json"), "utf8")) as { id: string; path: string }[];

/** The demo feeds as a publisher that changed nothing but a comment at the end serves them. */
async function republish(): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = createHttpServer((req, res) => {
    const feed = DEMO_SOURCES.find((s) => s.path === req.url);
    if (!feed) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/xml" }).end(`${readFileSync(path.join(DEMO, "feeds", feed.path), "utf8")}\n<!-- served again -->\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    origin: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

let persistTo = "";
let stack: Stack | null = null;
let republisher: Awaited<ReturnType<typeof republish>> | null = null;

afterAll(async () => {
  await stack?.stop();
  await republisher?.close();
  if (persistTo) await rm(persistTo, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

/** Addresses the response cache answered since the last record(): none may be, or the answer was not read from the databases. */
let cached: string[] = [];

/** What a reader gets at an address. */
async function read(pathname: string): Promise<string> {
  const res = await fetch(`${stack!.base}${pathname}`);
  expect(res.status, pathname).toBe(200);
  const cache = res.headers.get("cache-status") ?? "";
  if (/\bhit\b/.test(cache)) cached.push(`${pathname}: ${cache}`);
  return res.text();
}

const json = async <T>(pathname: string): Promise<T> => JSON.parse(await read(pathname)) as T;

const admin = (method: string, pathname: string, body?: unknown) =>
  fetch(`${stack!.base}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${stack!.adminToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** Every page of a paginated JSON answer, as they are served. */
async function allPages(pathname: string): Promise<string[]> {
  const first = await json<Page>(pathname);
  const pages = [pathname];
  const join = pathname.includes("?") ? "&" : "?";
  for (let p = 2; p <= first.meta.total_pages; p++) pages.push(`${pathname}${join}page=${p}`);
  return pages;
}

/** The addresses whose answers are compared as served, byte for byte. */
async function exactAddresses(ids: string[]): Promise<string[]> {
  const addresses = [
    ...(await allPages("/api/v1/articles?per_page=10")),
    ...(await allPages("/api/v1/articles?per_page=100")),
  ];
  for (const lang of LANGS) addresses.push(...(await allPages(`/api/v1/articles?per_page=7&lang=${lang}`)));
  addresses.push(...(await allPages("/api/v1/articles?per_page=9&lang=fr,ru")));
  // Search by date is exact in order across databases.
  for (const q of SEARCHES) addresses.push(...(await allPages(`/api/v1/search?sort=date&per_page=5&q=${encodeURIComponent(q)}`)));
  addresses.push(...ids.map((id) => `/api/v1/articles/${id}`));
  addresses.push("/sitemap.xml", "/sitemap-news.xml", ...LOCALES.map((l) => `/sitemaps/${l.code}-1.xml`));
  addresses.push("/feeds/en.rss", "/feeds/fr.atom?lang=fr", "/feeds/en.json?q=schools");
  // Reader pages: the first, one deep in the moved period, a language filter, a search by date.
  addresses.push("/en/", "/en/?page=18", "/fr/?lang=fr&page=3", "/ru/search?q=children&sort=date");
  return addresses;
}

/**
 * Search by relevance: the order across databases is approximate (bm25 statistics are per
 * database: docs/CAPACITY.md), so what is compared is the total and the set of results over
 * every page, each with its shown fields (highlight included), not their order.
 */
async function relevanceAnswer(q: string): Promise<{ total: number; results: Record<string, unknown> }> {
  const address = `/api/v1/search?per_page=10&q=${encodeURIComponent(q)}`;
  const first = await json<Page>(address);
  const results: Record<string, unknown> = {};
  for (const item of first.data) results[item.id] = item;
  for (let p = 2; p <= first.meta.total_pages; p++) for (const item of (await json<Page>(`${address}&page=${p}`)).data) results[item.id] = item;
  return { total: first.meta.total, results };
}

/** Every recorded answer: bodies by address, relevance searches, counts, as the reader sees them. */
async function record(addresses: string[]) {
  cached = [];
  const bodies: Record<string, string> = {};
  for (const address of addresses) bodies[address] = await read(address);
  const relevance: Record<string, unknown> = {};
  for (const q of SEARCHES) relevance[q] = await relevanceAnswer(q);
  const sources = (await json<{ data: { id: string; article_count: number }[] }>("/api/v1/sources?per_page=100")).data.map((s) => [s.id, s.article_count]);
  const health = (await json<{ articles: number }>("/healthz")).articles;
  return { bodies, relevance, sources, health, notFresh: cached };
}

/** Every answer read again from the databases (cached ones retired first) is what `before` recorded. */
async function expectUnchanged(addresses: string[], before: Awaited<ReturnType<typeof record>>): Promise<void> {
  await retireCachedAnswers();
  const now = await record(addresses);
  expect(now.notFresh).toEqual([]);
  for (const address of addresses) expect(now.bodies[address], address).toBe(before.bodies[address]);
  expect(now.relevance).toEqual(before.relevance);
  expect(now.sources).toEqual(before.sources);
  expect(now.health).toBe(210);
}

/** Every article the listing shows, newest first. */
async function everyArticle(): Promise<Item[]> {
  const items: Item[] = [];
  for (const address of await allPages("/api/v1/articles?per_page=100")) items.push(...(await json<Page>(address)).data);
  return items;
}

/** A `*` change (a source's name written as it was) retires every cached answer, so what follows is read from the databases. */
async function retireCachedAnswers(): Promise<void> {
  const res = await admin("PATCH", "/api/v1/sources/un-news-en", { name: "UN News (demo, English)" });
  expect(res.status).toBe(200);
}

async function until<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

describe("a period database filled by the mover on the running stack", () => {
  it("answers every listing, search, detail, sitemap, feed and page as before the move; a forced refresh adds nothing", async () => {
    persistTo = await mkdtemp(path.join(tmpdir(), "edge-news-shards-"));
    // Articles are due to move once older than LIVE_DAYS: whole days back to the period's end,
    // so the move stops inside the period, at its last demo article.
    const liveDays = Math.ceil((Date.now() - Date.parse(PERIOD.ends_at)) / DAY_MS);
    // One isolate serves this stack, so a registered period need not wait for other isolates'
    // registry copies (PERIOD_SETTLE_SECONDS, 120 by default; tests/integration/shard-move.test.ts
    // checks the wait itself).
    stack = (await startStack({ port: await freePort(), persistTo, vars: { LIVE_DAYS: String(liveDays), PERIOD_SETTLE_SECONDS: "5" } })) as Stack;

    // Registered first: the mover takes a period only a while after its registration (below), and
    // recording the answers covers that wait. Registering moves nothing by itself.
    const registered = await admin("POST", "/api/v1/admin/shards", PERIOD);
    expect(registered.status, await registered.clone().text()).toBe(201);

    const articles = await everyArticle();
    expect(articles.length).toBe(210);
    expect(new Set(articles.map((a) => a.id)).size).toBe(210);
    const moving = articles.filter((a) => a.published_at < PERIOD.ends_at);
    // Both sides of the boundary hold articles in every language.
    expect(new Set(moving.map((a) => a.language))).toEqual(new Set(LANGS));
    expect(moving.length).toBeGreaterThan(100);
    expect(moving.length).toBeLessThan(210);

    const addresses = await exactAddresses(articles.map((a) => a.id));
    await retireCachedAnswers();
    const before = await record(addresses);
    expect(before.notFresh).toEqual([]);
    expect(before.health).toBe(210);
    for (const q of SEARCHES) expect((before.relevance[q] as { total: number }).total, q).toBeGreaterThan(0);
    // Recorded with every article still live: the period, registered above, holds none yet.
    const empty = (await (await admin("GET", "/api/v1/admin/shards")).json()) as { data: { periods: { period: string; articles: number | null }[] } };
    expect(empty.data.periods.find((p) => p.period === PERIOD.period)?.articles).toBe(0);

    // The mover takes a period only once every isolate can know it (PERIOD_SETTLE_SECONDS); until then
    // each cron run leaves the articles live.
    const moved = await until(
      async () => {
        await stack!.fireCron();
        const { data } = (await (await admin("GET", "/api/v1/admin/shards")).json()) as {
          data: { periods: { period: string; articles: number | null }[]; boundary: { published_at: string } | null };
        };
        const period = data.periods.find((p) => p.period === PERIOD.period);
        return period?.articles === moving.length && data.boundary ? data : undefined;
      },
      "the mover moving the period's articles",
      300_000,
    );
    // Just past the newest moved article, before the oldest that stays.
    const staying = articles.filter((a) => a.published_at >= PERIOD.ends_at);
    expect(moved.boundary!.published_at >= moving[0]!.published_at).toBe(true);
    expect(moved.boundary!.published_at < staying.at(-1)!.published_at).toBe(true);
    const capacity = (await (await admin("GET", "/api/v1/admin/capacity")).json()) as { data: { articles: number; total_articles: number; move_blocked: unknown } };
    expect(capacity.data.articles).toBe(210 - moving.length);
    expect(capacity.data.total_articles).toBe(210);
    expect(capacity.data.move_blocked).toBeNull();

    // A move changes no answer and bumps no version: cached answers would hide a wrong read.
    await expectUnchanged(addresses, before);

    // The same feeds again, every item re-read: the moved ones are found in the period and left
    // there. A byte-identical feed would be passed over whole (validators, then the body's
    // digest), so each is served from a publisher of this test's own with a comment appended.
    republisher = await republish();
    for (const { id, path: feedPath } of DEMO_SOURCES) {
      const moved = await admin("PATCH", `/api/v1/sources/${id}`, { url: `${republisher.origin}${feedPath}` });
      expect(moved.status, id).toBe(200);
    }
    const refreshed = await admin("POST", "/api/v1/admin/refresh?force=true");
    expect(refreshed.status).toBe(200);
    const run = ((await refreshed.json()) as { data: { sources: { id: string; status: string; http_status: number; new: number; updated: number; unchanged: number }[] } }).data;
    expect(run.sources.map((s) => [s.id, s.status, s.http_status, s.new, s.updated, s.unchanged]).sort()).toEqual(
      DEMO_SOURCES.map((s) => [s.id, "ok", 200, 0, 0, 30]).sort(),
    );
    const shards = (await (await admin("GET", "/api/v1/admin/shards")).json()) as { data: { periods: { articles: number | null }[] } };
    expect(shards.data.periods[0]!.articles).toBe(moving.length);
    await expectUnchanged(addresses, before);
  }, 600_000);
});
