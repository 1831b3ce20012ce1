import type { D1Reader } from "./db/client";
import type { Locale } from "./i18n/locales";

/**
 * The one environment type of the Worker. Bindings, vars and secrets declared in wrangler.toml
 * and .dev.vars.example come from `Cloudflare.Env`, which `npm run types` generates into
 * worker-configuration.d.ts (`npm run types:check` keeps it current; the README's
 * Configuration table says what each one means). Only tuning settings that are not
 * configured anywhere by default, and so have their default in the code that reads them, are
 * declared here.
 */
export interface Bindings extends Omit<Cloudflare.Env, "REFRESH_QUEUE"> {
  /** Optional: without a queue, what one invocation cannot refresh stays due for the next run. */
  REFRESH_QUEUE?: Queue<RefreshMessage>;
  /** Per-fetch time limit for upstream feeds, in ms. */
  FETCH_TIMEOUT_MS?: string;
  /** Largest upstream body accepted after decompression, in bytes. */
  FETCH_MAX_BYTES?: string;
  /** Due sources above which a run fans out through REFRESH_QUEUE. */
  REFRESH_FANOUT_THRESHOLD?: string;
  /** Wall time one invocation spends on inline refresh work, in ms (default 120000). */
  REFRESH_BUDGET_MS?: string;
  /** D1 queries one invocation spends on inline refresh work (default 800 of D1's 1,000). */
  REFRESH_BUDGET_QUERIES?: string;
  /** Requests at once to one host that asked for no pacing (default and most 6; a Crawl-delay makes it 1). */
  REFRESH_PER_HOST?: string;
  /** Origin WebSub hubs call back (`/websub/{id}`); PUBLIC_BASE_URL when unset; neither: no push. */
  WEBSUB_CALLBACK_BASE?: string;
  /** Days after publication when an article's body moves to the ARCHIVE bucket (default 30; "off"). */
  ARCHIVE_AFTER_DAYS?: string;
  /** Days refresh run logs are kept (default 30; "off"). */
  RUN_LOG_DAYS?: string;
  /** Size the live database should stay under, in MB (default 5120): the cron warns when it nears it. */
  DB_BUDGET_MB?: string;
  /** Days an article stays in the live database before the cron moves it to its period's database (default 13 once a period is registered, off before; "off"). */
  LIVE_DAYS?: string;
  /**
   * Seconds a newly registered period waits before the mover uses it (default 120: twice how
   * long an isolate keeps its copy of the registry). Lower only where one isolate serves
   * everything, as on the local stack.
   */
  PERIOD_SETTLE_SECONDS?: string;
}

/** One queued unit of refresh work: sources of one host, paced together. */
export interface RefreshMessage {
  sourceIds: string[];
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
