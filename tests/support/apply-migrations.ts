import { applyD1Migrations, env } from "cloudflare:test";

// Setup files run before each test file; migrations that are already applied are skipped.
// The period databases are migrated by the files that use them (period-databases.ts).
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
