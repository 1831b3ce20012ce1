import type { ArticlesChange } from "../cache/version";
import { logStatements, type RunLog } from "../db/runs";
import { claimSources, type SourceRow } from "../db/sources";
import type { SendBatch } from "../db/write-batches";
import { recordSourceFailure, SOURCE_GONE, storeArticles } from "../db/store";
import type { SourceOutcome } from "../domain";
import type { Bindings } from "../env";
import { bodyDigest } from "./digest";
import { DEFAULT_LIMITS, fetchFeed, type FetchLimits } from "./fetch";
import { normalizeFeed } from "./normalize";
import { FeedParseError, parseFeed } from "./parse";
import { type HostSignal, type PoliteHooks, type Politeness, POLITENESS } from "./polite";
import { crawlDelays } from "./robots";
import { iso, nextFetchAfterError, nextFetchAfterSuccess } from "./schedule";
import { discoverHub } from "./websub/discover";
import { followHub, isPushing, PUSH_POLL_STRETCH } from "./websub/poll";

// The refresh of one source (fetch -> parse -> normalize -> hand to db/store) and the pacing
// around it, shared by inline runs (run.ts) and the queue consumer (queue.ts).

export function positive(value: string | undefined, fallback: number): number {
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

/**
 * The politeness limits, with the per-host cap from `REFRESH_PER_HOST` (1..concurrency).
 * `sharedBy`: invocations that may work on one host at the same time (queue consumers), which
 * share the cap between them.
 */
export function politeness(env: Bindings, sharedBy = 1): Politeness {
  const perHost = Math.floor(positive(env.REFRESH_PER_HOST, POLITENESS.perHost));
  return { ...POLITENESS, perHost: Math.max(1, Math.floor(Math.min(POLITENESS.concurrency, perHost) / sharedBy)) };
}

export interface SourceResult {
  outcome: SourceOutcome;
  /** What the host said about pacing (429/503, Retry-After). */
  signal: HostSignal;
  /** D1 queries spent. */
  queries: number;
  /** Languages of the articles it stored or edited (before and after), for the cache. */
  languages: string[];
}

/** What a source's refresh changed, as the cache is told it (src/cache/version.ts). */
export function storedChange({ outcome, languages }: Pick<SourceResult, "outcome" | "languages">): ArticlesChange {
  return { kind: "articles", stored: outcome.new + outcome.updated, languages, sources: [outcome.id] };
}

/** A source whose fetch is over (its connection released): what the host said, and the rest of its refresh. */
export interface FetchedSource {
  signal: HostSignal;
  /** Parses and stores what was fetched, or records the failure (D1). */
  finish: () => Promise<SourceResult>;
}

export async function refreshSource(env: Bindings, source: SourceRow, limits: FetchLimits, log?: RunLog, send?: SendBatch): Promise<SourceResult> {
  return (await fetchSource(env, source, limits, log, send)).finish();
}

/**
 * The fetch of one source, then (`finish`) the rest of its refresh. Split so a run can start the
 * next fetch while this body is parsed and stored: connections, not D1 writes, are what a
 * host and the runtime limit. With `log`, the outcome is written to the run log in the same D1
 * batch as the source's items or failure; `send` may merge that batch with other sources' ones.
 */
export async function fetchSource(env: Bindings, source: SourceRow, limits: FetchLimits, log?: RunLog, send?: SendBatch): Promise<FetchedSource> {
  const started = Date.now();
  const outcome = (o: Omit<SourceOutcome, "id" | "duration_ms">, durationMs = Date.now() - started): SourceOutcome => ({ id: source.id, ...o, duration_ms: durationMs });
  const quiet: HostSignal = { throttled: false, retryAfterMs: null };
  const fail = async (code: string, message: string, httpStatus: number | null, retryAfter: number | null, signal = quiet, queries = 0) => {
    const errors = source.consecutiveErrors + 1;
    const now = Date.now();
    const result = outcome({ status: "error", http_status: httpStatus, new: 0, updated: 0, unchanged: 0, error: { code, message } });
    const sent = await recordSourceFailure(
      env.DB,
      { sourceId: source.id, httpStatus, message: `${code}: ${message}`, consecutiveErrors: errors, nextFetchAt: nextFetchAfterError(now, errors, retryAfter) },
      iso(now),
      log ? logStatements(env.DB, log, result, iso(now)) : [],
    );
    return { outcome: result, signal, queries: queries + sent, languages: [] };
  };
  const logged = (status: "ok" | "not_modified", httpStatus: number) => {
    const durationMs = Date.now() - started;
    return { durationMs, outcome: log ? { log, status, httpStatus, durationMs } : undefined };
  };
  // Deleted after its fetch began: the store wrote nothing (db/store.ts), and the run says so.
  const gone = (httpStatus: number, durationMs: number, queries: number): SourceResult => {
    console.warn(JSON.stringify({ level: "warn", msg: SOURCE_GONE.message, source: source.id }));
    return { outcome: outcome({ status: "skipped", http_status: httpStatus, new: 0, updated: 0, unchanged: 0, error: { ...SOURCE_GONE } }, durationMs), signal: quiet, queries, languages: [] };
  };

  const stretch = isPushing(source.pushUntil, iso(Date.now())) ? PUSH_POLL_STRETCH : 1;
  const fetched = await fetchFeed(source.url, { etag: source.etag, lastModified: source.lastModified }, limits);
  if (fetched.kind === "failed") {
    const throttled = fetched.status === 429 || fetched.status === 503;
    const signal = { throttled, retryAfterMs: fetched.retryAfterSeconds === null ? null : fetched.retryAfterSeconds * 1000 };
    return { signal, finish: () => fail(fetched.code, fetched.message, fetched.status, fetched.retryAfterSeconds, signal) };
  }
  const finish = async (): Promise<SourceResult> => {
    const now = iso(Date.now());
    const digest = fetched.kind === "fetched" ? bodyDigest(fetched.body, source, fetched) : null;
    // A 304, or a 200 with the very bytes stored last time: only the fetch state is written.
    if (fetched.kind === "not_modified" || digest === source.bodyDigest) {
      const { durationMs, outcome: logOutcome } = logged("not_modified", fetched.status);
      const stored = await storeArticles(env.DB, [], {
        sourceId: source.id,
        etag: fetched.etag ?? source.etag,
        lastModified: fetched.lastModified ?? source.lastModified,
        httpStatus: fetched.status,
        status: "not_modified",
        nextFetchAt: nextFetchAfterSuccess(Date.now(), { ttlMinutes: null, maxAgeSeconds: fetched.maxAgeSeconds }, stretch),
      }, now, { outcome: logOutcome, send });
      if (stored.sourceGone) return gone(fetched.status, durationMs, stored.queries);
      return { outcome: outcome({ status: "not_modified", http_status: fetched.status, new: 0, updated: 0, unchanged: 0, error: null }, durationMs), signal: quiet, queries: stored.queries, languages: [] };
    }
    try {
      const feed = parseFeed(fetched.body, { url: fetched.finalUrl, contentType: fetched.contentType });
      const items = await normalizeFeed(feed, { id: source.id, url: fetched.finalUrl, language: source.language, storyScope: source.storyScope, storyKey: source.storyKey });
      const { durationMs, outcome: logOutcome } = logged("ok", fetched.status);
      const { queries, warnings, languages, sourceGone, ...counts } = await storeArticles(env.DB, items, {
        sourceId: source.id,
        etag: fetched.etag,
        lastModified: fetched.lastModified,
        httpStatus: fetched.status,
        status: "ok",
        nextFetchAt: nextFetchAfterSuccess(Date.now(), { ttlMinutes: feed.ttlMinutes, maxAgeSeconds: fetched.maxAgeSeconds }, stretch),
        bodyDigest: digest,
      }, now, { outcome: logOutcome, send, periods: env });
      // No hub is followed for a source that is gone.
      if (sourceGone) return gone(fetched.status, durationMs, queries);
      const subscribed = await followHub(env, source.id, discoverHub(fetched.link, feed, fetched.finalUrl), Date.now()).catch((err) => {
        console.error(JSON.stringify({ level: "error", msg: "websub subscription failed", source: source.id, error: String(err) }));
        return 1;
      });
      const result = outcome({ status: "ok", http_status: fetched.status, ...counts, error: null }, durationMs);
      return { outcome: warnings.length ? { ...result, warnings } : result, signal: quiet, queries: queries + subscribed, languages };
    } catch (err) {
      if (err instanceof FeedParseError) return fail(`parse_${err.code}`, err.message, fetched.status, null);
      console.error(JSON.stringify({ level: "error", msg: "store failed", source: source.id, error: String(err) }));
      return fail("store_failed", "the items could not be stored; nothing was written", fetched.status, null, quiet, 1);
    }
  };
  return { signal: quiet, finish };
}

export function hostOf(source: SourceRow): string {
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
export function pacing(limits: FetchLimits): Pick<PoliteHooks<SourceRow>, "crawlDelayOf"> {
  const delays = crawlDelays({ userAgent: limits.userAgent, allowPrivate: limits.allowPrivate });
  return { crawlDelayOf: (_host, first) => delays(originOf(first)) };
}

/** Sources left by a pass, sorted into what to do with them. */
export class Leftovers {
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

