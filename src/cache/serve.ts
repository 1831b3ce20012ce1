import type { Bindings } from "../env";
import { frontByMemory, takeDeferred } from "./admission";
import { lookupMemory, NONE, rememberResponse } from "./memory-tier";
import { revalidate } from "./stale";
import { servedStale } from "./status";

/**
 * A request through every tier: isolate memory first (a hit answers before the app runs), then
 * the app, whose response cache tries the shared tiers. An answer served stale by any tier
 * starts ONE background rebuild of its key in this isolate (stale.ts), which files the new
 * answer in every tier its kind uses.
 */
export async function serveThroughTiers(request: Request, env: Bindings, ctx: ExecutionContext, app: (request: Request) => Promise<Response>): Promise<Response> {
  // Whatever goes wrong in memory, the app still answers: the memory tier is an optimisation.
  const memory = await lookupMemory(request, env).catch(() => NONE);
  let response = memory.response;
  if (memory.share) ctx.waitUntil(memory.share());
  if (!response) {
    // Memory may keep this answer, so its shared-tier write can wait for a second request (admission.ts).
    if (memory.key) frontByMemory(request);
    const answer = await app(request);
    const kept = await rememberResponse(memory, request, answer, takeDeferred(request));
    if (kept.share) ctx.waitUntil(kept.share());
    response = kept.response;
  }
  if (memory.stale || servedStale(response)) {
    revalidate(memory.key ?? request.url, request, (copy) => rebuild(copy, env, app), (work) => ctx.waitUntil(work));
  }
  return response;
}

/** A rebuild replaces what readers were served: its shared-tier write runs at once (it is never fronted). */
async function rebuild(request: Request, env: Bindings, app: (request: Request) => Promise<Response>): Promise<Response> {
  const memory = await lookupMemory(request, env).catch(() => NONE);
  return (await rememberResponse(memory, request, await app(request))).response;
}
