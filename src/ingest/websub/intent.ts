import { subscriptionById, updateSubscription } from "../../db/websub";
import type { Bindings } from "../../env";
import { iso } from "../schedule";
import { RETRY_MS } from "./hub";

export interface IntentQuery {
  mode: "subscribe" | "unsubscribe" | "denied";
  topic: string;
  challenge?: string;
  leaseSeconds?: number;
  reason?: string;
}

/**
 * A hub's verification of intent (WebSub §5.3) at the callback `id`. Confirmed (the challenge
 * to echo) only for a subscription we asked for and still want: pending, active (a renewal) or
 * expired (asked again), with the same topic. A denial (§5.2) is recorded and polling goes on.
 * Unsubscribing is never confirmed: this Worker does not ask for it, so the request is not ours.
 * null: refuse (404).
 */
export async function verifyIntent(env: Bindings, id: string, q: IntentQuery, now = Date.now()): Promise<{ echo: string } | null> {
  const sub = await subscriptionById(env.DB, id);
  if (!sub || sub.topic !== q.topic) return null;
  if (q.mode === "denied") {
    await updateSubscription(env.DB, id, { state: "denied", lastError: `the hub denied the subscription${q.reason ? `: ${q.reason}` : ""}`, retryAt: iso(now + RETRY_MS) });
    return { echo: "" };
  }
  if (q.mode !== "subscribe" || q.challenge === undefined) return null;
  if (sub.state !== "pending" && sub.state !== "active" && sub.state !== "expired") return null;
  const lease = q.leaseSeconds ?? sub.leaseSeconds;
  await updateSubscription(env.DB, id, { state: "active", verifiedAt: iso(now), leaseExpiresAt: iso(now + lease * 1000), lastError: null, retryAt: null });
  return { echo: q.challenge };
}
