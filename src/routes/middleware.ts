import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { Problem } from "../errors/problem";
import { resolveLocale } from "../i18n/locales";

/** Gives every request an id (Cloudflare's ray id when present) for logs and 500 problems. */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, next) {
    c.set("requestId", c.req.header("cf-ray") ?? crypto.randomUUID());
    await next();
  };
}

/**
 * Resolves the UI locale for API routes (`?locale=` > Accept-Language > en), reports it in
 * `Content-Language`, and adds `Vary: Accept-Language` when the header decided.
 */
export function apiLocale(): MiddlewareHandler<AppEnv> {
  return async function apiLocaleMiddleware(c, next) {
    const resolved = resolveLocale(null, c.req.query("locale") ?? null, c.req.header("accept-language") ?? null);
    c.set("locale", resolved.locale);
    await next();
    c.res.headers.set("content-language", resolved.locale);
    if (resolved.fromHeader) c.res.headers.append("vary", "Accept-Language");
  };
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
    if (!match?.[1]) {
      throw new Problem({
        status: 401,
        code: "unauthorized",
        title: "Authentication required",
        detail: "Send the admin token as `Authorization: Bearer <token>`.",
        headers: { "www-authenticate": 'Bearer realm="admin"' },
      });
    }
    const expected = c.env.ADMIN_TOKEN;
    const [given, wanted] = await Promise.all([digest(match[1]), digest(expected ?? "")]);
    if (!expected || !crypto.subtle.timingSafeEqual(given, wanted)) {
      throw new Problem({ status: 403, code: "forbidden", title: "Forbidden", detail: "The admin token is not valid." });
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
