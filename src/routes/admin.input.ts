import * as z from "zod/mini";
import { MAX_REINDEX_LIMIT } from "../db/reindex";
import { MAX_RESANITIZE_LIMIT } from "../ingest/resanitize";

// The query strings the admin routes accept; their documentation is admin.contract.ts.

export const refreshQuery = z.object({
  source: z.optional(z.array(z.string().check(z.maxLength(64))).check(z.maxLength(1))),
  force: z.optional(z.enum(["true", "false"])),
});
export const runsQuery = z.object({ limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 20) });
/** A period's name, and so what `?shard=` accepts besides `live`. */
const PERIOD_NAME = /^[a-z0-9][a-z0-9._-]{0,31}$/;
/** `live` or a registered period: the database an admin walk works in. */
export const shardName = z.string().check(z.regex(PERIOD_NAME, "must be live or a period's name (1-32 characters a-z, 0-9, . _ -)"));
const shard = z.optional(shardName);
export const reindexQuery = z.object({
  shard,
  cursor: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 0),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(MAX_REINDEX_LIMIT)), 1000),
});

export const resanitizeQuery = z.object({
  shard,
  cursor: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 0),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(MAX_RESANITIZE_LIMIT)), 100),
});

/** An instant as articles store `published_at`: ISO 8601 UTC to the second. Year 0000 is the beginning of time. */
const instant = z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, "must be an ISO 8601 UTC time like 2026-11-01T00:00:00Z"),
  z.refine((s) => {
    const t = Date.parse(s);
    return Number.isFinite(t) && new Date(t).toISOString().slice(0, 19) === s.slice(0, 19);
  }, "is not a real date and time"),
);

/** POST /admin/shards: a publication period and the D1 binding of the database that will hold it. */
export const shardCreate = z.object({
  period: z.string().check(
    z.regex(PERIOD_NAME, "must be 1-32 characters a-z, 0-9, . _ -"),
    z.refine((s) => s !== "live", "live names the live database (?shard=live); choose another name"),
  ),
  starts_at: instant,
  ends_at: instant,
  binding: z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "must be a binding name: letters, digits and _, not starting with a digit")),
});
