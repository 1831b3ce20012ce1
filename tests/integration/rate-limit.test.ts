import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, tierOf } from "../support/worker";

/** The `[[ratelimits]]` binding allows this many public requests per client a minute. */
const LIMIT = 100;
const WINDOW_MS = 60_000;

const from = (ip: string, path = "/api/v1/locales", init: RequestInit & { headers?: Record<string, string> } = {}) =>
  SELF.fetch(`http://app.test${path}`, { ...init, headers: { "cf-connecting-ip": ip, ...init.headers } });

/** What readers saw once one of them had spent the whole budget of its address. */
interface Observed {
  overLimit: Response;
  overLimitBody: unknown;
  endpoints: Record<string, number>;
  cachedTier: string | null;
  otherAddresses: number[];
  admin: { read: number; unauthenticated: number; write: number };
  stillLimited: number;
  page: { status: number; type: string | null; retryAfter: string | null; cache: string | null; lang: string | null; body: string };
}

async function observe(ip: (n: number) => string): Promise<Observed> {
  // Another reader warms the caches, so the articles listing would come from isolate memory.
  for (let i = 0; i < 2; i++) await (await from(ip(2), "/api/v1/articles")).arrayBuffer();
  const cached = await from(ip(2), "/api/v1/articles");
  await cached.arrayBuffer();
  for (let i = 0; i < LIMIT - 3; i++) {
    const res = await from(ip(1));
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  }
  // The last three within the budget: readers from one address share it, whatever they read.
  for (const path of ["/api/v1/search?q=x", "/feeds/en.rss", "/en/"]) expect((await from(ip(1), path)).status, path).toBe(200);
  const overLimit = await from(ip(1), "/api/v1/articles", { headers: { origin: "https://reader.example", "accept-language": "fr" } });
  const endpoints: Record<string, number> = {};
  for (const path of ["/api/v1/articles", "/api/v1/search?q=x", "/feeds/en.rss", "/ko/", "/api/docs", "/healthz"]) endpoints[path] = (await from(ip(1), path)).status;
  const pageRes = await from(ip(1), "/ko/search?q=x");
  const page = {
    status: pageRes.status,
    type: pageRes.headers.get("content-type"),
    retryAfter: pageRes.headers.get("retry-after"),
    cache: pageRes.headers.get("cache-control"),
    lang: pageRes.headers.get("content-language"),
    body: await pageRes.text(),
  };
  const otherAddresses = [(await from(ip(3))).status, (await from(`2001:db8::${ip(4).split(".").pop()}`)).status];
  const write = await from(ip(1), "/api/v1/sources", {
    method: "POST",
    headers: { ...ADMIN, "content-type": "application/json" },
    body: JSON.stringify({ id: `limited-${ip(1).replace(/\./g, "-")}`, name: "Admin source", url: "https://feeds.example.org/rss" }),
  });
  const admin = { read: (await from(ip(1), "/api/v1/admin/runs", { headers: ADMIN })).status, unauthenticated: (await from(ip(1), "/api/v1/admin/runs")).status, write: write.status };
  return { overLimit, overLimitBody: await overLimit.json(), endpoints, cachedTier: tierOf(cached), otherAddresses, admin, stillLimited: (await from(ip(1))).status, page };
}

let seen: Observed;

beforeAll(async () => {
  // The limiter counts in fixed one-minute windows: if the observation straddled two, it is
  // made once more, from fresh documentation-range addresses.
  for (let attempt = 0; attempt < 2; attempt++) {
    const window = Math.floor(Date.now() / WINDOW_MS);
    seen = await observe((n) => `203.0.113.${attempt * 10 + n}`);
    if (Math.floor(Date.now() / WINDOW_MS) === window) return;
  }
}, 120_000);

describe("rate limiting per client address", () => {
  it("is configured from wrangler.toml", () => {
    expect(env.RATE_LIMITER).toBeDefined();
  });

  it("answers the request over the limit with a 429 problem and Retry-After", async () => {
    const res = seen.overLimit;
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("60");
    expect(res.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(seen.overLimitBody).toMatchObject({ status: 429, code: "rate_limited", title: "Trop de requêtes", instance: "/api/v1/articles" });
  });

  it("limits every public endpoint, feeds, pages and answers cached in memory included", () => {
    expect(seen.cachedTier).toBe("memory");
    expect(Object.values(seen.endpoints)).toEqual(Object.values(seen.endpoints).map(() => 429));
    expect(seen.stillLimited).toBe(429);
  });

  it("shows readers a page in their language, with Retry-After, instead of problem+json", () => {
    expect(seen.page).toMatchObject({ status: 429, type: "text/html; charset=utf-8", retryAfter: "60", cache: "no-store", lang: "ko" });
    expect(seen.page.body).toContain('<html lang="ko"');
    expect(seen.page.body).toContain("요청이 너무 많습니다");
  });

  it("counts each address on its own", () => {
    expect(seen.otherAddresses).toEqual([200, 200]);
  });

  it("exempts admin calls, which are authenticated instead", () => {
    expect(seen.admin).toEqual({ read: 200, unauthenticated: 401, write: 201 });
  });

  it("does not limit requests that did not come through the edge", async () => {
    for (let i = 0; i <= LIMIT; i++) await (await SELF.fetch("http://app.test/api/v1/locales")).arrayBuffer();
    expect((await SELF.fetch("http://app.test/api/v1/locales")).status).toBe(200);
  });
});
