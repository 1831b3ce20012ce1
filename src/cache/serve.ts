import type { Bindings } from "../env";
import { frontByMemory, takeDeferred } from "./admission";
import { flightOf, follow, lead } from "./coalesce";
import { lookupMemory, NONE, rememberResponse, type MemoryLookup } from "./memory-tier";
import { revalidate } from "./stale";
import { CACHE_STATUS_HEADER, collapsedStatus, notCollapsedStatus, servedStale } from "./status";

type App = (request: Request) => Promise<Response>;

/**
 * A request through every tier: isolate memory first (a hit answers before the app runs), then
 * the app, whose response cache tries the shared tiers. An answer served stale by any tier
 * starts ONE background rebuild of its key in this isolate (stale.ts), which files the new
 * answer in every tier its kind uses.
 *
 * Concurrent misses of one memory key are collapsed (coalesce.ts): the first unconditional GET
 * leads, the others wait for it and then look in memory again. Only what memory keys and keeps
 * is collapsed: the key holds everything that selects the answer (the negotiated language
 * included), and memory keeps only a GET's 200, so a HEAD or a conditional GET (its answer may
 * be a 304) follows but never leads. A follower found in memory is what a second request would
 * be: a memory hit, so it costs no rate limit unless a memory hit does (a search), and it admits
 * the answer to the shared tiers (admission.ts): concurrent readers show the address is read
 * again. A follower that finds nothing (the leader's answer was not kept: not 200, too big,
 * filed under another address, a failure) runs the app itself, as before, and never waits twice.
 * A hit pays nothing for this; a lone miss, one Map lookup and its flight's record.
 */
export async function serveThroughTiers(request: Request, env: Bindings, ctx: ExecutionContext, app: App): Promise<Response> {
  // Whatever goes wrong in memory, the app still answers: the memory tier is an optimisation.
  let memory = await lookupMemory(request, env).catch(() => NONE);
  if (memory.response) return served(memory, memory.response, request, env, ctx, app);
  let land: ((status: string | null) => void) | null = null;
  let waited = false;
  if (memory.key) {
    const flight = flightOf(memory.key);
    if (!flight) {
      if (request.method === "GET" && !request.headers.has("if-none-match")) land = lead(memory.key);
    } else {
      await follow(memory.key, flight);
      memory = await lookupMemory(request, env).catch(() => NONE);
      if (memory.response) {
        // What the leader kept (a retired entry served stale is not its answer).
        const status = flight.status && !memory.stale && memory.response.headers.has(CACHE_STATUS_HEADER) ? collapsedStatus(flight.status) : null;
        if (status) memory.response.headers.set(CACHE_STATUS_HEADER, status);
        return served(memory, memory.response, request, env, ctx, app);
      }
      waited = true;
    }
  }
  try {
    // Memory may keep this answer, so its shared-tier write can wait for a second request (admission.ts).
    if (memory.key) frontByMemory(request);
    const kept = await rememberResponse(memory, request, await app(request), takeDeferred(request));
    if (kept.share) ctx.waitUntil(kept.share());
    let response = kept.response;
    // The answer is in memory (where memory keeps it) before the followers look.
    land?.(response.headers.get(CACHE_STATUS_HEADER));
    const status = waited ? notCollapsedStatus(response.headers.get(CACHE_STATUS_HEADER)) : null;
    if (status) {
      response = new Response(response.body, response);
      response.headers.set(CACHE_STATUS_HEADER, status);
    }
    return served(memory, response, request, env, ctx, app);
  } finally {
    // Also when the app threw: the followers then build their own answers.
    land?.(null);
  }
}

/** Sends a response: runs the shared-tier write a memory hit admitted, and rebuilds what was served stale. */
function served(memory: MemoryLookup, response: Response, request: Request, env: Bindings, ctx: ExecutionContext, app: App): Response {
  if (memory.share) ctx.waitUntil(memory.share());
  if (memory.stale || servedStale(response)) {
    revalidate(memory.key ?? request.url, request, (copy) => rebuild(copy, env, app), (work) => ctx.waitUntil(work));
  }
  return response;
}

/** A rebuild replaces what readers were served: its shared-tier write runs at once (it is never fronted). */
async function rebuild(request: Request, env: Bindings, app: App): Promise<Response> {
  const memory = await lookupMemory(request, env).catch(() => NONE);
  return (await rememberResponse(memory, request, await app(request))).response;
}
