import robotsParser from "robots-parser";
import { checkUpstreamUrl } from "./upstream-url";

/**
 * A host's robots.txt Crawl-delay, in ms, for our user agent's group or `*`: fetched once per
 * host per run, bounded in time, size and redirects. No robots.txt (404, error, timeout,
 * unreadable) means no delay: that host has asked for nothing.
 */
export interface RobotsLimits {
  userAgent: string;
  allowPrivate: boolean;
}

const TIMEOUT_MS = 5_000;
const MAX_BYTES = 64 * 1024;
const MAX_REDIRECTS = 3;
/** A Crawl-delay above this is read as this: the pacing then defers the host's remaining feeds. */
const MAX_DELAY_MS = 3_600_000;

async function readText(res: Response): Promise<string | null> {
  const reader = res.body?.getReader();
  if (!reader) return "";
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    // Past the cap the rest is dropped: the groups that matter come first in practice.
    if (size > MAX_BYTES) {
      await reader.cancel().catch(() => {});
      break;
    }
    parts.push(value);
  }
  const decoder = new TextDecoder();
  return parts.map((p) => decoder.decode(p, { stream: true })).join("") + decoder.decode();
}

async function fetchRobots(origin: string, limits: RobotsLimits, signal: AbortSignal): Promise<string | null> {
  let target = `${origin}/robots.txt`;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const check = checkUpstreamUrl(target, limits.allowPrivate);
    if (!check.ok) return null;
    const res = await fetch(check.url.href, { headers: { "user-agent": limits.userAgent }, redirect: "manual", signal });
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      target = new URL(location, check.url).href;
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      return null;
    }
    return readText(res);
  }
  return null;
}

/** The robots.txt product token of our user agent ("EdgeNews/0.1 (…)" -> "EdgeNews"). */
const productToken = (userAgent: string) => userAgent.split(/[/\s]/, 1)[0] ?? "*";

/** The Crawl-delay (ms) a robots.txt sets for our group, or for `*` when we have none. */
export function crawlDelayIn(robotsTxt: string, origin: string, userAgent: string): number | null {
  const delay = Number(robotsParser(`${origin}/robots.txt`, robotsTxt).getCrawlDelay(productToken(userAgent)));
  return Number.isFinite(delay) && delay > 0 ? Math.min(delay * 1000, MAX_DELAY_MS) : null;
}

export async function crawlDelayOf(origin: string, limits: RobotsLimits): Promise<number | null> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const text = await fetchRobots(origin, limits, controller.signal);
    return text ? crawlDelayIn(text, origin, limits.userAgent) : null;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** One lookup per host for the life of `cache` (a run, or a queue batch). */
export function crawlDelays(limits: RobotsLimits): (origin: string) => Promise<number | null> {
  const cache = new Map<string, Promise<number | null>>();
  return (origin) => {
    let delay = cache.get(origin);
    if (!delay) {
      delay = crawlDelayOf(origin, limits);
      cache.set(origin, delay);
    }
    return delay;
  };
}
