/**
 * What queries need from D1: satisfied by the binding itself and by a D1 Sessions API
 * session (`env.DB.withSession(...)`), so reads can be routed to a nearby replica.
 *
 * Every query in src/db is raw SQL with bound parameters over this, not drizzle-orm: the ORM
 * cost about 19 KB of the gzipped Worker bundle (a dry-run deploy measured 155,126 bytes with
 * it, 135,708 without) against a 150 KB budget, for queries that read just as well written
 * out. Its table definitions (schema.ts) remain for generating migrations only; the Worker
 * must not import them (tests/unit/worker-graph.test.ts).
 */
export type D1Reader = Pick<D1Database, "prepare" | "batch">;

/** Request header (and response header) that carries a D1 bookmark between requests. */
export const BOOKMARK_HEADER = "x-d1-bookmark";

/** Bookmarks are opaque, but always short hex groups; anything else is ignored, never sent to D1. */
const BOOKMARK = /^[0-9a-f]{1,16}(-[0-9a-f]{1,64}){1,7}$/i;

/**
 * A D1 session for one request. Reads may be served by any replica at least as fresh as the
 * client's bookmark (sequential consistency); without one, by the nearest replica
 * (`first-unconstrained`). Writes start at the primary (`first-primary`).
 */
export function openSession(d1: D1Database, bookmark: string | null | undefined, writes: boolean): D1DatabaseSession {
  const valid = bookmark && BOOKMARK.test(bookmark) ? bookmark : null;
  return d1.withSession(valid ?? (writes ? "first-primary" : "first-unconstrained"));
}
