/**
 * When a source is next due. Success: the normal interval, stretched (never shortened) by
 * what the publisher asked for (RSS ttl, Cache-Control max-age), capped so a huge ttl cannot
 * park a source for days. Error: exponential backoff from the normal interval, at least any
 * Retry-After, capped at a day; a source is never given up on.
 */
/** wrangler.toml's cron trigger (tests/unit/refresh-schedule.test.ts holds the two equal). */
export const REFRESH_CRON = "*/15 * * * *";
/** A source is due again one cron step after a successful fetch. */
export const REFRESH_INTERVAL_MS = Number(/^\*\/(\d+) /.exec(REFRESH_CRON)![1]) * 60_000;
const MAX_SUCCESS_INTERVAL_MS = 6 * 3600_000;
const MAX_BACKOFF_MS = 24 * 3600_000;

/** `stretch` multiplies the interval (a source whose hub pushes its stories: ingest/websub). */
export function nextFetchAfterSuccess(now: number, hints: { ttlMinutes: number | null; maxAgeSeconds: number | null }, stretch = 1): string {
  const asked = Math.max((hints.ttlMinutes ?? 0) * 60_000, (hints.maxAgeSeconds ?? 0) * 1000);
  return iso(now + stretch * Math.min(Math.max(REFRESH_INTERVAL_MS, asked), MAX_SUCCESS_INTERVAL_MS));
}

export function nextFetchAfterError(now: number, consecutiveErrors: number, retryAfterSeconds: number | null): string {
  const backoff = Math.min(REFRESH_INTERVAL_MS * 2 ** Math.max(0, Math.min(consecutiveErrors - 1, 16)), MAX_BACKOFF_MS);
  const asked = Math.min((retryAfterSeconds ?? 0) * 1000, MAX_BACKOFF_MS);
  return iso(now + Math.max(backoff, asked));
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
