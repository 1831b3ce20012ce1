import { subscriptionOfSource } from "../../db/websub";
import type { Bindings } from "../../env";
import type { HubLink } from "./discover";
import { callbackBase, subscribe } from "./hub";

/**
 * While a hub pushes a source's stories, polling is only a safety net: the poll interval is
 * stretched this many times (15 minutes becomes an hour). Any lapse (lease ended, hub denied or
 * failed) puts the source back on its normal interval at its next poll.
 */
export const PUSH_POLL_STRETCH = 4;

/** `pushUntil`: the source's `push_until`, the active lease's end (db/websub.ts keeps it). */
export function isPushing(pushUntil: string | null, now: string): boolean {
  return pushUntil !== null && pushUntil > now;
}

/**
 * After a poll that read the feed: subscribe when it declares a hub we are not subscribed to
 * there (or a denied or failed subscription's retry time has come). A feed without a hub costs
 * nothing. Returns D1 queries spent.
 */
export async function followHub(env: Bindings, sourceId: string, link: HubLink | null, now: number): Promise<number> {
  if (!link || !callbackBase(env)) return 0;
  const current = await subscriptionOfSource(env.DB, sourceId);
  if (current && current.hub === link.hub && current.topic === link.topic) {
    const retry = (current.state === "denied" || current.state === "failed") && (current.retryAt === null || Date.parse(current.retryAt) <= now);
    if (!retry) return 1;
  }
  await subscribe(env, sourceId, link, now);
  return 2;
}
