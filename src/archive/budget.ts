import { databaseFigures } from "../db/capacity";
import type { Bindings } from "../env";

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

/** True when the report calls for the next shard: the budget is passed, or near at today's pace. */
export function nearBudget(report: BudgetReport): boolean {
  return report.database_bytes >= report.budget_bytes || (report.days_left !== null && report.days_left < BUDGET_WARN_DAYS);
}
