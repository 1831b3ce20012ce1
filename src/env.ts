import type { Locale } from "./i18n/locales";

/** Bindings declared in wrangler.toml plus secrets; the one environment type of the Worker. */
export interface Bindings {
  DB: D1Database;
  CACHE: KVNamespace;
  ADMIN_TOKEN?: string;
  /** "true" lets sources point at loopback/private hosts (local demo upstream, tests). */
  ALLOW_PRIVATE_UPSTREAMS?: string;
  /** Canonical origin for absolute links (feeds, Link headers); the request origin if empty. */
  PUBLIC_BASE_URL?: string;
}

export interface Variables {
  requestId: string;
  /** The resolved UI locale of this request. */
  locale: Locale;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
