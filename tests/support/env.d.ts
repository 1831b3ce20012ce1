import type { D1Migration } from "cloudflare:test";
declare global {
  // Bindings the test configuration (vitest.config.ts) adds to the Worker's generated Env.
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      FEED_ORIGIN: string;
    }
  }
}
