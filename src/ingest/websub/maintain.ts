import { pruneDeliveries, subscriptionsToMaintain, updateSubscription } from "../../db/websub";
import type { Bindings } from "../../env";
import { iso } from "../schedule";
import { callbackBase, renew, RETRY_MS } from "./hub";

/** Leases ending within this are renewed (the lease asked for is ten days). */
const RENEW_WITHIN_MS = 86_400_000;
/** A request still unverified after this is given up (and renewal may be asked again). */
const VERIFY_WITHIN_MS = 3_600_000;
/** Delivery digests are kept this long to recognize replays. */
const DELIVERY_MEMORY_MS = 7 * 86_400_000;
/** Hub requests one cron run makes at most. */
const PER_RUN = 20;

/**
 * The cron's WebSub work: renew leases before they end, mark lapsed leases expired (polling at
 * the normal interval again) and ask once more, give up on requests the hub never verified,
 * forget old delivery digests. Returns what it did, for the log.
 */
export async function maintainSubscriptions(env: Bindings, now: number): Promise<{ renewed: number; expired: number; failed: number }> {
  const done = { renewed: 0, expired: 0, failed: 0 };
  if (!callbackBase(env)) return done;
  const due = await subscriptionsToMaintain(env.DB, iso(now + RENEW_WITHIN_MS), iso(now - VERIFY_WITHIN_MS), PER_RUN);
  for (const sub of due) {
    if (sub.state !== "active") {
      await updateSubscription(env.DB, sub.id, { state: "failed", lastError: "the hub never verified the subscription", retryAt: iso(now + RETRY_MS) });
      done.failed++;
      continue;
    }
    if (sub.leaseExpiresAt !== null && sub.leaseExpiresAt <= iso(now)) {
      await updateSubscription(env.DB, sub.id, { state: "expired", lastError: "the lease ended before a renewal was verified" });
      await renew(env, { ...sub, state: "expired" }, now);
      done.expired++;
    } else {
      await renew(env, sub, now);
      done.renewed++;
    }
  }
  await pruneDeliveries(env.DB, iso(now - DELIVERY_MEMORY_MS));
  return done;
}
