import * as z from "zod/mini";
import { MAX_REINDEX_LIMIT } from "../db/reindex";
import { MAX_RESANITIZE_LIMIT } from "../ingest/resanitize";

// The query strings the admin routes accept; their documentation is admin.contract.ts.

export const refreshQuery = z.object({
  source: z.optional(z.array(z.string().check(z.maxLength(64))).check(z.maxLength(1))),
  force: z.optional(z.enum(["true", "false"])),
});
export const runsQuery = z.object({ limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 20) });
export const reindexQuery = z.object({
  cursor: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 0),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(MAX_REINDEX_LIMIT)), 1000),
});

export const resanitizeQuery = z.object({
  cursor: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 0),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(MAX_RESANITIZE_LIMIT)), 100),
});
