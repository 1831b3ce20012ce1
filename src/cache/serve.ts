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
 */
export async function serveThroughTiers(request: Request, env: Bindings, ctx: ExecutionContext, app: App): Promise<Response> {
  // Whatever goes wrong in memory, the app still answers: the memory tier is an optimisation.
  let memory = await lookupMemory(request, env).catch(() => NONE);
  let land: ((status: string | null) => void) | null = null;
  let followed: string | null | false = false;
  if (!memory.response && memory.key) {
    const flight = flightOf(memory.key);
    if (!flight) {
      if (request.method === "GET" && !request.headers.has("if-none-match")) land = lead(memory.key);
    } else {
      await follow(memory.key, flight);
      memory = await lookupMemory(request, env).catch(() => NONE);
      followed = memory.response && !memory.stale ? flight.status : null;
    }
  }
  try {
    return await answer(request, env, ctx, app, memory, followed, (status) => land?.(status));
  } finally {
    // Also when the app threw: the followers then build their own answers.
    land?.(null);
  }
}

/**
 * The answer after the memory lookup. `followed`: false for a request that did not wait; else
 * the leader's status when memory answered with what the leader kept, null when it did not.
 */
async function answer(request: Request, env: Bindings, ctx: ExecutionContext, app: App, memory: MemoryLookup, followed: string | null | false, landed: (status: string | null) => void): Promise<Response> {
  let response = memory.response;
  if (memory.share) ctx.waitUntil(memory.share());
  if (response) {
    const status = followed && response.headers.has(CACHE_STATUS_HEADER) ? collapsedStatus(followed) : null;
    if (status) response.headers.set(CACHE_STATUS_HEADER, status);
  } else {
    // Memory may keep this answer, so its shared-tier write can wait for a second request (admission.ts).
    if (memory.key) frontByMemory(request);
    const kept = await rememberResponse(memory, request, await app(request), takeDeferred(request));
    if (kept.share) ctx.waitUntil(kept.share());
    response = kept.response;
    // The answer is in memory (if memory keeps it) before the followers look.
    landed(response.headers.get(CACHE_STATUS_HEADER));
    const status = followed === null ? notCollapsedStatus(response.headers.get(CACHE_STATUS_HEADER)) : null;
    if (status) {
      response = new Response(response.body, response);
      response.headers.set(CACHE_STATUS_HEADER, status);
    }
  }
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
