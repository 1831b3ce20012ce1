import type { D1Reader } from "./db/client";
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
  /** Per-fetch time limit for upstream feeds, in ms (default 15000). */
  FETCH_TIMEOUT_MS?: string;
  /** Largest upstream body accepted after decompression, in bytes (default 10 MiB). */
  FETCH_MAX_BYTES?: string;
  /** Queue that spreads a large refresh over many invocations, one message per source. */
  REFRESH_QUEUE?: Queue<RefreshMessage>;
  /** Due sources above which a run fans out through REFRESH_QUEUE (default 500). */
  REFRESH_FANOUT_THRESHOLD?: string;
  /** Per-client limit on work (wrangler.toml `[[ratelimits]]`, src/cache/policy.ts); none when absent. */
  RATE_LIMITER?: RateLimit;
  /** "true" counts loopback clients against the rate limit too (they are exempt otherwise). */
  RATE_LIMIT_LOOPBACK?: string;
}

/** One queued unit of refresh work. */
export interface RefreshMessage {
  sourceId: string;
  runId: string;
  force: boolean;
}

export interface Variables {
  requestId: string;
  /** The resolved UI locale of this request. */
  locale: Locale;
  /** This request's D1 session (opened on first use; see `d1Session` middleware). */
  session: () => D1Reader;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
