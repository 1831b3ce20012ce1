// Runs the browser tests (vitest.e2e.config.ts) when Debian's Chromium is installed. On a
// developer machine without it, says so and how to install it instead of failing the whole
// `npm test`; under CI (CI=true) a missing browser is a failure, since .ci/run installs it.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  const message = `browser tests need Chromium at ${chromium}: apt-get install chromium fonts-noto-cjk (or set CHROMIUM_PATH)`;
  if (process.env.CI === "true") {
    console.error(message);
    process.exit(1);
  }
  console.warn(`\nSKIPPED the end-to-end browser tests — ${message}\n`);
  process.exit(0);
}
const vitest = path.join(import.meta.dirname, "..", "node_modules", "vitest", "vitest.mjs");
const run = spawnSync(process.execPath, [vitest, "run", "--config", "vitest.e2e.config.ts", ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(run.status ?? 1);
