/** The run report of the contract (`POST /admin/refresh`, `GET /admin/runs`). */
export interface SourceOutcome {
  id: string;
  status: "ok" | "not_modified" | "error" | "skipped";
  http_status: number | null;
  new: number;
  updated: number;
  unchanged: number;
  error: { code: string; message: string } | null;
  duration_ms: number | null;
}

export interface RefreshRunReport {
  id: string;
  started_at: string;
  finished_at: string | null;
  trigger: "cron" | "manual" | "queue";
  sources: SourceOutcome[];
  /** Set when the run did nothing because another run held the refresh lease. */
  skipped?: string;
  /** Set when the run handed its sources to the refresh queue: how many. */
  queued?: number;
}
