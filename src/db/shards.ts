import type { D1Reader } from "./client";

/**
 * Period databases (docs/CAPACITY.md, "Past one database"): the registry of which D1 binding
 * holds which publication period, and the move boundary. Articles before the boundary live in
 * their period's database, the rest in the live database (`DB`).
 *
 * Readers read the map in the same batch as their live statement (`shardMapStatement`): the
 * boundary moves in the same transaction as the live deletes it passes, so the map and the
 * live rows read together agree, and every article is read exactly once. A map cached apart
 * from the live rows would not: rows moved since it was read would be in neither place.
 */
export interface Shard {
  /** Its name, e.g. "2026-11a". */
  period: string;
  /** Inclusive, ISO 8601 UTC. */
  startsAt: string;
  /** Exclusive. */
  endsAt: string;
  /** The D1 binding's name in wrangler.toml. */
  binding: string;
  /** Goes up on every write into the period after its move; per-period caches key on it. */
  version: number;
}

/** Articles whose (published_at, pk) sorts before this are in period databases. */
export interface Boundary {
  publishedAt: string;
  pk: number;
}

export interface ShardMap {
  /** Newest period first. */
  shards: Shard[];
  /** Null: nothing has moved, the live database holds every article. */
  boundary: Boundary | null;
}

export const NO_SHARDS: ShardMap = { shards: [], boundary: null };

/** The whole map as one row (two JSON columns), so it rides in a reader's batch. */
export const SHARD_MAP_SQL =
  "SELECT (SELECT json_group_array(json_object('period', period, 'startsAt', starts_at, 'endsAt', ends_at, 'binding', binding, 'version', version)) " +
  "FROM (SELECT * FROM shards ORDER BY starts_at DESC)) AS shards, " +
  "(SELECT json_object('publishedAt', published_at, 'pk', pk) FROM shard_boundary WHERE id = 1) AS boundary";

export function shardMapStatement(db: D1Reader): D1PreparedStatement {
  return db.prepare(SHARD_MAP_SQL);
}

interface MapRow {
  shards: string | null;
  boundary: string | null;
}

/** The map from SHARD_MAP_SQL's row; a missing or malformed row reads as "nothing moved". */
export function parseShardMap(row: MapRow | null | undefined): ShardMap {
  if (!row) return NO_SHARDS;
  try {
    const shards = row.shards ? (JSON.parse(row.shards) as Shard[]) : [];
    const boundary = row.boundary ? (JSON.parse(row.boundary) as Boundary) : null;
    return { shards, boundary };
  } catch {
    return NO_SHARDS;
  }
}

/** The map on its own (writers and admin; readers batch SHARD_MAP_SQL with their statement). */
export async function readShardMap(db: D1Reader): Promise<ShardMap> {
  return parseShardMap(await shardMapStatement(db).first<MapRow>());
}

/** The period holding a publication time, or null when no registered period covers it. */
export function shardOf(map: ShardMap, publishedAt: string): Shard | null {
  return map.shards.find((s) => s.startsAt <= publishedAt && publishedAt < s.endsAt) ?? null;
}

/** Whether an article sorts before the boundary, i.e. lives in its period's database. */
export function beforeBoundary(boundary: Boundary | null, publishedAt: string, pk: number): boolean {
  if (!boundary) return false;
  return publishedAt < boundary.publishedAt || (publishedAt === boundary.publishedAt && pk < boundary.pk);
}

/**
 * Periods that may hold articles of [from, to] (ISO times, either open): those that begin
 * before the boundary (a period wholly after it holds nothing yet), newest first.
 */
export function shardsMeeting(map: ShardMap, from?: string | null, to?: string | null): Shard[] {
  const { boundary } = map;
  if (!boundary) return [];
  return map.shards.filter(
    (s) => s.startsAt <= boundary.publishedAt && (!from || s.endsAt > from) && (!to || s.startsAt <= to),
  );
}

/**
 * The D1 database of a period, or null when this Worker has no such binding (a registry row
 * written for a deploy that has not happened yet): checked to be a D1 binding, not just any
 * value of that name.
 */
export function shardDatabase(env: object, shard: Shard): D1Database | null {
  const value: unknown = (env as Record<string, unknown>)[shard.binding];
  if (!value || typeof value !== "object") return null;
  const d1 = value as Partial<D1Database>;
  return typeof d1.prepare === "function" && typeof d1.batch === "function" ? (value as D1Database) : null;
}
