import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { sharedKeys } from "../../src/cache/keys";
import type { Bindings } from "../../src/env";
import { countedD1 } from "../support/counted-d1";
import { faultyD1, type Switch } from "../support/faults";
import { addSource, refreshNow } from "../support/worker";

type Worker = ExportedHandler<Bindings>;
type Answer = { res: Response; body: string };

const LEADER = "edge-news; fwd=uri-miss; stored";
const FOLLOWER = `${LEADER}; collapsed`;
const status = (a: Answer) => a.res.headers.get("cache-status");

/**
 * A new isolate of this Worker (its own memory and flights) that already knows the content
 * versions, as a warm isolate does: its requests then reach the memory lookup's decision in the
 * same order they arrived.
 */
async function warmIsolate(): Promise<Worker> {
  vi.resetModules();
  const isolate = (await import("../../src/index")).default as Worker;
  expect((await call(isolate, [new Request("http://app.test/api/v1/locales")]))[0]?.res.status).toBe(200);
  return isolate;
}

/** Sends the requests to the isolate at once, each in its own context, and waits for all they deferred. */
async function call(isolate: Worker, requests: Request[], bindings: Bindings = env): Promise<Answer[]> {
  const contexts = requests.map(() => createExecutionContext());
  const responses = await Promise.all(requests.map((request, i) => isolate.fetch!(request as Request<unknown, IncomingRequestCfProperties>, bindings, contexts[i]!)));
  const bodies = await Promise.all(responses.map((res) => res.text()));
  await Promise.all(contexts.map((ctx) => waitOnExecutionContext(ctx)));
  return responses.map((res, i) => ({ res, body: bodies[i]! }));
}

const get = (path: string, headers: HeadersInit = {}, method = "GET") => new Request(`http://app.test${path}`, { method, headers });
const times = <T>(n: number, make: () => T): T[] => Array.from({ length: n }, make);

/** D1 round trips of `requests` sent at once to a new warm isolate. */
async function tripsOf(requests: Request[]): Promise<{ answers: Answer[]; trips: number }> {
  const isolate = await warmIsolate();
  const counted = countedD1(env.DB);
  const answers = await call(isolate, requests, { ...env, DB: counted.db });
  return { answers, trips: counted.trips() };
}

async function kvAnswers(): Promise<string[]> {
  return (await env.CACHE.list({ prefix: "resp:" })).keys.map((k) => k.name);
}

beforeAll(async () => {
  await addSource("coalesce-en", "/basic/en.xml");
  await addSource("coalesce-fr", "/basic/fr.atom");
  expect((await refreshNow()).status).toBe(200);
});

describe("concurrent misses of one address in an isolate", () => {
  it("are answered by one build: the D1 round trips of one request, one body, the followers marked collapsed", async () => {
    const path = "/api/v1/articles?source=coalesce-en&per_page=3";
    const alone = await tripsOf([get(path)]);
    expect(status(alone.answers[0]!)).toBe(LEADER);
    expect(alone.trips).toBeGreaterThan(0);
    // Asked for once: not written to KV (admission.ts).
    const keys = await sharedKeys("en", new URL(`http://app.test${path}`));
    expect(await kvAnswers()).not.toContain(keys.kv);

    const { answers, trips } = await tripsOf(times(8, () => get(path)));
    expect(trips).toBe(alone.trips);
    expect(answers.map(status)).toEqual([LEADER, ...times(7, () => FOLLOWER)]);
    for (const { res, body } of answers) {
      expect(res.status).toBe(200);
      expect(body).toBe(alone.answers[0]!.body);
      expect(res.headers.get("etag")).toBe(alone.answers[0]!.res.headers.get("etag"));
    }
  });

  it("counts a follower as the second request: the answer is written to its shared tier once", async () => {
    const path = "/api/v1/articles?source=coalesce-en&per_page=4";
    const keys = await sharedKeys("en", new URL(`http://app.test${path}`));
    const puts: string[] = [];
    const kv = new Proxy(env.CACHE, {
      get(target, name) {
        if (name === "put") return (key: string, ...rest: unknown[]) => (puts.push(key), (target.put as (...a: unknown[]) => unknown).call(target, key, ...rest));
        const value = Reflect.get(target, name) as unknown;
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const answers = await call(await warmIsolate(), times(4, () => get(path)), { ...env, CACHE: kv });
    expect(answers.map(status)).toEqual([LEADER, FOLLOWER, FOLLOWER, FOLLOWER]);
    expect(puts.filter((key) => key === keys.kv)).toHaveLength(1);
    // Another isolate now reads it from KV.
    const other = await call(await warmIsolate(), [get(path)]);
    expect(status(other[0]!)).toBe("edge-news; hit; detail=kv");
    expect(other[0]!.body).toBe(answers[0]!.body);
  });

  it("lets HEAD requests follow a GET and answers them without a body", async () => {
    const path = "/api/v1/articles?source=coalesce-en&per_page=5";
    const alone = await tripsOf([get(path)]);
    const { answers, trips } = await tripsOf([get(path), ...times(3, () => get(path, {}, "HEAD"))]);
    expect(trips).toBe(alone.trips);
    expect(answers.map(status)).toEqual([LEADER, FOLLOWER, FOLLOWER, FOLLOWER]);
    for (const { res, body } of answers.slice(1)) {
      expect(res.status).toBe(200);
      expect(body).toBe("");
      expect(res.headers.get("etag")).toBe(answers[0]!.res.headers.get("etag"));
    }
  });

  it("answers a conditional follower with a 304 from what the leader kept", async () => {
    const path = "/api/v1/articles?source=coalesce-fr&per_page=7";
    const alone = await tripsOf([get(path)]);
    const etag = alone.answers[0]!.res.headers.get("etag")!;
    const { answers, trips } = await tripsOf([get(path), get(path, { "if-none-match": etag })]);
    expect(trips).toBe(alone.trips);
    expect(answers.map((a) => a.res.status)).toEqual([200, 304]);
    expect(answers[1]!.body).toBe("");
    expect(answers[1]!.res.headers.get("etag")).toBe(etag);
  });

  it("does not collapse requests whose Accept-Language negotiates another locale", async () => {
    const path = "/api/v1/articles?source=coalesce-en&per_page=6";
    const languages = ["fr", "en-GB", "fr", "en-GB", "fr", "en-GB"];
    const answers = await call(await warmIsolate(), languages.map((language) => get(path, { "accept-language": language })));
    expect(answers.map(status)).toEqual([LEADER, LEADER, FOLLOWER, FOLLOWER, FOLLOWER, FOLLOWER]);
    answers.forEach(({ res, body }, i) => {
      expect(res.status).toBe(200);
      expect(res.headers.get("content-language")).toBe(languages[i] === "fr" ? "fr" : "en");
      expect(body).toBe(answers[i % 2]!.body);
    });
  });

  it("lets every follower build its own answer when the leader's is not kept in memory (filed under another address)", async () => {
    const path = "/api/v1/articles?source=coalesce-en&per_page=7&utm_source=letter";
    const answers = await call(await warmIsolate(), times(4, () => get(path)));
    expect(status(answers[0]!)).toBe(LEADER);
    for (const answer of answers) {
      expect(answer.res.status).toBe(200);
      expect(answer.res.headers.get("content-location")).toBe("/api/v1/articles?source=coalesce-en&per_page=7");
      expect(answer.body).toBe(answers[0]!.body);
    }
    // Each follower waited, could not reuse the answer and went forward itself (or found the
    // leader's KV write, which an answer memory does not keep gets at once).
    for (const answer of answers.slice(1)) expect(status(answer)).toMatch(/^edge-news; (?:fwd=uri-miss; stored; collapsed=\?0|hit; detail=kv)$/);
  });

  it("leaves sequential requests as they were: a miss, then memory hits", async () => {
    const path = "/api/v1/articles?source=coalesce-fr&per_page=3";
    const isolate = await warmIsolate();
    expect((await call(isolate, [get(path)])).map(status)).toEqual([LEADER]);
    expect((await call(isolate, [get(path)])).map(status)).toEqual(["edge-news; hit; detail=memory"]);
    expect((await call(isolate, [get(path)])).map(status)).toEqual(["edge-news; hit; detail=memory"]);
  });
});

describe("rate limiting of followers", () => {
  /** The bindings with the rate limiter's calls counted. */
  function countedLimiter(): { bindings: Bindings; calls: () => number } {
    let calls = 0;
    const limiter = env.RATE_LIMITER!;
    return { bindings: { ...env, RATE_LIMITER: { limit: (options: RateLimitOptions) => (calls++, limiter.limit(options)) } }, calls: () => calls };
  }
  const from = (ip: string, path: string) => get(path, { "cf-connecting-ip": ip });

  it("counts only the leader's build: a follower answered from memory is a memory hit", async () => {
    const { bindings, calls } = countedLimiter();
    const answers = await call(await warmIsolate(), times(6, () => from("198.51.100.7", "/api/v1/articles?source=coalesce-fr&per_page=6")), bindings);
    expect(answers.map(status)).toEqual([LEADER, ...times(5, () => FOLLOWER)]);
    expect(calls()).toBe(1);
  });

  it("counts every follower of a search, as a search is counted when memory answers it", async () => {
    const { bindings, calls } = countedLimiter();
    const answers = await call(await warmIsolate(), times(4, () => from("198.51.100.8", "/api/v1/search?q=coalesce")), bindings);
    expect(answers.map((a) => a.res.status)).toEqual([200, 200, 200, 200]);
    expect(answers.map(status)).toEqual([LEADER, FOLLOWER, FOLLOWER, FOLLOWER]);
    expect(calls()).toBe(4);
  });
});

describe("a leader that fails", () => {
  it("gives every request the answer it gets alone (503 problem), and the next request builds afresh", async () => {
    const d1: Switch = { fault: "error" };
    const counted = countedD1(faultyD1(env.DB, d1));
    const bindings: Bindings = { ...env, DB: counted.db };
    const path = "/api/v1/articles?source=coalesce-fr&per_page=4";
    const alone = await call(await warmIsolate(), [get(path)], bindings);
    expect(alone[0]!.res.status).toBe(503);
    const tripsAlone = counted.trips();
    expect(tripsAlone).toBeGreaterThan(0);
    const isolate = await warmIsolate();
    const failed = await call(isolate, times(6, () => get(path)), bindings);
    // None hung, and each follower, finding nothing kept, tried D1 itself, as it does alone.
    expect(counted.trips() - tripsAlone).toBe(6 * tripsAlone);
    for (const { res, body } of failed) {
      expect(res.status).toBe(503);
      expect(res.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
      expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(JSON.parse(body)).toMatchObject({ status: 503, code: "storage_unavailable" });
    }
    d1.fault = "none";
    const [again] = await call(isolate, [get(path)], bindings);
    expect(again!.res.status).toBe(200);
    expect(status(again!)).toBe(LEADER);
    expect((await call(isolate, [get(path)], bindings)).map(status)).toEqual(["edge-news; hit; detail=memory"]);
  });
});

describe("a leader that never lands", () => {
  it("keeps its followers waiting a bounded time: then they build their own answers, and later requests do not wait", async () => {
    const path = "/api/v1/articles?source=coalesce-fr&per_page=5";
    const isolate = await warmIsolate();
    // The leader's D1 never answers (its client went away, say): it never reaches its `finally`.
    const hung: Bindings = { ...env, DB: faultyD1(env.DB, { fault: "hang" }) };
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let followers: Promise<Answer[]>;
    try {
      void isolate.fetch!(get(path) as Request<unknown, IncomingRequestCfProperties>, hung, createExecutionContext());
      followers = call(isolate, times(3, () => get(path)));
      // Each follower waits with its own bound.
      await vi.waitFor(() => expect(vi.getTimerCount()).toBeGreaterThanOrEqual(3));
      vi.advanceTimersByTime(5_000);
    } finally {
      vi.useRealTimers();
    }
    for (const answer of await followers) {
      expect(answer.res.status).toBe(200);
      expect(status(answer)).toBe(`${LEADER}; collapsed=?0`);
    }
    expect((await call(isolate, [get(path)])).map(status)).toEqual(["edge-news; hit; detail=memory"]);
  });
});
