import type { MiddlewareHandler } from "hono";
import { admitted, servedFromCache, tooManyRequests } from "../cache/policy";
import { BOOKMARK_HEADER, openSession, type D1Reader } from "../db/client";
import { withPrimaryFallback } from "../db/replica-fallback";
import type { AppEnv } from "../env";
import { Problem } from "../errors/problem";
import { isLocale, resolveLocale } from "../i18n/locales";

/** Gives every request an id (Cloudflare's ray id when present) for logs and 500 problems. */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, next) {
    c.set("requestId", c.req.header("cf-ray") ?? crypto.randomUUID());
    await next();
  };
}

/**
 * Resolves the UI locale for API routes (`?locale=` > Accept-Language > en) and reports it in
 * `Content-Language`. Unless `?locale=` decided, the answer depends on Accept-Language (its
 * absence included), so shared caches must keep one copy per header value: `Vary`.
 */
export function apiLocale(): MiddlewareHandler<AppEnv> {
  return async function apiLocaleMiddleware(c, next) {
    const query = c.req.query("locale") ?? null;
    const resolved = resolveLocale(null, query, c.req.header("accept-language") ?? null);
    c.set("locale", resolved.locale);
    await next();
    c.res.headers.set("content-language", resolved.locale);
    if (!isLocale(query)) c.res.headers.append("vary", "Accept-Language");
  };
}

/**
 * Opens this request's D1 session on first use, from the client's bookmark header if it sent
 * one, and returns the session's latest bookmark in the same header so the client's next
 * request reads data at least as fresh (Cloudflare's documented pattern for read replicas).
 * A read the replica does not answer in time is run again at the primary (replica-fallback.ts).
 * Cache hits never open one.
 */
export function d1Session(): MiddlewareHandler<AppEnv> {
  return async function d1SessionMiddleware(c, next) {
    let session: D1DatabaseSession | undefined;
    let reader: D1Reader | undefined;
    let primary: D1DatabaseSession | undefined;
    const writes = c.req.method !== "GET" && c.req.method !== "HEAD";
    const open = () => (session ??= openSession(c.env.DB, c.req.header(BOOKMARK_HEADER), writes));
    // Reads may go to a replica; one that is too slow is passed over for the primary.
    c.set("session", () => (reader ??= writes ? open() : withPrimaryFallback(open(), () => (primary ??= c.env.DB.withSession("first-primary")))));
    await next();
    const bookmark = session?.getBookmark();
    if (bookmark) c.res.headers.set(BOOKMARK_HEADER, bookmark);
  };
}

/**
 * Counts the requests the response cache does not handle (it counts its own misses, and
 * searches, in policy.ts) against the client's rate limit. Admin calls are exempt: they are
 * authenticated instead, and a failed authentication counts (`requireAdmin`).
 */
export function rateLimit(): MiddlewareHandler<AppEnv> {
  return async function rateLimitMiddleware(c, next) {
    if (isAdminRequest(c.req.method, c.req.path) || servedFromCache(c.req.method, c.req.path)) return next();
    if (!(await admitted(c.env, c.req.raw, "miss"))) {
      const segment = c.req.path.split("/")[1] ?? null;
      c.set("locale", resolveLocale(segment, c.req.query("locale") ?? null, c.req.header("accept-language") ?? null).locale);
      throw tooManyRequests();
    }
    await next();
  };
}

/** Every mutating endpoint and everything under /api/v1/admin requires the admin token. */
function isAdminRequest(method: string, path: string): boolean {
  return path.startsWith("/api/v1/admin/") || !["GET", "HEAD", "OPTIONS"].includes(method);
}

/** Answers a known path called with the wrong method: 405 problem with `Allow`. */
export function methodNotAllowedProblem(methods: string[]): Problem {
  return new Problem({
    status: 405,
    code: "method_not_allowed",
    title: "Method not allowed",
    detail: `This resource supports ${methods.join(", ")}.`,
    headers: { allow: methods.join(", ") },
  });
}

async function digest(value: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
}

/**
 * Bearer ADMIN_TOKEN check. Tokens are compared as SHA-256 digests with the runtime's
 * constant-time comparison, so neither content nor length leaks through timing.
 */
export function requireAdmin(): MiddlewareHandler<AppEnv> {
  return async function requireAdminMiddleware(c, next) {
    c.header("cache-control", "no-store");
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    // A failed attempt counts against the client's rate limit, so tokens cannot be guessed at speed.
    const refuse = async (problem: Problem) => {
      throw (await admitted(c.env, c.req.raw, "miss")) ? problem : tooManyRequests();
    };
    if (!match?.[1]) {
      return refuse(
        new Problem({
          status: 401,
          code: "unauthorized",
          title: "Authentication required",
          detail: "Send the admin token as `Authorization: Bearer <token>`.",
          headers: { "www-authenticate": 'Bearer realm="admin"' },
        }),
      );
    }
    const expected = c.env.ADMIN_TOKEN;
    const [given, wanted] = await Promise.all([digest(match[1]), digest(expected ?? "")]);
    if (!expected || !crypto.subtle.timingSafeEqual(given, wanted)) {
      return refuse(new Problem({ status: 403, code: "forbidden", title: "Forbidden", detail: "The admin token is not valid." }));
    }
    await next();
  };
}

/** The contract's JSON media type carries its charset explicitly. */
export function jsonCharset(): MiddlewareHandler<AppEnv> {
  return async function jsonCharsetMiddleware(c, next) {
    await next();
    if (c.res.headers.get("content-type") === "application/json") {
      c.res.headers.set("content-type", "application/json; charset=utf-8");
    }
  };
}

/**
 * The security headers of every response whose route did not set its own (see app.ts for why
 * only these two). Written here rather than with the framework's secure-headers middleware,
 * which for these two headers put 1.2 KB into the gzipped bundle.
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async function securityHeadersMiddleware(c, next) {
    await next();
    const headers = c.res.headers;
    if (!headers.has("x-content-type-options")) headers.set("x-content-type-options", "nosniff");
    if (!headers.has("content-security-policy")) headers.set("content-security-policy", "default-src 'none'; frame-ancestors 'none'");
  };
}
