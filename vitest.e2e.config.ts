import { defineConfig } from "vitest/config";

// End-to-end tests: a real Chromium against the real local stack (wrangler dev, local D1/KV,
// demo feeds over loopback), started once by the global setup. Plain Node, no Workers pool.
export default defineConfig({
  test: {
    include: ["tests/e2e/**/*.test.ts"],
    globalSetup: ["./tests/e2e/global-setup.ts"],
    // One browser at a time: the stack and Chromium already share a small machine.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
