import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { RATE_LIMIT } from "../../src/cache/rate-limit";
import worker from "../../src/index";
import { ADMIN, cacheOf, tierOf } from "../support/worker";

/** The `[[ratelimits]]` binding's settings in wrangler.toml, which the Worker reads too. */
const { limit: LIMIT, period: PERIOD } = RATE_LIMIT!;

const from = (ip: string, path = "/api/v1/locales", init: RequestInit & { headers?: Record<string, string> } = {}) =>
  SELF.fetch(`http://app.test${path}`, { ...init, headers: { "cf-connecting-ip": ip, ...init.headers } });

/** Sends `n` requests and returns their statuses, bodies read. */
async function spend(n: number, send: () => Promise<Response>): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await send();
    await res.arrayBuffer();
    statuses.push(res.status);
  }
  return statuses;
}

/** Fills the shared tiers for `path` and waits until it is stored. */
async function warm(path: string): Promise<void> {
  const ctx = createExecutionContext();
  await (await worker.fetch!(new Request(`http://app.test${path}`), env, ctx)).arrayBuffer();
  await waitOnExecutionContext(ctx);
}

let attempts = 0;

/**
 * Runs a scenario from fresh documentation-range addresses until it fits in one window of the
 * limiter (which counts in fixed windows: one that straddled two saw its budget renewed).
 */
async function inOneWindow<T>(scenario: (ip: (n: number) => string) => Promise<T>): Promise<T> {
  for (;;) {
    const attempt = attempts++;
    const window = Math.floor(Date.now() / (PERIOD * 1000));
    const result = await scenario((n) => `203.0.${113 + attempt}.${n}`);
    if (Math.floor(Date.now() / (PERIOD * 1000)) === window || attempt > 6) return result;
  }
}

/** Address 1 spends its whole budget on uncached work; then what it is still allowed. */
async function overBudget(ip: (n: number) => string) {
  expect(await spend(LIMIT, () => from(ip(1)))).toEqual(Array(LIMIT).fill(200));
  const overLimit = await from(ip(1), "/api/v1/articles?per_page=9", { headers: { origin: "https://reader.example", "accept-language": "fr" } });
  const hit = await from(ip(1), "/api/v1/articles?per_page=2");
  const endpoints: Record<string, number> = {};
  for (const path of ["/api/v1/articles?per_page=11", "/api/v1/search?q=x", "/feeds/en.rss?per_page=3", "/ko/?page=2", "/api/docs", "/api/v1/sources", "/healthz"]) {
    endpoints[path] = (await from(ip(1), path)).status;
  }
  const pageRes = await from(ip(1), "/ko/search?q=x");
  const write = await from(ip(1), "/api/v1/sources", {
    method: "POST",
    headers: { ...ADMIN, "content-type": "application/json" },
    body: JSON.stringify({ id: `limited-${ip(1).replace(/\./g, "-")}`, name: "Admin source", url: "https://feeds.example.org/rss" }),
  });
  return {
    overLimit,
    overLimitBody: await overLimit.json(),
    hit: { status: hit.status, tier: tierOf(hit) },
    endpoints,
    page: {
      status: pageRes.status,
      type: pageRes.headers.get("content-type"),
      retryAfter: pageRes.headers.get("retry-after"),
      cache: pageRes.headers.get("cache-control"),
      lang: pageRes.headers.get("content-language"),
      body: await pageRes.text(),
    },
    admin: { read: (await from(ip(1), "/api/v1/admin/runs", { headers: ADMIN })).status, write: write.status },
  };
}

let seen: Awaited<ReturnType<typeof overBudget>>;

beforeAll(async () => {
  await warm("/api/v1/articles?per_page=2");
  await warm("/api/v1/search?q=cached");
  seen = await inOneWindow(overBudget);
}, 300_000);

describe("rate limiting per client", () => {
  it("is configured from wrangler.toml, whose settings the Worker reads as well", () => {
    expect(env.RATE_LIMITER).toBeDefined();
    expect(RATE_LIMIT).not.toBeNull();
  });

  it("answers work over the limit with a 429 problem whose Retry-After is the limiter's period", async () => {
    const res = seen.overLimit;
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe(String(PERIOD));
    expect(res.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(seen.overLimitBody).toMatchObject({ status: 429, code: "rate_limited", title: "Trop de requêtes", instance: "/api/v1/articles" });
  });

  it("limits misses of every public endpoint, feeds and pages, and uncached reads", () => {
    expect(seen.endpoints).toEqual(Object.fromEntries(Object.keys(seen.endpoints).map((path) => [path, 429])));
  });

  it("shows readers a page in their language, with Retry-After, instead of problem+json", () => {
    expect(seen.page).toMatchObject({ status: 429, type: "text/html; charset=utf-8", retryAfter: String(PERIOD), cache: "no-store", lang: "ko" });
    expect(seen.page.body).toContain('<html lang="ko"');
    expect(seen.page.body).toContain("요청이 너무 많습니다");
  });

  it("still answers a client over its limit from the cache", () => {
    expect(seen.hit).toEqual({ status: 200, tier: "memory" });
  });

  it("exempts authenticated admin calls", () => {
    expect(seen.admin).toEqual({ read: 200, write: 201 });
  });

  it("does not count cache hits, so readers sharing an address share only the work they cause", async () => {
    const { hits, missAfter } = await inOneWindow(async (ip) => {
      // Other tests add sources, which retires cached answers: fill the cache again first.
      await warm("/api/v1/articles?per_page=2");
      const hits: (string | null)[] = [];
      for (let i = 0; i < LIMIT + 20; i++) {
        const res = await from(ip(2), "/api/v1/articles?per_page=2");
        await res.arrayBuffer();
        hits.push(res.status === 200 ? cacheOf(res) : String(res.status));
      }
      return { hits, missAfter: (await from(ip(2), "/api/v1/articles?per_page=4")).status };
    });
    expect(hits).toEqual(Array(LIMIT + 20).fill("HIT"));
    expect(missAfter).toBe(200);
  }, 300_000);

  it("counts every search, even one answered from the cache", async () => {
    const statuses = await inOneWindow((ip) => spend(LIMIT + 1, () => from(ip(3), "/api/v1/search?q=cached")));
    expect(statuses).toEqual([...Array(LIMIT).fill(200), 429]);
  }, 300_000);

  it("counts each address on its own, and each IPv6 /64 as one client", async () => {
    const seenBy = await inOneWindow(async (ip) => {
      const subnet = `2001:db8:${ip(6).split(".").slice(2).join(":")}`;
      await spend(LIMIT, () => from(`${subnet}::1`));
      return {
        sameSubnet: (await from(`${subnet}:ffff:ffff:ffff:fffe`)).status,
        otherSubnet: (await from(`${subnet.replace(/:(\d+)$/, (_, n) => `:${Number(n) + 100}`)}::1`)).status,
        otherAddress: (await from(ip(4))).status,
      };
    });
    expect(seenBy).toEqual({ sameSubnet: 429, otherSubnet: 200, otherAddress: 200 });
  }, 300_000);

  it("counts failed admin logins, so tokens cannot be guessed at speed", async () => {
    const { failures, after } = await inOneWindow(async (ip) => ({
      failures: await spend(LIMIT, () => from(ip(7), "/api/v1/admin/runs", { headers: { authorization: "Bearer guess" } })),
      after: (await from(ip(7), "/api/v1/admin/runs")).status,
    }));
    expect(failures).toEqual(Array(LIMIT).fill(403));
    expect(after).toBe(429);
  }, 300_000);

  it("does not limit requests that did not come through the edge", async () => {
    expect(await spend(LIMIT + 1, () => SELF.fetch("http://app.test/api/v1/locales"))).toEqual(Array(LIMIT + 1).fill(200));
  }, 120_000);

  it("does not limit the local machine unless RATE_LIMIT_LOOPBACK is set", async () => {
    expect(await spend(LIMIT + 1, () => from("127.0.0.1"))).toEqual(Array(LIMIT + 1).fill(200));
    expect(await spend(3, () => from("::1"))).toEqual([200, 200, 200]);
    const counted = { ...env, RATE_LIMIT_LOOPBACK: "true" };
    const window = Math.floor(Date.now() / (PERIOD * 1000));
    const statuses = await spend(LIMIT + 1, () => worker.fetch!(new Request("http://app.test/api/v1/locales", { headers: { "cf-connecting-ip": "127.0.0.2" } }), counted, createExecutionContext()));
    // Spread over two windows the budget is renewed in between; within one, the last is refused.
    if (Math.floor(Date.now() / (PERIOD * 1000)) === window) expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(200));
  }, 120_000);
});
