/** Bindings declared in wrangler.toml plus secrets; the one environment type of the Worker. */
export interface Bindings {
  DB: D1Database;
  CACHE: KVNamespace;
  ADMIN_TOKEN?: string;
  /** "true" lets sources point at loopback/private hosts (local demo upstream, tests). */
  ALLOW_PRIVATE_UPSTREAMS?: string;
  /** Absolute origin used in links when the request's own origin should not be (optional). */
  PUBLIC_BASE_URL?: string;
}

export interface Variables {
  requestId: string;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
