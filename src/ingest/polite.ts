/**
 * Limits for fetching many feeds at once without hammering any one publisher. Pacing follows
 * what each host says (robots.txt Crawl-delay, 429/503 with Retry-After); a host that has said
 * nothing gets no fixed gap, only the per-host concurrency cap.
 */
export interface Politeness {
  /** Simultaneous jobs overall (Workers allow 6 open outbound connections). */
  concurrency: number;
  /** Simultaneous jobs per host. */
  perHost: number;
  /**
   * Longest pause this run sits out for one host (Retry-After, backoff, Crawl-delay); a host
   * asking for more has its remaining jobs left for a later run.
   */
  maxWaitMs: number;
}

/**
 * A host that has said nothing (no Crawl-delay, no 429/503) may get as many requests at once as
 * the run has: six, the connections a browser opens to one host, so any publisher that serves
 * browsers already takes it, and what large aggregators allow a host that asks for nothing.
 * A host that asks is paced as it asks. `REFRESH_PER_HOST` lowers it (source.ts).
 */
export const POLITENESS: Politeness = { concurrency: 6, perHost: 6, maxWaitMs: 30_000 };

/** First pause after a 429/503 without Retry-After; doubles on each further one. */
const FIRST_BACKOFF_MS = 2_000;

/** What a job learned about its host. */
export interface HostSignal {
  /** The host answered 429 or 503. */
  throttled: boolean;
  /** Its Retry-After, if it sent one. */
  retryAfterMs: number | null;
}

export type DeferReason = "host_asked_to_wait" | "budget";

export interface PoliteHooks<T> {
  /** The host's Crawl-delay in ms (null: none), asked once per host before its first job. */
  crawlDelayOf?: (host: string, first: T) => Promise<number | null>;
  /** False once the invocation's budget is spent (`active` jobs still running): nothing more starts. */
  canStart?: (active: number) => boolean;
  /** A job that will not run in this pass, why, and until when its host asked to wait (ms). */
  deferred?: (item: T, reason: DeferReason, until: number) => void;
}

interface HostState {
  active: number;
  /** No job on this host starts before this time. */
  notBefore: number;
  /** Gap between two starts, when the host asked for one (then one job at a time). */
  crawlDelayMs: number | null;
  /** Crawl-delay looked up (or being looked up). */
  paced: "no" | "pending" | "yes";
  backoffMs: number;
}

/**
 * Runs `work` over `items` within the politeness limits. Jobs for other hosts go ahead while
 * a host waits its turn; a failing job never stops the others.
 */
export async function forEachPolitely<T>(
  items: readonly T[],
  hostOf: (item: T) => string,
  work: (item: T) => Promise<HostSignal | void>,
  limits: Politeness = POLITENESS,
  hooks: PoliteHooks<T> = {},
): Promise<void> {
  const pending = [...items];
  const hosts = new Map<string, HostState>();
  const host = (name: string) => {
    let state = hosts.get(name);
    if (!state) {
      state = { active: 0, notBefore: 0, crawlDelayMs: null, paced: hooks.crawlDelayOf ? "no" : "yes", backoffMs: FIRST_BACKOFF_MS };
      hosts.set(name, state);
    }
    return state;
  };
  let active = 0;
  let lookups = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let timerAt = Infinity;
  await new Promise<void>((resolve) => {
    const deferWhere = (test: (item: T) => boolean, reason: DeferReason, until = 0) => {
      for (let i = 0; i < pending.length; ) {
        if (test(pending[i]!)) hooks.deferred?.(pending.splice(i, 1)[0]!, reason, until);
        else i++;
      }
    };
    const pump = () => {
      if (pending.length && hooks.canStart && !hooks.canStart(active)) deferWhere(() => true, "budget");
      if (!pending.length && active === 0 && lookups === 0) return resolve();
      const now = Date.now();
      let wake = Infinity;
      for (let i = 0; i < pending.length && active < limits.concurrency; ) {
        const item = pending[i]!;
        const name = hostOf(item);
        const state = host(name);
        if (state.paced === "no") {
          state.paced = "pending";
          lookups++;
          hooks.crawlDelayOf!(name, item)
            .catch(() => null)
            .then((delay) => {
              state.crawlDelayMs = delay;
              if (delay !== null && delay > limits.maxWaitMs) deferWhere((x) => hostOf(x) === name, "host_asked_to_wait", Date.now() + delay);
            })
            .finally(() => {
              state.paced = "yes";
              lookups--;
              pump();
            });
        }
        const cap = state.crawlDelayMs === null ? limits.perHost : 1;
        if (state.paced !== "yes" || state.active >= cap || state.notBefore > now) {
          if (state.paced === "yes" && state.active < cap) wake = Math.min(wake, state.notBefore);
          i++;
          continue;
        }
        pending.splice(i, 1);
        active++;
        state.active++;
        if (state.crawlDelayMs !== null) state.notBefore = now + state.crawlDelayMs;
        work(item)
          .then((signal) => {
            if (!signal?.throttled) return;
            const pause = signal.retryAfterMs ?? state.backoffMs;
            state.backoffMs *= 2;
            state.notBefore = Math.max(state.notBefore, Date.now() + pause);
            if (pause > limits.maxWaitMs) deferWhere((x) => hostOf(x) === name, "host_asked_to_wait", state.notBefore);
          })
          .catch(() => {})
          .finally(() => {
            active--;
            state.active--;
            pump();
          });
      }
      // A host's pause ends with nothing of it running to call pump back: wake up then.
      if (pending.length && wake < timerAt) {
        if (timer) clearTimeout(timer);
        timerAt = wake;
        timer = setTimeout(() => {
          timer = null;
          timerAt = Infinity;
          pump();
        }, Math.max(0, wake - Date.now()));
      }
    };
    pump();
  });
}
