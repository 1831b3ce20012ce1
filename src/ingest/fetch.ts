import { checkRedirect, checkUpstreamUrl } from "./upstream-url";

/** Every fetch is bounded: time, decoded bytes (so a gzip bomb stops early) and redirects. */
export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  allowPrivate: boolean;
  userAgent: string;
}

export const DEFAULT_LIMITS: Omit<FetchLimits, "allowPrivate"> = {
  timeoutMs: 15_000,
  maxBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
  userAgent: "EdgeNews/0.1 (multilingual news clearinghouse; feed refresh; polite: conditional GET, backoff)",
};

export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

export type FetchErrorCode =
  | "timeout"
  | "too_large"
  | "too_many_redirects"
  | "blocked_url"
  | "http_error"
  | "rate_limited"
  | "network_error";

interface Freshness {
  /** Cache-Control max-age the upstream asked for, in seconds. */
  maxAgeSeconds: number | null;
}

export type FetchOutcome =
  | ({ kind: "fetched"; status: number; body: Uint8Array; contentType: string | null; finalUrl: string; link: string | null } & Validators & Freshness)
  | ({ kind: "not_modified"; status: 304 } & Validators & Freshness)
  | { kind: "failed"; status: number | null; code: FetchErrorCode; message: string; retryAfterSeconds: number | null };

function maxAge(headers: Headers): number | null {
  const m = /(?:^|,)\s*(?:s-)?max-age\s*=\s*"?(\d+)/i.exec(headers.get("cache-control") ?? "");
  return m?.[1] ? Number(m[1]) : null;
}

/** Retry-After as seconds from now: delta-seconds or an HTTP date. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.round((at - now) / 1000));
}

/** Smallest read handed to the runtime; see `readBounded`. */
const READ_SIZE = 64 * 1024;

/**
 * Reads at most `maxBytes` of a body into one buffer, or returns null past the limit.
 *
 * Each read asks the runtime for at least READ_SIZE bytes (a BYOB `readAtLeast`) instead of
 * taking whatever arrived: a default reader resolves once per transfer-encoding chunk, and a
 * publisher writing an item per chunk turns a 10 MB body into ten thousand reads, promises
 * and buffers. Past the limit the reader is cancelled, which closes the upstream connection.
 */
export async function readBounded(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array | null> {
  if (!body) return new Uint8Array();
  const reader = body.getReader({ mode: "byob" });
  // One byte of headroom past the limit tells "exactly maxBytes" from "more than maxBytes".
  const capacity = maxBytes + 1;
  let buffer = new ArrayBuffer(Math.min(READ_SIZE, capacity));
  let size = 0;
  for (;;) {
    if (size === buffer.byteLength) {
      if (size === capacity) {
        await reader.cancel().catch(() => {});
        return null;
      }
      const grown = new ArrayBuffer(Math.min(size * 2, capacity));
      new Uint8Array(grown).set(new Uint8Array(buffer, 0, size));
      buffer = grown;
    }
    const free = buffer.byteLength - size;
    const { done, value } = await reader.readAtLeast(Math.min(free, READ_SIZE), new Uint8Array(buffer, size, free));
    if (value) {
      // A BYOB read transfers the buffer: keep the one it hands back.
      buffer = value.buffer as ArrayBuffer;
      size += value.byteLength;
    }
    if (done) break;
  }
  return new Uint8Array(buffer, 0, size);
}

function resolveLocation(location: string, base: URL): URL | null {
  try {
    return new URL(location, base);
  } catch {
    return null;
  }
}

/**
 * One GET, tried a second time if the connection is lost before any answer: a kept-alive
 * connection the server has just closed fails that way, and a GET is safe to repeat (browsers
 * do the same). A second loss, a timeout or any answer at all is final.
 */
async function send(url: string, init: RequestInit & { signal: AbortSignal }): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if (init.signal.aborted) throw err;
    return fetch(url, init);
  }
}

/** Conditional GET of a feed, following redirects by hand so each hop is checked. */
export async function fetchFeed(url: string, validators: Validators, limits: FetchLimits): Promise<FetchOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limits.timeoutMs);
  const failed = (code: FetchErrorCode, message: string, status: number | null = null, retryAfter: number | null = null): FetchOutcome => ({
    kind: "failed",
    status,
    code,
    message,
    retryAfterSeconds: retryAfter,
  });
  try {
    let target = url;
    let sourceHost: string | null = null;
    for (let hop = 0; ; hop++) {
      const check = checkUpstreamUrl(target, limits.allowPrivate);
      if (!check.ok) return failed("blocked_url", `refused ${hop ? "redirect to " : ""}${target}: ${check.reason}`);
      sourceHost ??= check.url.host;
      const headers = new Headers({
        "user-agent": limits.userAgent,
        accept: "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
        "accept-encoding": "gzip, br",
      });
      // Validators are the source's own: another host must not learn them (an ETag can carry
      // an identifier), nor answer 304 for a feed it never served.
      if (check.url.host === sourceHost) {
        if (validators.etag) headers.set("if-none-match", validators.etag);
        if (validators.lastModified) headers.set("if-modified-since", validators.lastModified);
      }
      const res = await send(check.url.href, { headers, redirect: "manual", signal: controller.signal });
      if (res.status >= 300 && res.status < 400 && res.status !== 304) {
        const location = res.headers.get("location");
        await res.body?.cancel();
        if (!location) return failed("http_error", `HTTP ${res.status} without a Location header`, res.status);
        if (hop >= limits.maxRedirects) return failed("too_many_redirects", `more than ${limits.maxRedirects} redirects`, res.status);
        const next = resolveLocation(location, check.url);
        if (!next) return failed("http_error", `HTTP ${res.status} with an invalid Location header`, res.status);
        const redirect = checkRedirect(check.url, next);
        if (!redirect.ok) return failed("blocked_url", `refused redirect to ${next.href}: ${redirect.reason}`, res.status);
        target = next.href;
        continue;
      }
      // Validators from another host are not kept either: the next refresh sends the stored
      // ones to the source's host.
      const ownHost = check.url.host === sourceHost;
      const common = {
        etag: ownHost ? res.headers.get("etag") : null,
        lastModified: ownHost ? res.headers.get("last-modified") : null,
        maxAgeSeconds: maxAge(res.headers),
      };
      if (res.status === 304 && !ownHost) {
        await res.body?.cancel();
        return failed("http_error", "HTTP 304 from a redirect target that was sent no validators", 304);
      }
      if (res.status === 304) {
        await res.body?.cancel();
        return { kind: "not_modified", status: 304, ...common };
      }
      if (!res.ok) {
        await res.body?.cancel();
        const retryAfter = retryAfterSeconds(res.headers.get("retry-after"));
        if (res.status === 429 || res.status === 503) {
          return failed("rate_limited", `HTTP ${res.status}${retryAfter !== null ? `, retry after ${retryAfter} s` : ""}`, res.status, retryAfter);
        }
        return failed("http_error", `HTTP ${res.status} ${res.statusText}`.trim(), res.status, retryAfter);
      }
      const declared = Number(res.headers.get("content-length"));
      if (Number.isFinite(declared) && declared > limits.maxBytes && !res.headers.get("content-encoding")) {
        await res.body?.cancel();
        return failed("too_large", `body of ${declared} bytes exceeds the ${limits.maxBytes}-byte limit`, res.status);
      }
      const body = await readBounded(res.body, limits.maxBytes);
      if (!body) return failed("too_large", `body exceeds the ${limits.maxBytes}-byte limit`, res.status);
      return { kind: "fetched", status: res.status, body, contentType: res.headers.get("content-type"), finalUrl: check.url.href, link: res.headers.get("link"), ...common };
    }
  } catch (err) {
    if (controller.signal.aborted) return failed("timeout", `no complete response within ${limits.timeoutMs} ms`);
    return failed("network_error", err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(timer);
  }
}
