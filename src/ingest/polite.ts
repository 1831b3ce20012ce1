/** Limits for fetching many feeds at once without hammering any one publisher. */
export interface Politeness {
  /** Simultaneous jobs overall (Workers allow 6 open outbound connections). */
  concurrency: number;
  /** Simultaneous jobs per host. */
  perHost: number;
  /** Minimum time between the starts of two jobs on the same host, in ms. */
  minIntervalMs: number;
}

export const POLITENESS: Politeness = { concurrency: 6, perHost: 2, minIntervalMs: 500 };

/**
 * Runs `work` over `items` within the politeness limits. Jobs for other hosts go ahead while
 * a host waits its turn; a failing job never stops the others.
 */
export async function forEachPolitely<T>(
  items: readonly T[],
  hostOf: (item: T) => string,
  work: (item: T) => Promise<void>,
  limits: Politeness = POLITENESS,
): Promise<void> {
  const pending = [...items];
  const activeByHost = new Map<string, number>();
  const lastStart = new Map<string, number>();
  let active = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  await new Promise<void>((resolve) => {
    const pump = () => {
      if (!pending.length && active === 0) return resolve();
      let wait = Infinity;
      for (let i = 0; i < pending.length && active < limits.concurrency; ) {
        const item = pending[i]!;
        const host = hostOf(item);
        const since = Date.now() - (lastStart.get(host) ?? -Infinity);
        if ((activeByHost.get(host) ?? 0) >= limits.perHost || since < limits.minIntervalMs) {
          if (since < limits.minIntervalMs) wait = Math.min(wait, limits.minIntervalMs - since);
          i++;
          continue;
        }
        pending.splice(i, 1);
        active++;
        activeByHost.set(host, (activeByHost.get(host) ?? 0) + 1);
        lastStart.set(host, Date.now());
        work(item)
          .catch(() => {})
          .finally(() => {
            active--;
            activeByHost.set(host, (activeByHost.get(host) ?? 1) - 1);
            pump();
          });
      }
      // Only waiting on intervals (nothing running to call pump back): wake up when one ends.
      if (pending.length && wait !== Infinity && !timer) {
        timer = setTimeout(() => {
          timer = null;
          pump();
        }, wait);
      }
    };
    pump();
  });
}
