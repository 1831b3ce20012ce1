import { availableParallelism } from "node:os";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Every test runs inside workerd with real D1 and KV (isolated storage per test file).
// The loopback upstream (tests/support/global-setup.ts) is a real HTTP server in Node;
// its origin reaches the Worker as the FEED_ORIGIN binding and tests via inject().
export default defineConfig({
  plugins: [
    cloudflareTest(async ({ inject }) => ({
      main: "./src/index.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          ADMIN_TOKEN: "test-token",
          ALLOW_PRIVATE_UPSTREAMS: "true",
          FETCH_TIMEOUT_MS: "1500",
          // Hubs of test feeds call back here (tests play the hub's side through SELF).
          WEBSUB_CALLBACK_BASE: "http://app.test",
          // Fixture feeds carry dates months old: other tests expect their bodies in D1.
          // tests/integration/archive.test.ts turns archival on where it calls the cron.
          ARCHIVE_AFTER_DAYS: "off",
          TEST_MIGRATIONS: await readD1Migrations(path.join(import.meta.dirname, "migrations")),
          FEED_ORIGIN: inject("feedOrigin"),
        },
      },
    })),
  ],
  test: {
    globalSetup: ["./tests/support/global-setup.ts"],
    setupFiles: ["./tests/support/apply-migrations.ts"],
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts"],
    // The suite waits far more than it computes (KV's one write a second per key, leases,
    // rate-limit windows, held upstreams): two files per core keep the cores busy. On two cores
    // this took the run from about 630 s to about 230 s. Capped: each file has its own workerd.
    maxWorkers: Math.min(8, 2 * availableParallelism()),
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
