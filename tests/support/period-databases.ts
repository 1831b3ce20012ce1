import { applyD1Migrations, env } from "cloudflare:test";

// The period databases (SHARD_*) run the same migrations as the live one. Only the test files
// that use them import this (directly or through the shard helpers), so the other files do not
// pay for migrating two more databases each.
await Promise.all([env.SHARD_1, env.SHARD_2].map((db) => applyD1Migrations(db, env.TEST_MIGRATIONS)));
