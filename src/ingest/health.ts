import type { SourceRow } from "../db/sources";
import type { SourceOutcome } from "../domain";

/**
 * Whether a refresh changed what GET /sources reports about a source beyond its fetch times:
 * a failure (the error count and message move), a recovery, or the first fetch. Such changes
 * retire cached answers; a healthy source that found nothing new does not, so the cached lists
 * stay warm between refreshes that change nothing.
 */
export function healthChanged(source: Pick<SourceRow, "consecutiveErrors" | "lastFetchedAt">, outcome: Pick<SourceOutcome, "status">): boolean {
  if (outcome.status === "skipped") return false;
  return outcome.status === "error" || source.consecutiveErrors > 0 || source.lastFetchedAt === null;
}
