import { saveSubscription, type Subscription, updateSubscription } from "../../db/websub";
import type { Bindings } from "../../env";
import { iso } from "../schedule";
import { checkUpstreamUrl } from "../upstream-url";
import type { HubLink } from "./discover";

/** The lease asked of hubs (they may grant another): ten days, renewed by the cron before it ends. */
export const LEASE_SECONDS = 10 * 86_400;
/** A denied or failed subscription is asked for again after a day (polling goes on meanwhile). */
export const RETRY_MS = 86_400_000;
/** A hub gets this long to answer a subscription request. */
const HUB_TIMEOUT_MS = 10_000;

/**
 * The origin hubs call back: WEBSUB_CALLBACK_BASE, else PUBLIC_BASE_URL. Without either there is
 * no address a hub could reach, and sources are only polled.
 */
export function callbackBase(env: Bindings): string | null {
  const base = (env.WEBSUB_CALLBACK_BASE || env.PUBLIC_BASE_URL || "").trim().replace(/\/+$/, "");
  return /^https?:\/\/[^/]/.test(base) ? base : null;
}

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
const randomHex = (n: number) => hex(crypto.getRandomValues(new Uint8Array(n)));

/** POSTs `hub.mode=subscribe`; null when the hub accepted (2xx), else why not. */
async function askHub(env: Bindings, sub: Subscription, base: string): Promise<string | null> {
  const check = checkUpstreamUrl(sub.hub, env.ALLOW_PRIVATE_UPSTREAMS === "true");
  if (!check.ok) return `hub refused: ${check.reason}`;
  const form = new URLSearchParams({
    "hub.mode": "subscribe",
    "hub.topic": sub.topic,
    "hub.callback": `${base}/websub/${sub.id}`,
    "hub.secret": sub.secret,
    "hub.lease_seconds": String(sub.leaseSeconds),
  });
  try {
    // No redirects: a hub that moved is rediscovered from the feed.
    const res = await fetch(check.url.href, { method: "POST", body: form, redirect: "manual", signal: AbortSignal.timeout(HUB_TIMEOUT_MS) });
    await res.body?.cancel();
    return res.status >= 200 && res.status < 300 ? null : `hub answered HTTP ${res.status}`;
  } catch (err) {
    return `hub unreachable: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/**
 * A new subscription of `sourceId` to `link` (new callback id, new secret): pending until the hub
 * verifies it at the callback, failed (asked again after RETRY_MS) when the hub refuses.
 */
export async function subscribe(env: Bindings, sourceId: string, link: HubLink, now: number): Promise<Subscription | null> {
  const base = callbackBase(env);
  if (!base) return null;
  const sub: Subscription = {
    id: randomHex(16),
    sourceId,
    hub: link.hub,
    topic: link.topic,
    // WebSub: under 200 bytes.
    secret: randomHex(32),
    state: "pending",
    leaseSeconds: LEASE_SECONDS,
    requestedAt: iso(now),
    verifiedAt: null,
    leaseExpiresAt: null,
    retryAt: null,
    lastError: null,
    lastPushAt: null,
  };
  const error = await askHub(env, sub, base);
  const saved = error ? { ...sub, state: "failed" as const, lastError: error, retryAt: iso(now + RETRY_MS) } : sub;
  await saveSubscription(env.DB, saved);
  return saved;
}

/**
 * Asks the hub again with the same callback and secret (a renewal, WebSub §5.1). An active
 * subscription stays active until its lease ends; an expired one fails when the hub refuses.
 */
export async function renew(env: Bindings, sub: Subscription, now: number): Promise<void> {
  const base = callbackBase(env);
  if (!base) return;
  const error = await askHub(env, sub, base);
  const failed = error && sub.state !== "active";
  await updateSubscription(env.DB, sub.id, {
    requestedAt: iso(now),
    lastError: error,
    ...(failed ? { state: "failed", retryAt: iso(now + RETRY_MS) } : {}),
  });
}
