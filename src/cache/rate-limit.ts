import wranglerConfig from "../../wrangler.toml";
import type { Bindings } from "../env";
import { bounded } from "./bounded";

/**
 * The per-client limiter: who a client is, and whether it has work left in this window. Which
 * requests count is the serving policy's decision (policy.ts).
 */

export interface RateLimitSettings {
  limit: number;
  /** Seconds; the limiter counts in windows of this length, so no client waits longer. */
  period: number;
}

/**
 * The `simple = { limit, period }` of the RATE_LIMITER binding in a wrangler.toml. The binding
 * does not tell the Worker its settings, so the Worker reads them from the bundled file: the
 * Retry-After it sends cannot drift from the limiter's real window. A line reader suffices for
 * the one inline table this needs; no TOML parser is bundled for it.
 */
export function rateLimitSettings(toml: string): RateLimitSettings | null {
  const blocks = toml.split(/^\s*\[/m);
  const block = blocks.find((b) => b.startsWith("[ratelimits]]") && /^\s*name\s*=\s*"RATE_LIMITER"/m.test(b));
  const simple = block && /^\s*simple\s*=\s*\{([^}]*)\}/m.exec(block)?.[1];
  if (!simple) return null;
  const limit = /\blimit\s*=\s*(\d+)/.exec(simple)?.[1];
  const period = /\bperiod\s*=\s*(\d+)/.exec(simple)?.[1];
  return limit && period ? { limit: Number(limit), period: Number(period) } : null;
}

/** The settings this Worker was deployed with. */
export const RATE_LIMIT = rateLimitSettings(wranglerConfig);

/** The binding's longest window: what a client is told to wait if the settings were unreadable. */
const LONGEST_PERIOD_SECONDS = 60;

export function retryAfterSeconds(): number {
  return RATE_LIMIT?.period ?? LONGEST_PERIOD_SECONDS;
}

/** The eight 16-bit groups of an IPv6 address, as numbers; null for anything else. */
function ipv6Groups(ip: string): number[] | null {
  const halves = ip.split("::");
  if (halves.length > 2) return null;
  const part = (s: string | undefined) => (s ? s.split(":") : []);
  const left = part(halves[0]);
  const right = part(halves[1]);
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...right].map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN));
  return groups.some(Number.isNaN) ? null : groups;
}

/**
 * The key a client is counted under: its IPv4 address, or the /64 prefix of its IPv6 address
 * (a subscriber is usually given a whole /64, so counting single addresses would let one
 * client rotate through 2^64 of them).
 */
export function clientKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  const groups = ip.includes(":") ? ipv6Groups(ip) : null;
  return groups ? `${groups.slice(0, 4).map((g) => g.toString(16)).join(":")}::/64` : ip;
}

/** 127.0.0.0/8 and ::1: the local machine, which `wrangler dev` reports for every request. */
export function isLoopback(ip: string): boolean {
  if (/^(::ffff:)?127\./i.test(ip)) return true;
  const groups = ip.includes(":") ? ipv6Groups(ip) : null;
  return groups !== null && groups.every((g, i) => g === (i === 7 ? 1 : 0));
}

/** Whether requests from this address are counted at all. */
function limited(env: Bindings, ip: string | null): ip is string {
  if (!env.RATE_LIMITER || !ip) return false;
  return env.RATE_LIMIT_LOOPBACK === "true" || !isLoopback(ip);
}

/** A limiter slower than this is not waited for: the request goes on uncounted. */
const LIMITER_TIMEOUT_MS = 500;

/**
 * Counts one unit of work for the client and says whether it was within its limit. Requests
 * that did not come through Cloudflare's edge carry no `cf-connecting-ip` (service bindings,
 * local tools) and are not counted; a failing or slow limiter lets the request through.
 */
export async function withinLimit(env: Bindings, request: Request): Promise<boolean> {
  const ip = request.headers.get("cf-connecting-ip");
  if (!limited(env, ip)) return true;
  const outcome = await bounded(() => env.RATE_LIMITER!.limit({ key: clientKey(ip) }), LIMITER_TIMEOUT_MS);
  return !outcome.ok || outcome.value.success;
}
