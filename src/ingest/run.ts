import { bumpContentVersion } from "../cache/version";
import { database } from "../db/client";
import { acquireLease, releaseLease, releaseLeaseStatement, renewLease } from "../db/lease";
import { abandonRun, extendRunStatement, finishRunStatement, recordOutcome, saveOutcome, startRun } from "../db/runs";
import { claimSources, dueSources, getSource, type SourceRow } from "../db/sources";
import { recordSourceFailure, storeArticles } from "../db/store";
import type { RefreshRunReport, SourceOutcome } from "../domain";
import type { Bindings, RefreshMessage } from "../env";
import { Budget, DEFAULT_BUDGET } from "./budget";
import { DEFAULT_LIMITS, fetchFeed, type FetchLimits } from "./fetch";
import { normalizeFeed } from "./normalize";
import { forEachPolitely, type HostSignal, POLITENESS, type PoliteHooks } from "./polite";
import { FeedParseError, parseFeed } from "./parse";
import { crawlDelays } from "./robots";
import { iso, nextFetchAfterError, nextFetchAfterSuccess } from "./schedule";

export interface RefreshOptions {
  trigger: RefreshRunReport["trigger"];
  /** Refresh only this source. */
  sourceId?: string;
  /** Ignore next_fetch_at (validators are still sent). */
  force?: boolean;
  /** The run's clock (tests start runs "in the past" to see their lease lapse). */
  now?: () => number;
}

/** Sources one invocation looks at inline; the budget usually stops it earlier. */
export const MAX_SOURCES_PER_RUN = 500;
/** How long a source handed to the queue stays claimed (not due) while it waits its turn. */
const QUEUE_CLAIM_MS = 30 * 60_000;
const FANOUT_LIMIT = 20_000;
/** Sources of one host per queue message (ids are short: well under the 128 KB message limit). */
const SOURCES_PER_MESSAGE = 50;
/**
 * The lease is short and renewed while the run works, so a run that dies (deploy, crash,
 * platform limit) stops blocking the next one within a minute.
 */
export const LEASE_MS = 60_000;
const RENEW_EVERY_MS = 20_000;

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

interface SourceResult {
  outcome: SourceOutcome;
  /** What the host said about pacing (429/503, Retry-After). */
  signal: HostSignal;
  /** D1 queries spent. */
  queries: number;
}

async function refreshSource(env: Bindings, source: SourceRow, limits: FetchLimits): Promise<SourceResult> {
  const started = Date.now();
  const outcome = (o: Omit<SourceOutcome, "id" | "duration_ms">): SourceOutcome => ({ id: source.id, ...o, duration_ms: Date.now() - started });
  const quiet: HostSignal = { throttled: false, retryAfterMs: null };
  const fail = async (code: string, message: string, httpStatus: number | null, retryAfter: number | null, signal = quiet, queries = 0) => {
    const errors = source.consecutiveErrors + 1;
    await recordSourceFailure(
      env.DB,
      { sourceId: source.id, httpStatus, message: `${code}: ${message}`, consecutiveErrors: errors, nextFetchAt: nextFetchAfterError(Date.now(), errors, retryAfter) },
      iso(Date.now()),
    );
    return { outcome: outcome({ status: "error", http_status: httpStatus, new: 0, updated: 0, unchanged: 0, error: { code, message } }), signal, queries: queries + 1 };
  };

  const fetched = await fetchFeed(source.url, { etag: source.etag, lastModified: source.lastModified }, limits);
  if (fetched.kind === "failed") {
    const throttled = fetched.status === 429 || fetched.status === 503;
    const signal = { throttled, retryAfterMs: fetched.retryAfterSeconds === null ? null : fetched.retryAfterSeconds * 1000 };
    return fail(fetched.code, fetched.message, fetched.status, fetched.retryAfterSeconds, signal);
  }
  const now = iso(Date.now());
  if (fetched.kind === "not_modified") {
    const stored = await storeArticles(env.DB, [], {
      sourceId: source.id,
      etag: fetched.etag ?? source.etag,
      lastModified: fetched.lastModified ?? source.lastModified,
      httpStatus: 304,
      status: "not_modified",
      nextFetchAt: nextFetchAfterSuccess(Date.now(), { ttlMinutes: null, maxAgeSeconds: fetched.maxAgeSeconds }),
    }, now);
    return { outcome: outcome({ status: "not_modified", http_status: 304, new: 0, updated: 0, unchanged: 0, error: null }), signal: quiet, queries: stored.queries };
  }
  try {
    const feed = parseFeed(fetched.body, { url: fetched.finalUrl, contentType: fetched.contentType });
    const items = await normalizeFeed(feed, { id: source.id, url: fetched.finalUrl, language: source.language, storyScope: source.storyScope, storyKey: source.storyKey });
    const { queries, warnings, ...counts } = await storeArticles(env.DB, items, {
      sourceId: source.id,
      etag: fetched.etag,
      lastModified: fetched.lastModified,
      httpStatus: fetched.status,
      status: "ok",
      nextFetchAt: nextFetchAfterSuccess(Date.now(), { ttlMinutes: feed.ttlMinutes, maxAgeSeconds: fetched.maxAgeSeconds }),
    }, now);
    const result = outcome({ status: "ok", http_status: fetched.status, ...counts, error: null });
    return { outcome: warnings.length ? { ...result, warnings } : result, signal: quiet, queries };
  } catch (err) {
    if (err instanceof FeedParseError) return fail(`parse_${err.code}`, err.message, fetched.status, null);
    console.error(JSON.stringify({ level: "error", msg: "store failed", source: source.id, error: String(err) }));
    return fail("store_failed", "the items could not be stored; nothing was written", fetched.status, null, quiet, 1);
  }
}

function hostOf(source: SourceRow): string {
  try {
    return new URL(source.url).host;
  } catch {
    return source.url;
  }
}

function originOf(source: SourceRow): string {
  try {
    return new URL(source.url).origin;
  } catch {
    return source.url;
  }
}

/** Pacing hooks shared by inline runs and the queue consumer: robots.txt once per host. */
function pacing(env: Bindings, limits: FetchLimits): Pick<PoliteHooks<SourceRow>, "crawlDelayOf"> {
  const delays = crawlDelays({ userAgent: limits.userAgent, allowPrivate: limits.allowPrivate });
  return { crawlDelayOf: (_host, first) => delays(originOf(first)) };
}

/** Sources left by a pass, sorted into what to do with them. */
class Leftovers {
  /** Budget spent: due again right away (or handed to the queue). */
  readonly unstarted: SourceRow[] = [];
  /** Host asked to wait: not due before the host said. */
  readonly waiting = new Map<number, SourceRow[]>();

  add(source: SourceRow, reason: "budget" | "host_asked_to_wait", until: number) {
    if (reason === "budget") return void this.unstarted.push(source);
    const at = Math.ceil(until / 1000) * 1000;
    this.waiting.set(at, [...(this.waiting.get(at) ?? []), source]);
  }

  get size() {
    return this.unstarted.length + [...this.waiting.values()].reduce((n, s) => n + s.length, 0);
  }

  async parkWaiting(db: D1Database): Promise<void> {
    for (const [at, sources] of this.waiting) await claimSources(db, sources.map((s) => s.id), iso(at));
  }
}

/**
 * One refresh run. It takes the short refresh lease and records itself as running at once;
 * sources are fetched politely (pacing per host: see polite.ts), each stored atomically and its
 * outcome recorded as it finishes, while a heartbeat renews the lease. Work stops starting when
 * the invocation's budget (wall time, D1 queries) is spent: the rest goes through the queue, or
 * stays due for the next run. The cache version is bumped only if some article changed. With
 * more due sources than one invocation should handle, the run fans out through the queue.
 */
export async function runRefresh(env: Bindings, opts: RefreshOptions): Promise<RefreshRunReport> {
  const clock = opts.now ?? Date.now;
  const runId = crypto.randomUUID();
  const startedMs = clock();
  const report: RefreshRunReport = { id: runId, started_at: iso(startedMs), finished_at: null, trigger: opts.trigger, status: "running", sources: [] };
  const claim = await acquireLease(env.DB, runId, iso(startedMs), iso(startedMs + LEASE_MS));
  if (!claim.acquired) {
    const wait = claim.expiresAt ? Math.ceil((Date.parse(claim.expiresAt) - clock()) / 1000) : LEASE_MS / 1000;
    return { ...report, status: "finished", finished_at: iso(clock()), skipped: "another refresh run is in progress", retry_after: Math.max(1, wait) };
  }
  let lost = false;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  try {
    await startRun(env.DB, report, iso(startedMs + LEASE_MS));
    const limits = fetchLimits(env);
    const budget = new Budget(
      { wallMs: positive(env.REFRESH_BUDGET_MS, DEFAULT_BUDGET.wallMs), queries: positive(env.REFRESH_BUDGET_QUERIES, DEFAULT_BUDGET.queries) },
      startedMs,
      limits.timeoutMs + 5_000,
      clock,
    );
    budget.spend(3);
    heartbeat = setInterval(() => {
      const until = iso(clock() + LEASE_MS);
      budget.spend(2);
      renewLease(env.DB, runId, until, [extendRunStatement(env.DB, runId, until)])
        .then((held) => void (lost ||= !held))
        .catch(() => {});
    }, RENEW_EVERY_MS);

    const threshold = positive(env.REFRESH_FANOUT_THRESHOLD, MAX_SOURCES_PER_RUN);
    const sources = await dueSources(database(env.DB), iso(startedMs), {
      force: opts.force ?? false,
      sourceId: opts.sourceId,
      limit: env.REFRESH_QUEUE ? FANOUT_LIMIT : MAX_SOURCES_PER_RUN,
    });
    budget.spend(1);
    if (env.REFRESH_QUEUE && sources.length > threshold) {
      await handToQueue(env, env.REFRESH_QUEUE, report, sources, opts.force ?? false);
      report.queued = sources.length;
    } else {
      const left = new Leftovers();
      await forEachPolitely(
        sources.slice(0, MAX_SOURCES_PER_RUN),
        hostOf,
        async (source) => {
          const { outcome, signal, queries } = await refreshSource(env, source, limits);
          budget.spend(queries + 1);
          report.sources.push(outcome);
          await recordOutcome(env.DB, runId, outcome);
          return signal;
        },
        POLITENESS,
        { ...pacing(env, limits), canStart: (active) => !lost && budget.canStart(active), deferred: (s, reason, until) => left.add(s, reason, until) },
      );
      await left.parkWaiting(env.DB);
      if (env.REFRESH_QUEUE && left.unstarted.length) {
        await handToQueue(env, env.REFRESH_QUEUE, report, left.unstarted, opts.force ?? false);
        report.queued = left.unstarted.length;
        if (left.size > left.unstarted.length) report.deferred = left.size - left.unstarted.length;
      } else if (left.size) {
        report.deferred = left.size;
      }
    }
    const order = new Map(sources.map((s, i) => [s.id, i]));
    report.sources.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    clearInterval(heartbeat);
    report.finished_at = iso(clock());
    report.status = "finished";
    await env.DB.batch([finishRunStatement(env.DB, report), releaseLeaseStatement(env.DB, runId)]);
    if (report.sources.some((s) => s.new > 0 || s.updated > 0)) await bumpContentVersion(env.CACHE);
    return report;
  } catch (err) {
    clearInterval(heartbeat);
    // A fault (not a kill): the run shows as interrupted now and the next one may start.
    await abandonRun(env.DB, runId, iso(clock())).catch(() => {});
    await releaseLease(env.DB, runId).catch(() => {});
    throw err;
  }
}

/** Claims `sources` and sends them to the queue, grouped by host so each group is paced together. */
async function handToQueue(env: Bindings, queue: Queue<RefreshMessage>, report: RefreshRunReport, sources: SourceRow[], force: boolean) {
  // Claimed sources are not due again until their message has had time to run, so the next
  // cron does not enqueue them twice; a lost message only delays a source, never drops it.
  await claimSources(env.DB, sources.map((s) => s.id), iso(Date.now() + QUEUE_CLAIM_MS));
  const byHost = new Map<string, string[]>();
  for (const s of sources) byHost.set(hostOf(s), [...(byHost.get(hostOf(s)) ?? []), s.id]);
  const messages: MessageSendRequest<RefreshMessage>[] = [];
  for (const ids of byHost.values()) {
    for (let i = 0; i < ids.length; i += SOURCES_PER_MESSAGE) messages.push({ body: { runId: report.id, force, sourceIds: ids.slice(i, i + SOURCES_PER_MESSAGE) } });
  }
  for (let i = 0; i < messages.length; i += 100) await queue.sendBatch(messages.slice(i, i + 100));
}

/**
 * Queue consumer: refreshes the sources named in a batch (each message: sources of one host),
 * paced per host, records each outcome under the run that queued it, and bumps the content
 * version once per batch if anything changed. A message is acked when all its sources are
 * done, retried if storing an outcome failed; redelivery is harmless: storing is idempotent.
 */
export async function refreshFromQueue(env: Bindings, batch: MessageBatch<RefreshMessage>): Promise<void> {
  const limits = fetchLimits(env);
  let changed = false;
  const jobs: { source: SourceRow; message: Message<RefreshMessage> }[] = [];
  const failed = new Set<Message<RefreshMessage>>();
  const left = new Leftovers();
  for (const message of batch.messages) {
    try {
      // Messages sent before sources were grouped by host name one source each.
      const ids = message.body.sourceIds ?? [(message.body as unknown as { sourceId: string }).sourceId];
      for (const id of ids) {
        const source = await getSource(database(env.DB), id);
        if (source?.enabled) jobs.push({ source, message });
      }
    } catch {
      failed.add(message);
    }
  }
  const hooks = pacing(env, limits);
  await forEachPolitely(
    jobs,
    (job) => hostOf(job.source),
    async (job) => {
      try {
        const { outcome, signal } = await refreshSource(env, job.source, limits);
        changed ||= outcome.new > 0 || outcome.updated > 0;
        await saveOutcome(env.DB, job.message.body.runId, outcome, iso(Date.now()));
        return signal;
      } catch {
        failed.add(job.message);
      }
    },
    POLITENESS,
    { crawlDelayOf: (host, job) => hooks.crawlDelayOf!(host, job.source), deferred: (job, reason, until) => left.add(job.source, reason, until) },
  );
  await left.parkWaiting(env.DB);
  for (const message of batch.messages) failed.has(message) ? message.retry() : message.ack();
  if (changed) await bumpContentVersion(env.CACHE);
}
