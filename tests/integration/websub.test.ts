import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { runRefresh } from "../../src/ingest/run";
import { ADMIN, addSource, getJson, refreshNow, runCron, upstream, upstreamRequests } from "../support/worker";

interface HubRequest {
  "hub.mode": string;
  "hub.topic": string;
  "hub.callback": string;
  "hub.secret": string;
  "hub.lease_seconds": string;
  "content-type": string;
  method: string;
}

const feedPath = (query: string) => `/websub/feed?${query}`;
const topicOf = (query: string) => `${upstream()}${feedPath(query)}`;

async function hubRequests(topic: string): Promise<HubRequest[]> {
  return (await fetch(`${upstream()}/websub/hub-requests?${new URLSearchParams({ topic })}`)).json();
}

async function subscriptions(): Promise<Record<string, any>> {
  const { body } = await getJson("/api/v1/admin/subscriptions", { headers: ADMIN });
  return Object.fromEntries(body.data.map((s: any) => [s.source_id, s]));
}

/** What the hub does to verify intent: a GET on the callback with its parameters. */
function verify(callback: string, params: Record<string, string>) {
  return SELF.fetch(`${callback}?${new URLSearchParams(params)}`);
}

async function sign(secret: string, body: string, algorithm: "SHA-256" | "SHA-1" = "SHA-256"): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: algorithm }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  return `${algorithm === "SHA-1" ? "sha1" : "sha256"}=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

function deliver(callback: string, body: string, signature: string | null) {
  return SELF.fetch(callback, {
    method: "POST",
    headers: { "content-type": "application/atom+xml", ...(signature ? { "x-hub-signature": signature } : {}) },
    body,
  });
}

const pushed = (name: string, n: number) =>
  `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Pushed ${name}</title><id>urn:push:${name}</id><updated>2026-12-07T09:00:00Z</updated>` +
  `<entry><title>Pushed story ${n} of ${name}</title><id>urn:push:${name}:p${n}</id><link href="https://push.example.org/${name}/p${n}"/><updated>2026-12-07T09:0${n}:00Z</updated><summary>Delivered by the hub.</summary></entry></feed>`;

async function titles(source: string): Promise<string[]> {
  const { body } = await getJson(`/api/v1/articles?source=${source}&per_page=100`);
  return body.data.map((a: { title: string }) => a.title).sort();
}

async function pushRuns(): Promise<any[]> {
  const { body } = await getJson("/api/v1/admin/runs?limit=100", { headers: ADMIN });
  return body.data.filter((r: { trigger: string }) => r.trigger === "push");
}

async function source(id: string): Promise<Record<string, any>> {
  const { body } = await getJson("/api/v1/sources");
  return body.data.find((s: { id: string }) => s.id === id);
}

async function nextFetchIn(id: string): Promise<number> {
  return Date.parse((await source(id)).next_fetch_at) - Date.now();
}

/** Adds a source on a hub-declaring feed, polls it once, and returns the hub's request. */
async function subscribed(id: string, query: string): Promise<HubRequest> {
  await addSource(id, feedPath(query));
  const { report } = await refreshNow(`source=${id}`);
  expect(report.sources[0]?.status).toBe("ok");
  const requests = await hubRequests(topicOf(query));
  expect(requests).toHaveLength(1);
  return requests[0]!;
}

async function active(id: string, query: string, lease = "864000"): Promise<HubRequest> {
  const request = await subscribed(id, query);
  const res = await verify(request["hub.callback"], { "hub.mode": "subscribe", "hub.topic": request["hub.topic"], "hub.challenge": `c-${id}`, "hub.lease_seconds": lease });
  expect(res.status).toBe(200);
  return request;
}

describe("WebSub subscription", () => {
  it("subscribes at the hub an Atom feed declares, with the request WebSub prescribes", async () => {
    const request = await subscribed("ws-atom", "name=atom");
    expect(request.method).toBe("POST");
    expect(request["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(request["hub.mode"]).toBe("subscribe");
    expect(request["hub.topic"]).toBe(topicOf("name=atom"));
    expect(request["hub.callback"]).toMatch(/^http:\/\/app\.test\/websub\/[0-9a-f]{32}$/);
    expect(new TextEncoder().encode(request["hub.secret"]).length).toBeGreaterThanOrEqual(32);
    expect(new TextEncoder().encode(request["hub.secret"]).length).toBeLessThan(200);
    expect(request["hub.lease_seconds"]).toBe("864000");
    const sub = (await subscriptions())["ws-atom"];
    expect(sub).toMatchObject({ state: "pending", hub: `${upstream()}/websub/hub`, topic: topicOf("name=atom") });
    expect(sub.secret).toBeUndefined();
    // Polling the feed again does not ask the hub again.
    await refreshNow("source=ws-atom");
    expect(await hubRequests(topicOf("name=atom"))).toHaveLength(1);
  });

  it("finds the hub in an RSS feed's atom:link and in a Link header", async () => {
    expect((await subscribed("ws-rss", "name=rss&format=rss"))["hub.topic"]).toBe(topicOf("name=rss&format=rss"));
    expect((await subscribed("ws-header", "name=header&via=header"))["hub.topic"]).toBe(topicOf("name=header&via=header"));
    const subs = await subscriptions();
    expect(subs["ws-rss"].hub).toBe(`${upstream()}/websub/hub`);
    expect(subs["ws-header"].hub).toBe(`${upstream()}/websub/hub`);
  });

  it("echoes the challenge only for the pending subscription's own topic", async () => {
    const request = await subscribed("ws-verify", "name=verify");
    const callback = request["hub.callback"];
    const wrongTopic = await verify(callback, { "hub.mode": "subscribe", "hub.topic": `${upstream()}/other.xml`, "hub.challenge": "abc" });
    expect(wrongTopic.status).toBe(404);
    expect(await wrongTopic.text()).not.toContain("abc");
    const unknown = await verify("http://app.test/websub/0123456789abcdef0123456789abcdef", { "hub.mode": "subscribe", "hub.topic": request["hub.topic"], "hub.challenge": "abc" });
    expect(unknown.status).toBe(404);
    const unsubscribe = await verify(callback, { "hub.mode": "unsubscribe", "hub.topic": request["hub.topic"], "hub.challenge": "abc" });
    expect(unsubscribe.status).toBe(404);
    expect((await subscriptions())["ws-verify"].state).toBe("pending");

    const ok = await verify(callback, { "hub.mode": "subscribe", "hub.topic": request["hub.topic"], "hub.challenge": "xyz-123", "hub.lease_seconds": "3600" });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe("xyz-123");
    const sub = (await subscriptions())["ws-verify"];
    expect(sub.state).toBe("active");
    const lease = Date.parse(sub.lease_expires_at) - Date.parse(sub.verified_at);
    expect(lease).toBe(3600_000);
  });

  it("refuses a verification without a challenge with a 400 naming it", async () => {
    const request = await subscribed("ws-nochallenge", "name=nochallenge");
    const res = await verify(request["hub.callback"], { "hub.mode": "subscribe", "hub.topic": request["hub.topic"] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain("hub.challenge");
  });

  it("records a denial and keeps polling at the normal interval", async () => {
    const request = await subscribed("ws-denied", "name=denied");
    const res = await verify(request["hub.callback"], { "hub.mode": "denied", "hub.topic": request["hub.topic"], "hub.reason": "not today" });
    expect(res.status).toBe(200);
    const sub = (await subscriptions())["ws-denied"];
    expect(sub.state).toBe("denied");
    expect(sub.last_error).toContain("not today");
    expect(sub.retry_at).not.toBeNull();
    await refreshNow("source=ws-denied");
    expect(await nextFetchIn("ws-denied")).toBeLessThanOrEqual(15 * 60_000);
    // The retry is a day away: polling does not ask the hub again before then.
    expect(await hubRequests(topicOf("name=denied"))).toHaveLength(1);
  });
});

describe("WebSub content distribution", () => {
  it("stores a signed delivery through the refresh pipeline, lists it and records a push run", async () => {
    const request = await active("ws-push", "name=push");
    expect(await titles("ws-push")).toEqual(["First story of push"]);
    const before = await source("ws-push");
    const res = await deliver(request["hub.callback"], pushed("push", 1), await sign(request["hub.secret"], pushed("push", 1)));
    expect(res.status).toBe(202);
    expect(await titles("ws-push")).toEqual(["First story of push", "Pushed story 1 of push"]);
    const runs = await pushRuns();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "finished", sources: [{ id: "ws-push", status: "ok", new: 1, updated: 0, unchanged: 0, error: null }] });
    // The poll's state (schedule, health) is the poll's: a push leaves it as it was.
    expect(await source("ws-push")).toEqual({ ...before, article_count: 2 });
    // sha1 signatures are accepted too.
    const sha1 = await deliver(request["hub.callback"], pushed("push", 2), await sign(request["hub.secret"], pushed("push", 2), "SHA-1"));
    expect(sha1.status).toBe(202);
    expect(await titles("ws-push")).toContain("Pushed story 2 of push");
    expect((await subscriptions())["ws-push"].last_push_at).not.toBeNull();
  });

  it("answers 2xx to a forged or missing signature, as WebSub requires, and stores nothing", async () => {
    const request = await active("ws-forged", "name=forged");
    const body = pushed("forged", 1);
    const forged = await deliver(request["hub.callback"], body, await sign("not-the-secret", body));
    expect(forged.status).toBe(202);
    const missing = await deliver(request["hub.callback"], body, null);
    expect(missing.status).toBe(202);
    const malformed = await deliver(request["hub.callback"], body, "sha256=zz");
    expect(malformed.status).toBe(202);
    // A signature of another body (a tampered delivery).
    const tampered = await deliver(request["hub.callback"], body, await sign(request["hub.secret"], pushed("forged", 2)));
    expect(tampered.status).toBe(202);
    expect(await titles("ws-forged")).toEqual(["First story of forged"]);
    expect((await pushRuns()).filter((r) => r.sources[0]?.id === "ws-forged")).toEqual([]);
    // The same body, signed, is then taken: a bad delivery was not remembered as received.
    const good = await deliver(request["hub.callback"], body, await sign(request["hub.secret"], body));
    expect(good.status).toBe(202);
    expect(await titles("ws-forged")).toContain("Pushed story 1 of forged");
  });

  it("recognizes a replayed delivery and stores nothing new", async () => {
    const request = await active("ws-replay", "name=replay");
    const body = pushed("replay", 1);
    const signature = await sign(request["hub.secret"], body);
    expect((await deliver(request["hub.callback"], body, signature)).status).toBe(202);
    const runs = (await pushRuns()).filter((r) => r.sources[0]?.id === "ws-replay");
    expect(runs).toHaveLength(1);
    for (let i = 0; i < 3; i++) expect((await deliver(request["hub.callback"], body, signature)).status).toBe(202);
    expect((await pushRuns()).filter((r) => r.sources[0]?.id === "ws-replay")).toHaveLength(1);
    expect(await titles("ws-replay")).toEqual(["First story of replay", "Pushed story 1 of replay"]);
    const { body: listing } = await getJson("/api/v1/articles?source=ws-replay");
    expect(listing.meta.total).toBe(2);
  });

  it("refuses an unknown callback (410), a body over the limit (413) and an unreadable signed body (400)", async () => {
    const gone = await deliver("http://app.test/websub/0123456789abcdef0123456789abcdef", pushed("x", 1), "sha256=00");
    expect(gone.status).toBe(410);
    const request = await active("ws-limits", "name=limits");
    const huge = "x".repeat(2 * 1024 * 1024 + 1);
    const tooLarge = await deliver(request["hub.callback"], huge, await sign(request["hub.secret"], huge));
    expect(tooLarge.status).toBe(413);
    const junk = "this is not a feed";
    const unreadable = await deliver(request["hub.callback"], junk, await sign(request["hub.secret"], junk));
    expect(unreadable.status).toBe(400);
    expect(unreadable.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(((await unreadable.json()) as { code: string }).code).toBe("unreadable_content");
    expect(await titles("ws-limits")).toEqual(["First story of limits"]);
    const failedRun = (await pushRuns()).find((r) => r.sources[0]?.id === "ws-limits");
    expect(failedRun.sources[0]).toMatchObject({ status: "error", error: { code: "parse_unrecognized_format" } });
  });

  it("lets a disabled source's hub know the subscription is gone (410) and stores nothing", async () => {
    const request = await active("ws-disabled", "name=disabled");
    const patch = await SELF.fetch("http://app.test/api/v1/sources/ws-disabled", { method: "PATCH", headers: { ...ADMIN, "content-type": "application/json" }, body: JSON.stringify({ enabled: false }) });
    expect(patch.status).toBe(200);
    const body = pushed("disabled", 1);
    expect((await deliver(request["hub.callback"], body, await sign(request["hub.secret"], body))).status).toBe(410);
    expect(await titles("ws-disabled")).toEqual(["First story of disabled"]);
  });

  it("refuses a push for a deleted source (410) before anything reaches the store", async () => {
    const request = await active("ws-deleted", "name=deleted");
    expect((await SELF.fetch("http://app.test/api/v1/sources/ws-deleted", { method: "DELETE", headers: ADMIN })).status).toBe(204);
    const body = pushed("deleted", 1);
    expect((await deliver(request["hub.callback"], body, await sign(request["hub.secret"], body))).status).toBe(410);
    const { results } = await env.DB.prepare("SELECT title FROM articles WHERE source_id = 'ws-deleted'").all<{ title: string }>();
    expect(results.map((r) => r.title)).toEqual(["First story of deleted"]);
    expect((await pushRuns()).filter((r) => r.sources[0]?.id === "ws-deleted")).toEqual([]);
  });
});

describe("WebSub leases and the fallback to polling", () => {
  it("stretches the poll interval fourfold while a subscription is active", async () => {
    await active("ws-stretch", "name=stretch");
    await refreshNow("source=ws-stretch");
    expect(await nextFetchIn("ws-stretch")).toBeGreaterThan(45 * 60_000);
  });

  it("renews a lease about to end from the cron, and polls normally again once it lapsed", async () => {
    const request = await active("ws-lease", "name=lease", "60");
    await runCron();
    const requests = await hubRequests(topicOf("name=lease"));
    expect(requests).toHaveLength(2);
    // A renewal: the same callback and secret.
    expect(requests[1]).toMatchObject({ "hub.mode": "subscribe", "hub.callback": request["hub.callback"], "hub.secret": request["hub.secret"] });

    // The lease runs out before the hub verifies the renewal.
    await env.DB.prepare("UPDATE websub_subscriptions SET lease_expires_at = '2026-01-01T00:00:00Z', verified_at = requested_at WHERE source_id = 'ws-lease'").run();
    await runCron();
    expect((await subscriptions())["ws-lease"].state).toBe("expired");
    expect(await hubRequests(topicOf("name=lease"))).toHaveLength(3);
    await refreshNow("source=ws-lease");
    expect(await nextFetchIn("ws-lease")).toBeLessThanOrEqual(15 * 60_000);

    // The hub verifies the request after all: pushed again, polled less.
    const res = await verify(request["hub.callback"], { "hub.mode": "subscribe", "hub.topic": request["hub.topic"], "hub.challenge": "again" });
    expect(await res.text()).toBe("again");
    expect((await subscriptions())["ws-lease"].state).toBe("active");
  });

  it("keeps polling a source whose hub is down, and asks that hub again only after a day", async () => {
    await addSource("ws-down", feedPath("name=down&hub=down"));
    const { report } = await refreshNow("source=ws-down");
    expect(report.sources[0]).toMatchObject({ status: "ok", new: 1 });
    const sub = (await subscriptions())["ws-down"];
    expect(sub).toMatchObject({ state: "failed", last_error: "hub answered HTTP 503" });
    expect(Date.parse(sub.retry_at) - Date.now()).toBeGreaterThan(23 * 3600_000);
    expect(await titles("ws-down")).toEqual(["First story of down"]);
    expect(await nextFetchIn("ws-down")).toBeLessThanOrEqual(15 * 60_000);
    await refreshNow("source=ws-down");
    const hubCalls = (await upstreamRequests()).filter((r) => r.path === "/websub/hub-down");
    expect(hubCalls).toHaveLength(1);
  });

  it("never sends a subscription request to a hub on a forbidden address", async () => {
    await addSource("ws-ssrf", feedPath("name=ssrf&hub=metadata"));
    await refreshNow("source=ws-ssrf");
    const sub = (await subscriptions())["ws-ssrf"];
    expect(sub.state).toBe("failed");
    expect(sub.last_error).toMatch(/^hub refused: /);
  });

  it("does not subscribe without a public callback address", async () => {
    await addSource("ws-local", feedPath("name=local"));
    const report = await runRefresh({ ...env, WEBSUB_CALLBACK_BASE: "", PUBLIC_BASE_URL: "" }, { trigger: "manual", sourceId: "ws-local", force: true });
    expect(report.sources[0]?.status).toBe("ok");
    expect((await subscriptions())["ws-local"]).toBeUndefined();
    expect(await hubRequests(topicOf("name=local"))).toHaveLength(0);
  });
});
