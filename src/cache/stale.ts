import { STALE_MAX_MS } from "./keys";
import { epochOf, previousStampOf, stampOf, type Partition, type Versions } from "./partitions";

/**
 * Stale-while-revalidate inside the tiers (rules in the key table, keys.ts): whether an entry
 * found in a tier may answer, and the one background rebuild per key that replaces it.
 */

/** `fresh`: serve it; `stale`: serve it and rebuild it; `retired`: do not serve it. */
export type Freshness = "fresh" | "stale" | "retired";

export function freshness(entryVersion: number, versions: Versions, deps: readonly Partition[], now: number): Freshness {
  const current = stampOf(versions, deps);
  // An entry built by an isolate that already knew a newer version is newer, not stale.
  if (entryVersion >= current) return "fresh";
  if (entryVersion < epochOf(versions)) return "retired";
  if (now - current > STALE_MAX_MS) return "retired";
  return entryVersion >= previousStampOf(versions, deps) ? "stale" : "retired";
}

/**
 * Requests made to rebuild a stale entry: the tiers do not answer them with that entry again,
 * and they do not count against the reader's rate limit (policy.ts): the work is the cache's.
 */
const rebuilds = new WeakSet<Request>();

export function isRebuild(request: Request): boolean {
  return rebuilds.has(request);
}

/** Keys being rebuilt in this isolate: a stale entry read by many at once is rebuilt once. */
const rebuilding = new Set<string>();

/**
 * Rebuilds the entry under `key` in the background by running `app` on a copy of the request,
 * unless this isolate is rebuilding it already. `app` files the answer in the tiers itself.
 */
export function revalidate(key: string, request: Request, app: (request: Request) => Promise<Response>, defer: (work: Promise<unknown>) => void): void {
  if (rebuilding.has(key)) return;
  rebuilding.add(key);
  const copy = new Request(request.url, { method: "GET", headers: request.headers });
  rebuilds.add(copy);
  defer(
    Promise.resolve()
      .then(() => app(copy))
      .then((response) => response.arrayBuffer())
      // A failed rebuild leaves the stale entry; the next reader tries again.
      .catch(() => {})
      .finally(() => rebuilding.delete(key)),
  );
}
