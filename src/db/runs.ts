import type { RefreshRunReport, SourceOutcome } from "../domain";
import type { D1Reader } from "./client";

interface RunRow {
  id: string;
  trigger: string;
  started_at: string;
  finished_at: string | null;
  lease_until: string | null;
  queued: number | null;
  deferred: number | null;
}

interface OutcomeRow {
  run_id: string;
  source_id: string;
  status: SourceOutcome["status"];
  http_status: number | null;
  new_count: number;
  updated_count: number;
  unchanged_count: number;
  error_code: string | null;
  error_message: string | null;
  duration_ms: number | null;
  warnings: string | null;
}

/** Columns of a source's outcome row, in the order the statements below fill them. */
export const OUTCOME_COLUMNS = `run_id, source_id, status, http_status, new_count, updated_count, unchanged_count, error_code, error_message, duration_ms, warnings`;

/**
 * Where a refresh of one source records its outcome: the run's id, and whether the run's finish
 * time moves forward with it (a fanned-out run is finished by its last queue consumer). The
 * outcome is written in the same D1 batch as the source's items or failure: one round trip.
 */
export interface RunLog {
  runId: string;
  advancesFinish?: boolean;
}

/** The statements that log an outcome known in full (a failure, a 304) under `log`. */
export function logStatements(db: D1Database, log: RunLog, outcome: SourceOutcome, now: string): D1PreparedStatement[] {
  const statements = [outcomeStatement(db, log.runId, outcome)];
  if (log.advancesFinish) statements.push(advanceFinishStatement(db, log.runId, now));
  return statements;
}

/** Moves a fanned-out run's finish time forward to `finishedAt`. */
export function advanceFinishStatement(db: D1Database, runId: string, finishedAt: string): D1PreparedStatement {
  return db.prepare("UPDATE refresh_runs SET finished_at = max(coalesce(finished_at, ''), ?) WHERE id = ?").bind(finishedAt, runId);
}

function outcomeStatement(db: D1Database, runId: string, s: SourceOutcome): D1PreparedStatement {
  return db
    .prepare(
      `INSERT OR REPLACE INTO refresh_run_sources (${OUTCOME_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      runId, s.id, s.status, s.http_status, s.new, s.updated, s.unchanged, s.error?.code ?? null, s.error?.message ?? null, s.duration_ms,
      s.warnings?.length ? JSON.stringify(s.warnings) : null,
    );
}

/** Records a run as it starts: running until `leaseUntil` unless its lease is renewed. */
export async function startRun(db: D1Database, run: RefreshRunReport, leaseUntil: string): Promise<void> {
  await db
    .prepare("INSERT OR REPLACE INTO refresh_runs (id, trigger, started_at, finished_at, lease_until) VALUES (?, ?, ?, NULL, ?)")
    .bind(run.id, run.trigger, run.started_at, leaseUntil)
    .run();
}

/** The run keeps counting as running until `leaseUntil` (renewed with the refresh lease). */
export function extendRunStatement(db: D1Database, runId: string, leaseUntil: string): D1PreparedStatement {
  return db.prepare("UPDATE refresh_runs SET lease_until = ? WHERE id = ? AND finished_at IS NULL").bind(leaseUntil, runId);
}

/** Adds one source's outcome to a run that is still working. */
export async function recordOutcome(db: D1Database, runId: string, outcome: SourceOutcome): Promise<void> {
  await outcomeStatement(db, runId, outcome).run();
}

/** Closes a run: its finish time and what it handed on. */
export function finishRunStatement(db: D1Database, run: RefreshRunReport): D1PreparedStatement {
  return db
    .prepare("UPDATE refresh_runs SET finished_at = ?, queued = ?, deferred = ? WHERE id = ?")
    .bind(run.finished_at, run.queued ?? null, run.deferred ?? null, run.id);
}

/** Marks a run that stopped on a fault as no longer running, so it shows as interrupted now. */
export async function abandonRun(db: D1Database, runId: string, now: string): Promise<void> {
  await db.prepare("UPDATE refresh_runs SET lease_until = ? WHERE id = ? AND finished_at IS NULL").bind(now, runId).run();
}

function statusOf(run: RunRow, now: string): RefreshRunReport["status"] {
  if (run.finished_at !== null) return "finished";
  return run.lease_until !== null && run.lease_until > now ? "running" : "interrupted";
}

function toReport(run: RunRow, outcomes: OutcomeRow[], now: string): RefreshRunReport {
  return {
    id: run.id,
    trigger: run.trigger as RefreshRunReport["trigger"],
    status: statusOf(run, now),
    started_at: run.started_at,
    finished_at: run.finished_at,
    sources: outcomes.map((o) => ({
      id: o.source_id,
      status: o.status,
      http_status: o.http_status,
      new: o.new_count,
      updated: o.updated_count,
      unchanged: o.unchanged_count,
      error: o.error_code ? { code: o.error_code, message: o.error_message ?? "" } : null,
      duration_ms: o.duration_ms,
      ...(o.warnings ? { warnings: JSON.parse(o.warnings) as string[] } : {}),
    })),
    ...(run.queued !== null ? { queued: run.queued } : {}),
    ...(run.deferred !== null ? { deferred: run.deferred } : {}),
  };
}

/** The latest runs, newest first; a run whose lease lapsed before it finished is `interrupted`. */
export async function recentRuns(db: D1Reader, limit: number, now: string = new Date().toISOString()): Promise<RefreshRunReport[]> {
  const runs = await db
    .prepare("SELECT id, trigger, started_at, finished_at, lease_until, queued, deferred FROM refresh_runs ORDER BY started_at DESC LIMIT ?")
    .bind(limit)
    .all<RunRow>();
  if (!runs.results.length) return [];
  const ids = runs.results.map((r) => r.id);
  const outcomes = await db
    .prepare(`SELECT * FROM refresh_run_sources WHERE run_id IN (${ids.map(() => "?").join(",")}) ORDER BY source_id`)
    .bind(...ids)
    .all<OutcomeRow>();
  return runs.results.map((run) => toReport(run, outcomes.results.filter((o) => o.run_id === run.id), now));
}

/**
 * Deletes up to `limit` runs started before `before`, with their per-source outcomes, in one
 * batch; returns how many runs went. Bounded so a backlog is worked off over several calls.
 */
export async function pruneRuns(db: D1Database, before: string, limit: number): Promise<number> {
  const oldest = "SELECT id FROM refresh_runs WHERE started_at < ?1 ORDER BY started_at LIMIT ?2";
  const [, runs] = await db.batch([
    db.prepare(`DELETE FROM refresh_run_sources WHERE run_id IN (${oldest})`).bind(before, limit),
    db.prepare(`DELETE FROM refresh_runs WHERE id IN (${oldest})`).bind(before, limit),
  ]);
  return runs!.meta.changes ?? 0;
}
