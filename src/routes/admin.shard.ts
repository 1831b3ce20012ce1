import { readShardMap, shardDatabase } from "../db/shards";
import { invalidParameters } from "../errors/problem";

/** The name `shard` takes for the live database. */
export const LIVE = "live";

/** The one database an admin walk (reindex, re-sanitize) works in on this call, and where the walk goes after it. */
export interface WalkTarget {
  db: D1Database;
  /** The period, or null for the live database. */
  period: string | null;
  /** "live" or the period. */
  name: string;
  /** The database after this one in the walk's order (live, then periods newest first); null after the last. */
  following: string | null;
}

/**
 * Resolves `?shard=` (default: the live database) against the registry. A period that is not
 * registered, or whose binding this deploy lacks, is the client's fault and named in a 400.
 */
export async function walkTarget(env: { DB: D1Database }, shard: string | undefined): Promise<WalkTarget> {
  const map = await readShardMap(env.DB);
  const order = [LIVE, ...map.shards.map((s) => s.period)];
  const name = shard ?? LIVE;
  const index = order.indexOf(name);
  if (index < 0) throw invalidParameters([{ path: "shard", message: `no period named ${name} is registered (GET /api/v1/admin/shards lists them; "live" is the live database)` }]);
  const following = order[index + 1] ?? null;
  if (index === 0) return { db: env.DB, period: null, name, following };
  const period = map.shards[index - 1]!;
  const db = shardDatabase(env, period);
  if (!db) throw invalidParameters([{ path: "shard", message: `period ${name} is bound to ${period.binding}, which this deploy does not have` }]);
  return { db, period: name, name, following };
}

/** Where a walk goes next: this database while its cursor is set, then the next one from its start. */
export const nextShard = (target: WalkTarget, nextCursor: number | null) => (nextCursor !== null ? target.name : target.following);
