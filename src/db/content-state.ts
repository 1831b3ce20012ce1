/**
 * The versions of published content, kept in D1 beside the data they describe (`app_state`):
 * one row per partition (`cv:part:{partition}`, src/cache/partitions.ts) and the floor of the
 * pruned ones (`cv:floor`). D1 is their source of truth; the cache publishes a copy of them in
 * KV, at most once a second (`cv-published` holds the last claim and `cv-published-done` when its
 * KV write returned, by D1's clock). Values are milliseconds.
 */
const PART = "cv:part:";
const FLOOR = "cv:floor";
const PUBLISHED = "cv-published";
/** When the last publication's KV write returned (D1's clock): spacing counts from it too. */
const PUBLISH_DONE = "cv-published-done";

export interface StoredVersions {
  floor: number;
  parts: Record<string, number>;
}

const int = (v: unknown) => {
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
};

/**
 * Bumps `partitions` to one new version, above every version there is (and at least `now`),
 * so versions strictly increase across partitions. One statement; returns the version.
 */
export async function bumpPartitions(db: D1Database, partitions: readonly string[], now: number): Promise<number> {
  // The SELECT is read in full before the insert writes (SQLite materialises it: same table).
  const row = await db
    .prepare(
      `INSERT INTO app_state (key, value)
       SELECT ?1 || j.value, CAST(max(CAST(?3 AS INTEGER), coalesce((SELECT max(CAST(value AS INTEGER)) FROM app_state WHERE key GLOB 'cv:*'), 0) + 1) AS TEXT)
       FROM json_each(?2) AS j WHERE true
       ON CONFLICT(key) DO UPDATE SET value = excluded.value
       RETURNING CAST(value AS INTEGER) AS version`,
    )
    .bind(PART, JSON.stringify(partitions), now)
    .first<{ version: number }>();
  return int(row?.version);
}

const SNAPSHOT = `SELECT key, value FROM app_state WHERE key GLOB 'cv:*'`;

function snapshotOf(rows: { key: string; value: string }[]): StoredVersions {
  const out: StoredVersions = { floor: 0, parts: {} };
  for (const { key, value } of rows) {
    if (key === FLOOR) out.floor = int(value);
    else if (key.startsWith(PART)) out.parts[key.slice(PART.length)] = int(value);
  }
  return out;
}

/** Every partition's version. */
export async function storedVersions(db: D1Database): Promise<StoredVersions> {
  const { results } = await db.prepare(SNAPSHOT).all<{ key: string; value: string }>();
  return snapshotOf(results);
}

/** The versions, read in the same transaction as the claim. */
export type PublishClaim = { versions: StoredVersions } & (
  /** This writer may publish `versions` now. */
  | { claimed: true }
  /** Another writer claimed at `at` (D1's clock); the right frees in `waitMs`. */
  | { claimed: false; at: number; waitMs: number }
);

/**
 * Claims the right to publish the versions, at most once per `spacingMs` across every isolate
 * (D1 serialises the claims, and its one clock times them). In one transaction: the claim, then
 * the snapshot, so a claim made after a writer bumped always publishes that writer's bump.
 */
export async function claimPublish(db: D1Database, spacingMs: number): Promise<PublishClaim> {
  const [claim, held, snapshot] = await db.batch([
    db
      .prepare(
        `INSERT INTO app_state (key, value) VALUES (?1, CAST(CAST(unixepoch('subsec') * 1000 AS INTEGER) AS TEXT))
         ON CONFLICT(key) DO UPDATE SET value = excluded.value
         WHERE CAST(excluded.value AS INTEGER) >= CAST(app_state.value AS INTEGER) + ?2
           AND CAST(excluded.value AS INTEGER) >= coalesce((SELECT CAST(value AS INTEGER) FROM app_state WHERE key = ?3), 0) + ?2
         RETURNING value`,
      )
      .bind(PUBLISHED, spacingMs, PUBLISH_DONE),
    db
      .prepare(
        `SELECT CAST(value AS INTEGER) AS at, coalesce((SELECT CAST(value AS INTEGER) FROM app_state WHERE key = ?2), 0) AS done,
           CAST(unixepoch('subsec') * 1000 AS INTEGER) AS now FROM app_state WHERE key = ?1`,
      )
      .bind(PUBLISHED, PUBLISH_DONE),
    db.prepare(SNAPSHOT),
  ]);
  const versions = snapshotOf(snapshot!.results as { key: string; value: string }[]);
  if (claim!.results.length) return { claimed: true, versions };
  const { at, done, now } = (held!.results[0] ?? { at: 0, done: 0, now: 0 }) as { at: number; done: number; now: number };
  return { claimed: false, versions, at: int(at), waitMs: Math.max(0, Math.max(int(at), int(done)) + spacingMs - int(now)) };
}

/**
 * Records that a publication's KV write returned. The next claim waits the spacing from this
 * moment as well as from the claim: a writer held up between its claim and its write (a busy
 * isolate) would otherwise leave the next writer's write closer than a second to its own.
 */
export async function markPublished(db: D1Database): Promise<void> {
  await db
    .prepare(`INSERT INTO app_state (key, value) VALUES (?1, CAST(CAST(unixepoch('subsec') * 1000 AS INTEGER) AS TEXT)) ON CONFLICT(key) DO UPDATE SET value = excluded.value`)
    .bind(PUBLISH_DONE)
    .run();
}

/**
 * Folds the versions of partitions not bumped since `before`, and of all but the newest `keep`,
 * into the floor and drops their rows, so the published copy stays small however many sources
 * there are. No cached answer's version moves back: an answer's version is the newest of its
 * partitions and the floor.
 */
export async function prunePartitions(db: D1Database, before: number, keep: number): Promise<void> {
  const pruned = (before: string, keep: string) => `key GLOB 'cv:part:*' AND (CAST(value AS INTEGER) < ${before} OR key NOT IN
    (SELECT key FROM app_state WHERE key GLOB 'cv:part:*' ORDER BY CAST(value AS INTEGER) DESC LIMIT ${keep}))`;
  await db.batch([
    db
      .prepare(
        `INSERT INTO app_state (key, value)
         SELECT ?1, CAST(max(CAST(value AS INTEGER)) AS TEXT) FROM app_state WHERE ${pruned("?2", "?3")}
         GROUP BY true
         ON CONFLICT(key) DO UPDATE SET value = excluded.value WHERE CAST(excluded.value AS INTEGER) > CAST(app_state.value AS INTEGER)`,
      )
      .bind(FLOOR, before, keep),
    db.prepare(`DELETE FROM app_state WHERE ${pruned("?1", "?2")}`).bind(before, keep),
  ]);
}
