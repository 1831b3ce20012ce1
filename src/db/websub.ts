/** SQL of WebSub subscriptions and the digests of recent deliveries (migration 0008). */

export type SubscriptionState = "pending" | "active" | "denied" | "failed" | "expired";

export interface Subscription {
  id: string;
  sourceId: string;
  hub: string;
  topic: string;
  secret: string;
  state: SubscriptionState;
  leaseSeconds: number;
  requestedAt: string;
  verifiedAt: string | null;
  leaseExpiresAt: string | null;
  retryAt: string | null;
  lastError: string | null;
  lastPushAt: string | null;
}

const COLUMNS = `id, source_id AS sourceId, hub, topic, secret, state, lease_seconds AS leaseSeconds, requested_at AS requestedAt,
  verified_at AS verifiedAt, lease_expires_at AS leaseExpiresAt, retry_at AS retryAt, last_error AS lastError, last_push_at AS lastPushAt`;

export async function subscriptionOfSource(db: D1Database, sourceId: string): Promise<Subscription | null> {
  return db.prepare(`SELECT ${COLUMNS} FROM websub_subscriptions WHERE source_id = ?`).bind(sourceId).first<Subscription>();
}

/** Sources still taking content: a removed or disabled source's subscription is let go. */
const LIVE = "source_id IN (SELECT id FROM sources WHERE enabled = 1)";

/** The subscription a callback URL names, only while its source exists and is enabled. */
export async function subscriptionById(db: D1Database, id: string): Promise<Subscription | null> {
  return db
    .prepare(`SELECT ${COLUMNS} FROM websub_subscriptions WHERE id = ? AND ${LIVE}`)
    .bind(id)
    .first<Subscription>();
}

/**
 * Records a subscription request; it replaces the source's previous subscription, if any, and
 * the source is not pushed to until the new one is verified.
 */
export async function saveSubscription(db: D1Database, s: Subscription): Promise<void> {
  await db.batch([
    db.prepare("UPDATE sources SET push_until = NULL WHERE id = ?").bind(s.sourceId),
    db
    .prepare(
      `INSERT INTO websub_subscriptions (id, source_id, hub, topic, secret, state, lease_seconds, requested_at, verified_at,
         lease_expires_at, retry_at, last_error, last_push_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (source_id) DO UPDATE SET id = excluded.id, hub = excluded.hub, topic = excluded.topic, secret = excluded.secret,
         state = excluded.state, lease_seconds = excluded.lease_seconds, requested_at = excluded.requested_at,
         verified_at = excluded.verified_at, lease_expires_at = excluded.lease_expires_at, retry_at = excluded.retry_at,
         last_error = excluded.last_error, last_push_at = excluded.last_push_at`,
    )
    .bind(s.id, s.sourceId, s.hub, s.topic, s.secret, s.state, s.leaseSeconds, s.requestedAt, s.verifiedAt, s.leaseExpiresAt, s.retryAt, s.lastError, s.lastPushAt),
  ]);
}

type Changes = Partial<Pick<Subscription, "state" | "verifiedAt" | "leaseExpiresAt" | "retryAt" | "lastError" | "lastPushAt" | "requestedAt">>;

const CHANGE_COLUMNS: Record<keyof Changes, string> = {
  state: "state",
  verifiedAt: "verified_at",
  leaseExpiresAt: "lease_expires_at",
  retryAt: "retry_at",
  lastError: "last_error",
  lastPushAt: "last_push_at",
  requestedAt: "requested_at",
};

/**
 * Updates a subscription; false when it no longer exists. A change of state also sets until
 * when its source is pushed to: the lease's end while active, nothing otherwise.
 */
export async function updateSubscription(db: D1Database, id: string, changes: Changes): Promise<boolean> {
  const keys = Object.keys(changes) as (keyof Changes)[];
  if (!keys.length) return true;
  const update = db
    .prepare(`UPDATE websub_subscriptions SET ${keys.map((k) => `${CHANGE_COLUMNS[k]} = ?`).join(", ")} WHERE id = ?`)
    .bind(...keys.map((k) => changes[k] ?? null), id);
  if (changes.state === undefined) return (await update.run()).meta.changes === 1;
  const [result] = await db.batch([
    update,
    db
      .prepare(
        `UPDATE sources SET push_until = (SELECT CASE WHEN state = 'active' THEN lease_expires_at END FROM websub_subscriptions WHERE id = ?1)
         WHERE id = (SELECT source_id FROM websub_subscriptions WHERE id = ?1)`,
      )
      .bind(id),
  ]);
  return result!.meta.changes === 1;
}

/**
 * What the cron looks after: active leases ending before `renewBefore` whose last request was
 * answered (or was asked before `staleBefore`), to renew or to mark expired once past; and
 * pending or expired subscriptions whose verification has not come since `staleBefore`.
 */
export async function subscriptionsToMaintain(db: D1Database, renewBefore: string, staleBefore: string, limit: number): Promise<Subscription[]> {
  const { results } = await db
    .prepare(
      `SELECT ${COLUMNS} FROM websub_subscriptions
       WHERE ${LIVE} AND ((state = 'active' AND lease_expires_at < ?1 AND (verified_at >= requested_at OR requested_at < ?2))
          OR (state IN ('pending', 'expired') AND requested_at < ?2))
       ORDER BY coalesce(lease_expires_at, requested_at) LIMIT ?3`,
    )
    .bind(renewBefore, staleBefore, limit)
    .all<Subscription>();
  return results;
}

/** A subscription as the admin API lists it: no callback id, no secret. */
export interface SubscriptionInfo {
  source_id: string;
  hub: string;
  topic: string;
  state: SubscriptionState;
  lease_seconds: number;
  requested_at: string;
  verified_at: string | null;
  lease_expires_at: string | null;
  retry_at: string | null;
  last_error: string | null;
  last_push_at: string | null;
}

export async function listSubscriptions(db: D1Database): Promise<SubscriptionInfo[]> {
  const { results } = await db
    .prepare(
      `SELECT source_id, hub, topic, state, lease_seconds, requested_at, verified_at, lease_expires_at, retry_at, last_error, last_push_at
       FROM websub_subscriptions ORDER BY source_id`,
    )
    .all<SubscriptionInfo>();
  return results;
}

export async function deliverySeen(db: D1Database, subscriptionId: string, digest: string): Promise<boolean> {
  const row = await db.prepare("SELECT 1 AS seen FROM websub_deliveries WHERE subscription_id = ? AND digest = ?").bind(subscriptionId, digest).first();
  return row !== null;
}

/** Remembers a delivery (and when the subscription last received one). */
export async function recordDelivery(db: D1Database, subscriptionId: string, digest: string, now: string): Promise<void> {
  await db.batch([
    db.prepare("INSERT OR IGNORE INTO websub_deliveries (subscription_id, digest, received_at) VALUES (?, ?, ?)").bind(subscriptionId, digest, now),
    db.prepare("UPDATE websub_subscriptions SET last_push_at = ? WHERE id = ?").bind(now, subscriptionId),
  ]);
}

/** Forgets delivery digests older than `before`: a replay later than that is stored idempotently anyway. */
export async function pruneDeliveries(db: D1Database, before: string): Promise<void> {
  await db.prepare("DELETE FROM websub_deliveries WHERE received_at < ?").bind(before).run();
}
