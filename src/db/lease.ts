/**
 * The refresh lease: one row of app_state, so a cron firing during a manual refresh (or two
 * overlapping crons) does not fetch and ingest the same sources twice. It expires on its own
 * if the run holding it dies.
 */
const LEASE_KEY = "refresh-lease";

export type LeaseClaim = { acquired: true } | { acquired: false; expiresAt: string | null };

/** Takes the lease for `runId` until `until`, unless another run holds an unexpired one. */
export async function acquireLease(db: D1Database, runId: string, now: string, until: string): Promise<LeaseClaim> {
  const [claim, holder] = await db.batch<{ value: string; expires_at: string | null }>([
    db
      .prepare(
        `INSERT INTO app_state (key, value, expires_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
         WHERE app_state.expires_at < ?4`,
      )
      .bind(LEASE_KEY, runId, until, now),
    db.prepare("SELECT value, expires_at FROM app_state WHERE key = ?").bind(LEASE_KEY),
  ]);
  if (claim!.meta.changes === 1) return { acquired: true };
  return { acquired: false, expiresAt: holder!.results[0]?.expires_at ?? null };
}

/**
 * Moves the lease's expiry (and the run record's) forward while the run works. False when the
 * run no longer holds it (it lapsed and another run took it): the run must stop starting work.
 */
export async function renewLease(db: D1Database, runId: string, until: string, alsoWith: D1PreparedStatement[] = []): Promise<boolean> {
  const [renewed] = await db.batch([
    db.prepare("UPDATE app_state SET expires_at = ? WHERE key = ? AND value = ?").bind(until, LEASE_KEY, runId),
    ...alsoWith,
  ]);
  return renewed!.meta.changes === 1;
}

export const releaseLeaseStatement = (db: D1Database, runId: string) =>
  db.prepare("DELETE FROM app_state WHERE key = ? AND value = ?").bind(LEASE_KEY, runId);

export async function releaseLease(db: D1Database, runId: string): Promise<void> {
  await releaseLeaseStatement(db, runId).run();
}
