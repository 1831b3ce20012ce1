import { createExecutionContext, createScheduledController, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { inject } from "vitest";
import worker from "../../src/index";
import { REFRESH_CRON } from "../../src/ingest/schedule";

export const ADMIN = { authorization: "Bearer test-token" };
export const upstream = () => inject("feedOrigin");

/**
 * Registers a source through the admin API, pointing at a path on the loopback upstream, and
 * waits for the work it leaves running (publishing the content versions to KV), so no test
 * sees that publication land in the middle of what it measures.
 */
export async function addSource(id: string, path: string, extra: Record<string, unknown> = {}): Promise<Response> {
  const res = await fetchSettled("/api/v1/sources", {
    method: "POST",
    headers: { ...ADMIN, "content-type": "application/json" },
    body: JSON.stringify({ id, name: `Source ${id}`, url: `${upstream()}${path}`, ...extra }),
  });
  if (res.status !== 201) throw new Error(`addSource ${id}: ${res.status} ${await res.text()}`);
  return res;
}

/** Fires the Worker's cron handler and waits for the refresh it starts to finish. */
export async function runCron(): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: REFRESH_CRON, scheduledTime: Date.now() }), env, ctx);
  await waitOnExecutionContext(ctx);
}

/** Manual refresh through the admin API; returns the run report. */
export async function refreshNow(query = "force=true") {
  const res = await SELF.fetch(`http://app.test/api/v1/admin/refresh?${query}`, { method: "POST", headers: ADMIN });
  return { status: res.status, report: ((await res.json()) as { data: import("../../src/domain").RefreshRunReport }).data };
}

/**
 * Fetches through the Worker's handler directly and returns once the work it deferred after
 * answering (the cache writes) is done: the next request can then be expected to hit.
 */
export async function fetchSettled(path: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch!(new Request(`http://app.test${path}`, init) as Request<unknown, IncomingRequestCfProperties>, env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

export async function getJsonSettled<T = any>(path: string): Promise<{ res: Response; body: T }> {
  const res = await fetchSettled(path);
  return { res, body: (await res.json()) as T };
}

export async function getJson<T = any>(path: string, init?: RequestInit): Promise<{ res: Response; body: T }> {
  const res = await SELF.fetch(`http://app.test${path}`, init);
  return { res, body: (await res.json()) as T };
}

export async function upstreamRequests(): Promise<{ method: string; path: string; headers: Record<string, string> }[]> {
  return (await fetch(`${upstream()}/__requests`)).json();
}

export async function setMutableFeed(name: string, body: string, type = "application/rss+xml"): Promise<void> {
  await fetch(`${upstream()}/mutable/${name}`, { method: "PUT", headers: { "content-type": type }, body });
}

/** The response cache's entry of `Cache-Status` (RFC 9211), as its parameters. */
function cacheStatusParams(res: Response): Map<string, string> | null {
  const value = res.headers.get("cache-status");
  const entry = value?.split(",").find((e) => e.trim().startsWith("edge-news;"));
  if (!entry) return null;
  return new Map(
    entry
      .split(";")
      .slice(1)
      .map((param): [string, string] => {
        const [name = "", value = ""] = param.trim().split("=");
        return [name, value];
      }),
  );
}

/** "HIT" or "MISS" as the response cache reports it; null when it did not handle the response. */
export function cacheOf(res: Response): "HIT" | "MISS" | null {
  const params = cacheStatusParams(res);
  if (!params) return null;
  return params.has("hit") ? "HIT" : params.has("fwd") ? "MISS" : null;
}

/** The tier that answered a hit: memory, edge (the Cache API) or kv. */
export function tierOf(res: Response): string | null {
  return cacheStatusParams(res)?.get("detail") ?? null;
}
