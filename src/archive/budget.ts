import { databaseFigures } from "../db/capacity";
import { periodFigures, type PeriodStatus } from "../db/shard-registry";
import { firstDueRow } from "../db/shard-move";
import type { Bindings } from "../env";
import { destination, liveDays, moveCutoff, readRegistry, type MoveBlocked } from "./move";

const DAY_MS = 86_400_000;
const MB = 1024 * 1024;
/** Half of D1's 10 GB per database, so a migration that copies a table still fits (docs/CAPACITY.md). */
const DEFAULT_BUDGET_MB = 5120;
/** The cron warns once the budget is this many days of ingest away, at the last day's pace. */
export const BUDGET_WARN_DAYS = 14;

/** The live database against its budget: when it must shed articles (docs/CAPACITY.md, "Past one database"). */
export interface BudgetReport {
  database_bytes: number;
  budget_bytes: number;
  articles: number;
  articles_last_day: number;
  /** The database's size over its articles: what an article costs, archived or not, on average. */
  bytes_per_article: number | null;
  /** Days of articles at the last day's pace that the budget holds in all. */
  days_held: number | null;
  /** Days until the budget is reached at that pace; negative once past it. */
  days_left: number | null;
}

/** DB_BUDGET_MB as bytes; anything but a positive number is the default. */
function budgetOf(value: string | undefined): number {
  const mb = Number(value ?? DEFAULT_BUDGET_MB);
  return Math.round((Number.isFinite(mb) && mb > 0 ? mb : DEFAULT_BUDGET_MB) * MB);
}

const oneDecimal = (n: number) => Math.round(n * 10) / 10;

/**
 * The live database's size, its articles and the last day's ingest, and what they mean for
 * the budget (DB_BUDGET_MB, default 5 GB). A projection at the average cost of an article: new
 * articles cost more until their bodies are archived, old ones less.
 */
export async function checkBudget(env: Bindings, now: Date = new Date()): Promise<BudgetReport> {
  const figures = await databaseFigures(env.DB, new Date(now.getTime() - DAY_MS).toISOString());
  const budget = budgetOf(env.DB_BUDGET_MB);
  const perArticle = figures.articles > 0 ? Math.round(figures.bytes / figures.articles) : null;
  const perDay = perArticle !== null && figures.recent > 0 ? perArticle * figures.recent : null;
  return {
    database_bytes: figures.bytes,
    budget_bytes: budget,
    articles: figures.articles,
    articles_last_day: figures.recent,
    bytes_per_article: perArticle,
    days_held: perDay ? oneDecimal(budget / perDay) : null,
    days_left: perDay ? oneDecimal((budget - figures.bytes) / perDay) : null,
  };
}

/** True when the report calls for action (a shorter LIVE_DAYS, or the next period): the budget is passed, or near at today's pace. */
export function nearBudget(report: BudgetReport): boolean {
  return report.database_bytes >= report.budget_bytes || (report.days_left !== null && report.days_left < BUDGET_WARN_DAYS);
}

/** The budget report, and the period databases beside the live one (GET /api/v1/admin/capacity). */
export interface CapacityReport extends BudgetReport {
  /** LIVE_DAYS in effect: days an article stays live before it moves; null while the mover is off. */
  live_days: number | null;
  /** Each registered period, newest first, with its database's articles and size. */
  periods: PeriodStatus[];
  /** Articles in every database, each counted once (the live counters and each period's). */
  total_articles: number | null;
  /** The date the mover is stopped at, and why (a date with no period, or a period this deploy has no binding for). */
  move_blocked: MoveBlocked | null;
}

/**
 * The live database against its budget as the cron checks it (checkBudget), plus each period
 * database's figures, read at once, and where the mover is stopped. The cron reads no period
 * database: a year of periods would be dozens of queries each run, beside the refresh's share.
 */
export async function capacityReport(env: Bindings, now: Date = new Date()): Promise<CapacityReport> {
  const [budget, { map, young }] = await Promise.all([checkBudget(env, now), readRegistry(env, now)]);
  const days = liveDays(env.LIVE_DAYS, map);
  const [periods, due] = await Promise.all([
    Promise.all(map.shards.map((s) => periodFigures(env, s))),
    days === null ? null : firstDueRow(env.DB, moveCutoff(days, now)),
  ]);
  const to = due ? destination(env, map, young, due.published_at) : null;
  const blocked: MoveBlocked | null = to && "blocked" in to ? to.blocked : null;
  const counted = periods.every((p) => p.articles !== null);
  return {
    ...budget,
    live_days: days,
    periods,
    total_articles: counted ? budget.articles + periods.reduce((n, p) => n + (p.articles ?? 0), 0) : null,
    move_blocked: blocked,
  };
}
