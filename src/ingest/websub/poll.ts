import { type Subscription, subscriptionOfSource } from "../../db/websub";
import type { Bindings } from "../../env";
import type { HubLink } from "./discover";
import { subscribe } from "./hub";

/**
 * While a hub pushes a source's stories, polling is only a safety net: the poll interval is
 * stretched this many times (15 minutes becomes an hour). Any lapse (lease ended, hub denied or
 * failed) puts the source back on its normal interval at its next poll.
 */
export const PUSH_POLL_STRETCH = 4;

export function isPushing(sub: Subscription | null, now: string): boolean {
  return sub?.state === "active" && sub.leaseExpiresAt !== null && sub.leaseExpiresAt > now;
}

export const subscriptionFor = (env: Bindings, sourceId: string) => subscriptionOfSource(env.DB, sourceId);

/**
 * After a poll that read the feed: subscribe when it declares a hub we are not subscribed to
 * there (or a denied or failed subscription's retry time has come). Returns D1 queries spent.
 */
export async function followHub(env: Bindings, sourceId: string, current: Subscription | null, link: HubLink | null, now: number): Promise<number> {
  if (!link) return 0;
  if (current && current.hub === link.hub && current.topic === link.topic) {
    const retry = (current.state === "denied" || current.state === "failed") && (current.retryAt === null || Date.parse(current.retryAt) <= now);
    if (!retry) return 0;
  }
  const sub = await subscribe(env, sourceId, link, now);
  return sub ? 1 : 0;
}
