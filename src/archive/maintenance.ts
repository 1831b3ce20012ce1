import { pruneRuns } from "../db/runs";
import type { Bindings } from "../env";
import { checkBudget, nearBudget, type BudgetReport } from "./budget";
import { moveDue, type MoveReport } from "./move";
import { archiveBodies, type ArchiveReport } from "./step";

const DAY_MS = 86_400_000;
/** 50 bodies per pack: about 250 KB for a typical article, a few MB at the store's item limit. */
const SLICE_SIZE = 50;
/**
 * Slices per cron run: 1,000 bodies every 15 minutes is 96,000 a day, about twice the planned
 * ingest (1,000 sources x 50 items), so a backlog drains. 40 D1 queries and 40 R2 operations:
 * beside the refresh's budget of 800 queries, the invocation stays under D1's 1,000.
 */
const SLICES = 20;
/**
 * The mover's share of a cron run: 4 slices of 500 rows, 2,000 articles every 15 minutes
 * (192,000 a day, about four times the planned ingest, so a backlog drains), within 80 D1
 * statements: beside the refresh's 800 and the archival's 40 the invocation stays under D1's
 * 1,000. A slice's text stays under 3 million characters, so its copy is a few statements of
 * bound JSON.
 */
const MOVE = { sliceSize: 500, slices: 4, queries: 80, maxChars: 3_000_000 };
/** Runs deleted per cron run: a day of runs at one per 15 minutes is 96. */
const PRUNE_RUNS = 200;

/** Days as configured; "off" (or anything not a positive number) turns the step off. */
function days(value: string | undefined, fallback: number): number | null {
  const n = Number(value ?? fallback);
  return Number.isFinite(n) && n > 0 ? n : null;
}

export interface MaintenanceReport {
  archive: ArchiveReport | null;
  move: MoveReport | null;
  prunedRuns: number | null;
  budget: BudgetReport | null;
}

/**
 * The cron's upkeep of the database's size: bodies older than ARCHIVE_AFTER_DAYS (default 30)
 * move to R2, run logs older than RUN_LOG_DAYS (default 30) are deleted (both bounded per call,
 * carrying on where the last call stopped), articles older than LIVE_DAYS move to their
 * period's database (a date with no period stops the move and is logged), and the size is checked against DB_BUDGET_MB: a
 * warning in the log when the next shard is due. Each step fails alone.
 */
export async function maintainDatabase(env: Bindings, now: Date = new Date()): Promise<MaintenanceReport> {
  const report: MaintenanceReport = { archive: null, move: null, prunedRuns: null, budget: null };
  const archiveDays = days(env.ARCHIVE_AFTER_DAYS, 30);
  const runDays = days(env.RUN_LOG_DAYS, 30);
  const iso = now.toISOString();
  const errors: string[] = [];
  if (archiveDays !== null) {
    const before = new Date(now.getTime() - archiveDays * DAY_MS).toISOString();
    try {
      report.archive = await archiveBodies(env.DB, env.ARCHIVE, { before, sliceSize: SLICE_SIZE, slices: SLICES }, iso);
    } catch (err) {
      errors.push(`archive: ${String(err)}`);
    }
  }
  try {
    report.move = await moveDue(env, now, MOVE);
    if (report.move?.blocked) {
      console.warn(JSON.stringify({ level: "warn", msg: "articles are due to move but the mover stopped at one of them (reason; docs/CAPACITY.md)", ...report.move.blocked }));
    }
  } catch (err) {
    errors.push(`move: ${String(err)}`);
  }
  if (runDays !== null) {
    try {
      report.prunedRuns = await pruneRuns(env.DB, new Date(now.getTime() - runDays * DAY_MS).toISOString(), PRUNE_RUNS);
    } catch (err) {
      errors.push(`run logs: ${String(err)}`);
    }
  }
  try {
    report.budget = await checkBudget(env, now);
    if (nearBudget(report.budget)) {
      console.warn(JSON.stringify({ level: "warn", msg: "the live database nears its budget: register the next period or lower LIVE_DAYS (docs/CAPACITY.md)", ...report.budget }));
    }
  } catch (err) {
    errors.push(`budget: ${String(err)}`);
  }
  if (errors.length) console.error(JSON.stringify({ level: "error", msg: "database upkeep failed; it resumes on the next cron run", errors }));
  return report;
}
