/**
 * What one invocation may spend on inline refresh work: wall time (a cron invocation and an
 * HTTP request both end) and D1 queries (1,000 per invocation). A source starts only if the
 * work already started plus it fits: one fetch at its timeout, and the queries of a typical
 * source (store batch of one or two chunks, outcome, lease renewals around it).
 */
export interface BudgetLimits {
  wallMs: number;
  queries: number;
}

/** 200 queries of headroom under D1's 1,000 for the run's own writes and large feeds. */
export const DEFAULT_BUDGET: BudgetLimits = { wallMs: 120_000, queries: 800 };
const QUERIES_PER_SOURCE = 12;

export class Budget {
  private used = 0;

  constructor(
    private readonly limits: BudgetLimits,
    private readonly startedMs: number,
    /** Longest a source can take: the fetch timeout plus storing. */
    private readonly perSourceMs: number,
    private readonly clock: () => number,
  ) {}

  spend(queries: number): void {
    this.used += queries;
  }

  get queriesUsed(): number {
    return this.used;
  }

  /** Whether one more source may start while `active` others are still working. */
  canStart(active: number): boolean {
    const timeLeft = this.limits.wallMs - (this.clock() - this.startedMs);
    return timeLeft >= this.perSourceMs && this.used + (active + 1) * QUERIES_PER_SOURCE <= this.limits.queries;
  }
}
