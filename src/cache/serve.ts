import type { Bindings } from "../env";
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
  const response = memory.response ?? (await rememberResponse(memory, request, await app(request)));
  if (memory.stale || servedStale(response)) {
    revalidate(memory.key ?? request.url, request, (copy) => rebuild(copy, env, app), (work) => ctx.waitUntil(work));
  }
  return response;
}

async function rebuild(request: Request, env: Bindings, app: (request: Request) => Promise<Response>): Promise<Response> {
  const memory = await lookupMemory(request, env).catch(() => NONE);
  return rememberResponse(memory, request, await app(request));
}
