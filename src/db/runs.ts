import type { RefreshRunReport, SourceOutcome } from "../domain";
import type { D1Reader } from "./client";

interface RunRow {
  id: string;
  trigger: string;
  started_at: string;
  finished_at: string | null;
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
}

function outcomeStatement(db: D1Database, runId: string, s: SourceOutcome): D1PreparedStatement {
  return db
    .prepare(
      `INSERT OR REPLACE INTO refresh_run_sources (run_id, source_id, status, http_status, new_count, updated_count,
         unchanged_count, error_code, error_message, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(runId, s.id, s.status, s.http_status, s.new, s.updated, s.unchanged, s.error?.code ?? null, s.error?.message ?? null, s.duration_ms);
}

/** Records a run and the per-source outcomes known so far, atomically. */
export async function saveRun(db: D1Database, run: RefreshRunReport): Promise<void> {
  await db.batch([
    db
      .prepare("INSERT OR REPLACE INTO refresh_runs (id, trigger, started_at, finished_at) VALUES (?, ?, ?, ?)")
      .bind(run.id, run.trigger, run.started_at, run.finished_at),
    ...run.sources.map((s) => outcomeStatement(db, run.id, s)),
  ]);
}

/** Adds one source's outcome to a fanned-out run and moves its finish time forward. */
export async function saveOutcome(db: D1Database, runId: string, outcome: SourceOutcome, finishedAt: string): Promise<void> {
  await db.batch([
    outcomeStatement(db, runId, outcome),
    db.prepare("UPDATE refresh_runs SET finished_at = max(coalesce(finished_at, ''), ?) WHERE id = ?").bind(finishedAt, runId),
  ]);
}

function toReport(run: RunRow, outcomes: OutcomeRow[]): RefreshRunReport {
  return {
    id: run.id,
    trigger: run.trigger as RefreshRunReport["trigger"],
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
    })),
  };
}

export async function recentRuns(db: D1Reader, limit: number): Promise<RefreshRunReport[]> {
  const runs = await db.prepare("SELECT id, trigger, started_at, finished_at FROM refresh_runs ORDER BY started_at DESC LIMIT ?").bind(limit).all<RunRow>();
  if (!runs.results.length) return [];
  const ids = runs.results.map((r) => r.id);
  const outcomes = await db
    .prepare(`SELECT * FROM refresh_run_sources WHERE run_id IN (${ids.map(() => "?").join(",")}) ORDER BY source_id`)
    .bind(...ids)
    .all<OutcomeRow>();
  return runs.results.map((run) => toReport(run, outcomes.results.filter((o) => o.run_id === run.id)));
}
