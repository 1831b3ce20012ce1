import type { Bindings } from "../env";
import { ByteLru } from "./memory-lru";
import { CACHE_STATUS_HEADER, hitStatus } from "./status";
import { contentVersion } from "./version";

/**
 * The in-isolate tier, in front of the whole app: a hit is answered before routing or any
 * middleware runs and costs no I/O, so a cached page costs little more than a hello world.
 * It keeps complete final responses (every header the app added) of the responses the shared
 * response cache handled, keyed by the content version and everything that selects the
 * response: the URL and, for the API, the Accept-Language header the locale may come from.
 */

/** Small enough to never matter against the 128 MB isolate limit; big enough for hot pages. */
const MEMORY_BYTES = 4 * 1024 * 1024;
const MEMORY_ENTRY_BYTES = 256 * 1024;

/** Headers that describe the body, which a 304 has none of. */
const BODY_HEADERS = new Set(["content-type", "content-length", "content-encoding", "link", "x-total-count", "x-total-pages", "last-modified"]);
/** Headers about one particular answer, never replayed. */
const PER_RESPONSE = new Set([CACHE_STATUS_HEADER, "x-d1-bookmark", "set-cookie"]);

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
  etag: string | null;
}

const memory = new ByteLru<Remembered>(MEMORY_BYTES, MEMORY_ENTRY_BYTES);
let memoryVersion = "";

/** A memory lookup: the remembered response, or what the app's answer may be filed under. */
export interface MemoryLookup {
  response: Response | null;
  key: string | null;
  /** Whether the key holds Accept-Language, so a response may vary on it. */
  negotiated: boolean;
}

const NONE: MemoryLookup = { response: null, key: null, negotiated: false };

async function keyOf(request: Request, env: Bindings): Promise<Pick<MemoryLookup, "key" | "negotiated">> {
  const version = await contentVersion(env.CACHE);
  if (version !== memoryVersion) {
    // Entries of the old version can never be hit again: give their memory back now.
    memory.clear();
    memoryVersion = version;
  }
  // Read once: every read of `request.url` makes a new string. The path starts at the first
  // "/" after the scheme's "//", which is cheaper to find than parsing the URL.
  const url = request.url;
  const negotiated = url.startsWith("/api/", url.indexOf("/", url.indexOf("//") + 2));
  const language = negotiated ? (request.headers.get("accept-language") ?? "") : "";
  return { key: `${version}\n${language}\n${url}`, negotiated };
}

/** True when all the response varies on is part of its key (compression is the runtime's). */
function keyCoversVary(vary: string | null, negotiated: boolean): boolean {
  return (vary ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .every((name) => name === "" || name === "accept-encoding" || (negotiated && name === "accept-language"));
}

/** RFC 9110 weak comparison, as for If-None-Match. */
function matches(etag: string, ifNoneMatch: string): boolean {
  if (ifNoneMatch.trim() === "*") return true;
  const bare = etag.replace(/^W\//, "");
  return ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === bare);
}

/**
 * The remembered response for this request, if any. Public reads stay rate limited here too;
 * over the limit, the app answers (with its 429 problem). The key carries the version read
 * before the app runs, so an answer computed while a refresh moves the version on is never
 * filed under the newer one.
 */
export async function lookupMemory(request: Request, env: Bindings): Promise<MemoryLookup> {
  if (request.method !== "GET" && request.method !== "HEAD") return NONE;
  const { key, negotiated } = await keyOf(request, env);
  const found = memory.get(key!);
  if (!found) return { response: null, key, negotiated };
  const ip = request.headers.get("cf-connecting-ip");
  if (env.RATE_LIMITER && ip) {
    const { success } = await env.RATE_LIMITER.limit({ key: ip }).catch(() => ({ success: true }));
    if (!success) return NONE;
  }
  const ifNoneMatch = request.headers.get("if-none-match");
  if (found.etag && ifNoneMatch && matches(found.etag, ifNoneMatch)) {
    return { response: new Response(null, { status: 304, headers: found.notModified }), key, negotiated };
  }
  return { response: new Response(request.method === "HEAD" ? null : found.body, { status: 200, headers: found.headers }), key, negotiated };
}

/** Keeps a response the shared cache handled (it says so in `Cache-Status`); returns it unchanged. */
export async function rememberResponse(lookup: MemoryLookup, request: Request, response: Response): Promise<Response> {
  if (!lookup.key || request.method !== "GET" || response.status !== 200 || !response.headers.has(CACHE_STATUS_HEADER)) return response;
  if (!keyCoversVary(response.headers.get("vary"), lookup.negotiated)) return response;
  const body = new Uint8Array(await response.arrayBuffer());
  const headers = [...response.headers].filter(([name]) => !PER_RESPONSE.has(name));
  const entry: Remembered = {
    body: new Blob([body]),
    headers: new Headers([...headers, [CACHE_STATUS_HEADER, hitStatus("memory")]]),
    notModified: new Headers(headers.filter(([name]) => !BODY_HEADERS.has(name))),
    etag: response.headers.get("etag"),
  };
  const bytes = headers.reduce((n, [name, value]) => n + name.length + value.length, body.length + lookup.key.length);
  memory.set(lookup.key, entry, bytes);
  return new Response(body, response);
}
