/**
 * Admission to the shared tiers ("cache on second request", keys.ts): an answer the isolate
 * memory tier keeps is written to the Cache API and KV only when it is asked for again, so an
 * answer asked for once (most searches, most details, a rare filter) never costs a shared write.
 * The response cache hands its write here instead of running it; the memory tier takes it
 * along with the entry and runs it on the entry's first fresh hit. An answer the memory tier
 * does not keep (too large, filed under another address, a rebuild) is written at once, as is
 * any request the memory tier does not front.
 */

/** A shared-tier write, not yet started. */
export type SharedWrite = () => Promise<unknown>;

/** Requests whose answer the memory tier may keep: only their writes can wait. */
const fronted = new WeakSet<Request>();
const waiting = new WeakMap<Request, SharedWrite>();

/** Marks a request the memory tier looks after (serve.ts), before the app runs. */
export function frontByMemory(request: Request): void {
  fronted.add(request);
}

/** Leaves the write of this request's answer to its second request; false when it must run now. */
export function deferWrite(request: Request, write: SharedWrite): boolean {
  if (!fronted.has(request)) return false;
  waiting.set(request, write);
  return true;
}

/** The write deferred for this request's answer, if any; the caller now owns it. */
export function takeDeferred(request: Request): SharedWrite | null {
  const write = waiting.get(request) ?? null;
  waiting.delete(request);
  return write;
}
