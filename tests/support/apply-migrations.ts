import { applyD1Migrations, env } from "cloudflare:test";

// Setup files run before each test file; migrations that are already applied are skipped.
// The period databases (SHARD_*) run the same migrations as the live one.
await Promise.all([env.DB, env.SHARD_1, env.SHARD_2].map((db) => applyD1Migrations(db, env.TEST_MIGRATIONS)));
