/**
 * When published content last changed, kept in D1 beside the data it describes (`app_state`).
 * The cache's content version in KV should be at least this recent; when it is not, a version
 * bump was lost (src/cache/version.ts repairs it).
 */
const CHANGED_AT_KEY = "content-changed-at";

/** Records a change at `at` (ms); an older time never replaces a newer one. */
export async function markContentChanged(db: D1Database, at: number): Promise<void> {
  await db
    .prepare(
      `INSERT INTO app_state (key, value) VALUES (?1, ?2)
       ON CONFLICT(key) DO UPDATE SET value = excluded.value
       WHERE CAST(excluded.value AS INTEGER) > CAST(app_state.value AS INTEGER)`,
    )
    .bind(CHANGED_AT_KEY, String(at))
    .run();
}

/** The time (ms) of the last recorded change, or null before any. */
export async function contentChangedAt(db: D1Database): Promise<number | null> {
  const row = await db.prepare("SELECT value FROM app_state WHERE key = ?1").bind(CHANGED_AT_KEY).first<{ value: string }>();
  const at = row ? Number(row.value) : NaN;
  return Number.isFinite(at) ? at : null;
}
