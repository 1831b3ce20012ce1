import { contentChanged } from "../cache/version";
import { database } from "../db/client";
import { saveOutcome, saveRun } from "../db/runs";
import { claimSources, dueSources, getSource, type SourceRow } from "../db/sources";
import type { Bindings, RefreshMessage } from "../env";
import { DEFAULT_LIMITS, fetchFeed, type FetchLimits } from "./fetch";
import { normalizeFeed } from "./normalize";
import { forEachPolitely } from "./polite";
import { FeedParseError, parseFeed } from "./parse";
import type { RefreshRunReport, SourceOutcome } from "./report";
import { iso, nextFetchAfterError, nextFetchAfterSuccess } from "./schedule";
import { recordSourceFailure, storeArticles } from "./store";

export interface RefreshOptions {
  trigger: RefreshRunReport["trigger"];
  /** Refresh only this source. */
  sourceId?: string;
  /** Ignore next_fetch_at (validators are still sent). */
  force?: boolean;
}

/**
 * Sources one invocation handles inline; above this a run fans out through the queue. The
 * budget that sets it is D1's 1,000 queries per invocation: a source costs one fetch
 * subrequest and one D1 round trip (store.ts writes a feed of any length in one batch of
 * 4 statements per MB-sized chunk + 1), a run adds about four round trips of its own, so 500
 * changed sources need about 505 round trips (bench/refresh.mjs measures it).
 */
export const MAX_SOURCES_PER_RUN = 500;
/** How long a source handed to the queue stays claimed (not due) while it waits its turn. */
const QUEUE_CLAIM_MS = 30 * 60_000;
const FANOUT_LIMIT = 20_000;
const LEASE_MS = 10 * 60_000;
const LEASE_KEY = "refresh-lease";

/**
 * Takes the refresh lease, so a cron firing during a manual refresh (or two overlapping
 * crons) does not fetch and ingest the same sources twice. Expires on its own if a run dies.
 */
async function acquireLease(db: D1Database, runId: string, now: number): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO app_state (key, value, expires_at) VALUES (?1, ?2, ?3)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
       WHERE app_state.expires_at < ?4`,
    )
    .bind(LEASE_KEY, runId, iso(now + LEASE_MS), iso(now))
    .run();
  return result.meta.changes === 1;
}

async function releaseLease(db: D1Database, runId: string): Promise<void> {
  await db.prepare("DELETE FROM app_state WHERE key = ? AND value = ?").bind(LEASE_KEY, runId).run();
}

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export function fetchLimits(env: Bindings): FetchLimits {
  return {
    ...DEFAULT_LIMITS,
    timeoutMs: positive(env.FETCH_TIMEOUT_MS, DEFAULT_LIMITS.timeoutMs),
    maxBytes: positive(env.FETCH_MAX_BYTES, DEFAULT_LIMITS.maxBytes),
    allowPrivate: env.ALLOW_PRIVATE_UPSTREAMS === "true",
  };
}

async function refreshSource(env: Bindings, source: SourceRow, limits: FetchLimits): Promise<SourceOutcome> {
  const started = Date.now();
  const outcome = (o: Omit<SourceOutcome, "id" | "duration_ms">): SourceOutcome => ({ id: source.id, ...o, duration_ms: Date.now() - started });
  const fail = async (code: string, message: string, httpStatus: number | null, retryAfter: number | null) => {
    const errors = source.consecutiveErrors + 1;
    await recordSourceFailure(
      env.DB,
      { sourceId: source.id, httpStatus, message: `${code}: ${message}`, consecutiveErrors: errors, nextFetchAt: nextFetchAfterError(Date.now(), errors, retryAfter) },
      iso(Date.now()),
    );
    return outcome({ status: "error", http_status: httpStatus, new: 0, updated: 0, unchanged: 0, error: { code, message } });
  };

  const fetched = await fetchFeed(source.url, { etag: source.etag, lastModified: source.lastModified }, limits);
  if (fetched.kind === "failed") return fail(fetched.code, fetched.message, fetched.status, fetched.retryAfterSeconds);
  const now = iso(Date.now());
  if (fetched.kind === "not_modified") {
    await storeArticles(env.DB, [], {
      sourceId: source.id,
      etag: fetched.etag ?? source.etag,
      lastModified: fetched.lastModified ?? source.lastModified,
      httpStatus: 304,
      status: "not_modified",
      nextFetchAt: nextFetchAfterSuccess(Date.now(), { ttlMinutes: null, maxAgeSeconds: fetched.maxAgeSeconds }),
    }, now);
    return outcome({ status: "not_modified", http_status: 304, new: 0, updated: 0, unchanged: 0, error: null });
  }
  try {
    const feed = parseFeed(fetched.body, { url: fetched.finalUrl, contentType: fetched.contentType });
    const items = await normalizeFeed(feed, { id: source.id, url: fetched.finalUrl, language: source.language, storyScope: source.storyScope, storyKey: source.storyKey });
    const counts = await storeArticles(env.DB, items, {
      sourceId: source.id,
      etag: fetched.etag,
      lastModified: fetched.lastModified,
      httpStatus: fetched.status,
      status: "ok",
      nextFetchAt: nextFetchAfterSuccess(Date.now(), { ttlMinutes: feed.ttlMinutes, maxAgeSeconds: fetched.maxAgeSeconds }),
    }, now);
    return outcome({ status: "ok", http_status: fetched.status, ...counts, error: null });
  } catch (err) {
    if (err instanceof FeedParseError) return fail(`parse_${err.code}`, err.message, fetched.status, null);
    console.error(JSON.stringify({ level: "error", msg: "store failed", source: source.id, error: String(err) }));
    return fail("store_failed", "the items could not be stored; nothing was written", fetched.status, null);
  }
}

function hostOf(source: SourceRow): string {
  try {
    return new URL(source.url).host;
  } catch {
    return source.url;
  }
}

/**
 * One refresh run: due sources are fetched politely, each stored atomically; one failing
 * source never affects the others. The run and its per-source outcomes are recorded, and the
 * cache version is bumped only if some article was added or changed. With more due sources
 * than one invocation should handle, the run claims them and fans out one queue message per
 * source instead (see `refreshFromQueue`).
 */
export async function runRefresh(env: Bindings, opts: RefreshOptions): Promise<RefreshRunReport> {
  const runId = crypto.randomUUID();
  const startedMs = Date.now();
  const report: RefreshRunReport = { id: runId, started_at: iso(startedMs), finished_at: null, trigger: opts.trigger, sources: [] };
  if (!(await acquireLease(env.DB, runId, startedMs))) {
    report.finished_at = iso(Date.now());
    report.skipped = "another refresh run is in progress";
    return report;
  }
  try {
    const threshold = positive(env.REFRESH_FANOUT_THRESHOLD, MAX_SOURCES_PER_RUN);
    const sources = await dueSources(database(env.DB), iso(startedMs), {
      force: opts.force ?? false,
      sourceId: opts.sourceId,
      limit: env.REFRESH_QUEUE ? FANOUT_LIMIT : MAX_SOURCES_PER_RUN,
    });
    if (env.REFRESH_QUEUE && sources.length > threshold) return await fanOut(env, env.REFRESH_QUEUE, report, sources, opts.force ?? false);
    const limits = fetchLimits(env);
    const outcomes = new Map<string, SourceOutcome>();
    await forEachPolitely(sources.slice(0, MAX_SOURCES_PER_RUN), hostOf, async (source) => {
      outcomes.set(source.id, await refreshSource(env, source, limits));
    });
    report.sources = sources.flatMap((s) => outcomes.get(s.id) ?? []);
    report.finished_at = iso(Date.now());
    await saveRun(env.DB, report);
    await contentChanged(env, { kind: "articles", stored: report.sources.reduce((n, s) => n + s.new + s.updated, 0) });
    return report;
  } finally {
    await releaseLease(env.DB, runId);
  }
}

async function fanOut(env: Bindings, queue: Queue<RefreshMessage>, report: RefreshRunReport, sources: SourceRow[], force: boolean) {
  const ids = sources.map((s) => s.id);
  // Claimed sources are not due again until their message has had time to run, so the next
  // cron does not enqueue them twice; a lost message only delays a source, never drops it.
  await claimSources(env.DB, ids, iso(Date.now() + QUEUE_CLAIM_MS));
  await saveRun(env.DB, report);
  for (let i = 0; i < ids.length; i += 100) {
    await queue.sendBatch(ids.slice(i, i + 100).map((sourceId) => ({ body: { sourceId, runId: report.id, force } })));
  }
  report.queued = ids.length;
  return report;
}

/**
 * Queue consumer: refreshes the sources named in a batch, politely and concurrently, records
 * each outcome under the run that queued it, and bumps the content version once per batch if
 * anything changed. Redelivered messages are harmless: storing is idempotent.
 */
export async function refreshFromQueue(env: Bindings, batch: MessageBatch<RefreshMessage>): Promise<void> {
  const limits = fetchLimits(env);
  let stored = 0;
  await forEachPolitely([...batch.messages], (m) => m.body.sourceId, async (message) => {
    try {
      const source = await getSource(database(env.DB), message.body.sourceId);
      if (!source || !source.enabled) return message.ack();
      const outcome = await refreshSource(env, source, limits);
      stored += outcome.new + outcome.updated;
      await saveOutcome(env.DB, message.body.runId, outcome, iso(Date.now()));
      message.ack();
    } catch {
      message.retry();
    }
  });
  await contentChanged(env, { kind: "articles", stored });
}
