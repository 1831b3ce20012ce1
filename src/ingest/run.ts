import { combined, contentChanged, type ArticlesChange } from "../cache/version";
import { acquireLease, releaseLease, releaseLeaseStatement, renewLease } from "../db/lease";
import { abandonRun, extendRunStatement, finishRunStatement, startRun } from "../db/runs";
import { dueSources } from "../db/sources";
import { coalescingSender } from "../db/write-batches";
import type { RefreshRunReport } from "../domain";
import type { Bindings } from "../env";
import { Budget, DEFAULT_BUDGET } from "./budget";
import { healthChanged } from "./health";
import { forEachPolitely } from "./polite";
import { handToQueue } from "./queue";
import { iso } from "./schedule";
import { fetchLimits, fetchSource, hostOf, Leftovers, pacing, politeness, positive, storedChange } from "./source";
import { maintainSubscriptions } from "./websub/maintain";

export { fetchLimits } from "./source";
export { refreshFromQueue } from "./queue";

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
const FANOUT_LIMIT = 20_000;
/**
 * The lease is short and renewed while the run works, so a run that dies (deploy, crash,
 * platform limit) stops blocking the next one within a minute.
 */
export const LEASE_MS = 60_000;
const RENEW_EVERY_MS = 20_000;
/** Sources parsed and stored at once beside the fetches. */
const WRITES_IN_FLIGHT = 6;

/**
 * One refresh run. It takes the short refresh lease and records itself as running at once;
 * sources are fetched politely (pacing per host: see polite.ts), each stored atomically and its
 * outcome recorded as it finishes, while a heartbeat renews the lease. Work stops starting when
 * the invocation's budget (wall time, D1 queries) is spent: the rest goes through the queue, or
 * stays due for the next run. The cache is told once which languages and sources had articles
 * stored or edited, and retires only the answers that depend on them. With
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
  /** Sources whose reported health changed beyond fetch times (health.ts). */
  let health = 0;
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

    const changed: ArticlesChange[] = [];
    const threshold = positive(env.REFRESH_FANOUT_THRESHOLD, MAX_SOURCES_PER_RUN);
    const sources = await dueSources(env.DB, iso(startedMs), {
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
      // A source's fetch slot is free once its body is read: its parse and store run beside the
      // next fetches (at most WRITES_IN_FLIGHT at once, so memory and D1 stay bounded).
      const writing = new Set<Promise<void>>();
      // Sources stored at once share D1 round trips (write-batches.ts).
      const send = coalescingSender(env.DB);
      await forEachPolitely(
        sources.slice(0, MAX_SOURCES_PER_RUN),
        hostOf,
        async (source) => {
          const fetched = await fetchSource(env, source, limits, { runId }, send);
          const write = fetched.finish().then(({ outcome, queries, languages }) => {
            budget.spend(queries);
            changed.push(storedChange({ outcome, languages }));
            report.sources.push(outcome);
            if (healthChanged(source, outcome)) health += 1;
          });
          writing.add(write);
          write.catch(() => {}).finally(() => writing.delete(write));
          while (writing.size > WRITES_IN_FLIGHT) await Promise.race(writing).catch(() => {});
          return fetched.signal;
        },
        politeness(env),
        { ...pacing(limits), canStart: (active) => !lost && budget.canStart(active + writing.size), deferred: (s, reason, until) => left.add(s, reason, until) },
      );
      await Promise.allSettled([...writing]);
      await left.parkWaiting(env.DB);
      if (env.REFRESH_QUEUE && left.unstarted.length) {
        await handToQueue(env, env.REFRESH_QUEUE, report, left.unstarted, opts.force ?? false);
        report.queued = left.unstarted.length;
        if (left.size > left.unstarted.length) report.deferred = left.size - left.unstarted.length;
      } else if (left.size) {
        report.deferred = left.size;
      }
    }
    // Under the refresh lease, so overlapping crons do not ask a hub twice.
    if (opts.trigger === "cron") await maintainSubscriptions(env, clock()).catch((err) => console.error(JSON.stringify({ level: "error", msg: "websub maintenance failed", error: String(err) })));
    const order = new Map(sources.map((s, i) => [s.id, i]));
    report.sources.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    clearInterval(heartbeat);
    report.finished_at = iso(clock());
    report.status = "finished";
    await env.DB.batch([finishRunStatement(env.DB, report), releaseLeaseStatement(env.DB, runId)]);
    await contentChanged(env, { ...combined(changed), health });
    return report;
  } catch (err) {
    clearInterval(heartbeat);
    // A fault (not a kill): the run shows as interrupted now and the next one may start.
    await abandonRun(env.DB, runId, iso(clock())).catch(() => {});
    await releaseLease(env.DB, runId).catch(() => {});
    throw err;
  }
}

