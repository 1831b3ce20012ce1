import type { Bindings } from "../env";
import type { SharedWrite } from "./admission";
import { ByteLru } from "./memory-lru";
import { admitted, BODY_HEADERS, countsWhenCached, keyCoversVary, negotiatesLocale, NEVER_REPLAYED, notModified } from "./policy";
import { EVERY_KIND_IN_MEMORY, tiersOf } from "./keys";
import { dependenciesOf, epochOf, stampOf } from "./partitions";
import { freshness, isRebuild } from "./stale";
import { CACHE_STATUS_HEADER, hitStatus, servedStale, staleStatus } from "./status";
import { contentVersions } from "./version";

/**
 * The in-isolate tier, in front of the whole app: a hit is answered before routing or any
 * middleware runs and costs no I/O, so a cached page costs little more than a hello world.
 * It keeps complete final responses (every header the app added) of the responses the shared
 * response cache handled, with the version of what the answer depends on (partitions.ts), keyed
 * by everything that selects the response: the URL and, where the answer negotiates its
 * locale, the Accept-Language header. An entry retired lately answers while it is rebuilt
 * (stale.ts; the caller starts the rebuild).
 * What selects, replays and conditionally answers an entry is the serving policy (policy.ts).
 */

/** Small enough to never matter against the 128 MB isolate limit; big enough for hot pages. */
const MEMORY_BYTES = 4 * 1024 * 1024;
const MEMORY_ENTRY_BYTES = 256 * 1024;

interface Remembered {
  /**
   * The body as a Blob: its bytes live in the runtime, and a Response made from it shares
   * them, where one made from a Uint8Array copies them out of JavaScript on every hit. A probe
   * (no-code worker, 16 KB page, its own socket) served 0.80–0.87× hello-world from a
   * Uint8Array and 0.94–1.05× from a Blob.
   */
  body: Blob;
  /**
   * The headers of a hit, built once when stored. A Response made from a `Headers` object
   * copies it inside the runtime; one made from name/value pairs converts every string from
   * JavaScript again. With the dozen headers of an API answer that was a quarter of a hit's
   * cost against a hello world (BENCHMARKS.md), and is now too little to measure.
   */
  headers: Headers;
  notModified: Headers;
  /** The version it was built under. */
  version: number;
  etag: string | null;
  /** A hit on it still counts against the rate limit (policy.ts), decided once when stored. */
  counted: boolean;
  /** The shared-tier write its first fresh hit starts (admission.ts); null once started. */
  share: SharedWrite | null;
}

const memory = new ByteLru<Remembered>(MEMORY_BYTES, MEMORY_ENTRY_BYTES);
let memoryEpoch = -1;

/** A memory lookup: the remembered response, or what the app's answer may be filed under. */
export interface MemoryLookup {
  response: Response | null;
  /** The response is a retired entry, served while it is rebuilt. */
  stale: boolean;
  key: string | null;
  /** The version an answer computed now is filed under. */
  version: number;
  /** Whether the key holds Accept-Language, so a response may vary on it. */
  negotiated: boolean;
  /** The shared-tier write this hit admits (admission.ts): the caller runs it after the answer. */
  share?: SharedWrite | null;
}

export const NONE: MemoryLookup = { response: null, stale: false, key: null, version: 0, negotiated: false };

type Keyed = Pick<MemoryLookup, "version" | "negotiated"> & { key: string; freshness: (version: number) => ReturnType<typeof freshness> };

async function keyOf(request: Request, env: Bindings): Promise<Keyed | null> {
  const now = Date.now();
  const { versions } = await contentVersions(env.CACHE, now);
  // Without versions nothing can be filed safely: KV is failing, the app answers uncached.
  if (versions === null) return null;
  const epoch = epochOf(versions);
  if (epoch !== memoryEpoch) {
    // Every entry was retired at once and can never be hit again: give its memory back now.
    // Entries of a single bumped partition are left to age out of the LRU.
    memory.clear();
    memoryEpoch = epoch;
  }
  // Read once: every read of `request.url` makes a new string.
  const url = request.url;
  const deps = dependenciesOf(url);
  const negotiated = negotiatesLocale(url);
  const language = negotiated ? (request.headers.get("accept-language") ?? "") : "";
  return { key: `${language}\n${url}`, version: stampOf(versions, deps), negotiated, freshness: (version) => freshness(version, versions, deps, now) };
}

/**
 * The remembered response for this request, if any. A hit that still counts against the rate
 * limit (a search) and is over it goes on to the app, which answers 429 from the same decision.
 * The lookup carries the version read before the app runs, so an answer computed while a
 * refresh moves the version on is never filed under the newer one. A rebuild (stale.ts) gets
 * no response: it is what replaces the entry.
 */
export async function lookupMemory(request: Request, env: Bindings): Promise<MemoryLookup> {
  if (request.method !== "GET" && request.method !== "HEAD") return NONE;
  const keyed = await keyOf(request, env);
  if (!keyed) return NONE;
  const { key, version, negotiated } = keyed;
  const miss: MemoryLookup = { response: null, stale: false, key, version, negotiated };
  const found = isRebuild(request) ? undefined : memory.get(key);
  if (!found) return miss;
  const fresh = keyed.freshness(found.version);
  if (fresh === "retired") return miss;
  if (found.counted && !(await admitted(env, request, "hit"))) return NONE;
  const stale = fresh === "stale";
  // A second request for a fresh entry admits it to the shared tiers; a stale one is rebuilt instead.
  const share = stale ? null : found.share;
  if (share) found.share = null;
  if (notModified(found.etag, request.headers.get("if-none-match"))) {
    return { response: new Response(null, { status: 304, headers: found.notModified }), stale, key, version, negotiated, share };
  }
  let headers = found.headers;
  if (stale) {
    headers = new Headers(headers);
    headers.set(CACHE_STATUS_HEADER, staleStatus("memory"));
  }
  return { response: new Response(request.method === "HEAD" ? null : found.body, { status: 200, headers }), stale, key, version, negotiated, share };
}

/** The response to send, and the shared-tier write the memory tier did not take (run it now). */
export interface Kept {
  response: Response;
  share: SharedWrite | null;
}

/**
 * Keeps a response the shared cache handled (it says so in `Cache-Status`) where its kind is
 * kept in memory (keys.ts, TIERS), with the shared-tier write its first hit starts (`share`,
 * admission.ts); returns the response unchanged. An answer filed under another address
 * (`Content-Location`: the request carried parameters the route ignores) is not kept under this
 * one, so invented parameters fill no memory; nor is a stale one (its rebuild will be). An
 * answer not kept hands its write back.
 */
export async function rememberResponse(lookup: MemoryLookup, request: Request, response: Response, share: SharedWrite | null = null): Promise<Kept> {
  const notKept = { response, share };
  if (!lookup.key || request.method !== "GET" || response.status !== 200 || !response.headers.has(CACHE_STATUS_HEADER)) return notKept;
  if (servedStale(response) || !(EVERY_KIND_IN_MEMORY || tiersOf(new URL(request.url)).memory)) return notKept;
  if (response.headers.has("content-location") || !keyCoversVary(response.headers.get("vary"), lookup.negotiated)) return notKept;
  const body = new Uint8Array(await response.arrayBuffer());
  const headers = [...response.headers].filter(([name]) => !NEVER_REPLAYED.has(name));
  const entry: Remembered = {
    body: new Blob([body]),
    headers: new Headers([...headers, [CACHE_STATUS_HEADER, hitStatus("memory")]]),
    notModified: new Headers(headers.filter(([name]) => !BODY_HEADERS.has(name))),
    version: lookup.version,
    etag: response.headers.get("etag"),
    counted: countsWhenCached(request.url),
    share,
  };
  // An entry waiting for its shared write also holds the shared entry's copy of the body.
  const bytes = headers.reduce((n, [name, value]) => n + name.length + value.length, body.length * (share ? 2 : 1) + lookup.key.length);
  const kept = memory.set(lookup.key, entry, bytes);
  return { response: new Response(body, response), share: kept ? null : share };
}
