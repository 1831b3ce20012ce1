import { env } from "cloudflare:test";
import "./period-databases";
import { parseShardMap, readShardMap, SHARD_MAP_SQL, shardDatabase } from "../../src/db/shards";

/** Clears the registry, the boundary and every article of the live and period databases. */
export async function resetShards(): Promise<void> {
  await env.DB.batch([env.DB.prepare("DELETE FROM shards"), env.DB.prepare("DELETE FROM shard_boundary"), env.DB.prepare("DELETE FROM articles")]);
  await Promise.all([env.SHARD_1, env.SHARD_2].map((db) => db.prepare("DELETE FROM articles").run()));
}

/** Registers a period as if an hour ago (so the mover uses it at once), or at `createdAt`. */
export async function registerPeriod(period: string, startsAt: string, endsAt: string, binding: string, createdAt = new Date(Date.now() - 3_600_000)): Promise<void> {
  await env.DB.prepare("INSERT INTO shards (period, starts_at, ends_at, binding, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
    .bind(period, startsAt, endsAt, binding, createdAt.toISOString())
    .run();
}

export interface Located {
  id: string;
  content_hash: string;
  /** "live" or the period. */
  place: string;
}

/**
 * Every article as a reader finds it under the shard contract: the live database unbounded,
 * read in the same batch as the map, then each period's database bounded by the boundary.
 * Sorted by id; an article found twice is listed twice.
 */
export async function readEverywhere(): Promise<Located[]> {
  const [mapRows, live] = await env.DB.batch<Record<string, unknown>>([env.DB.prepare(SHARD_MAP_SQL), env.DB.prepare("SELECT id, content_hash FROM articles")]);
  const map = parseShardMap(mapRows!.results[0] as { shards: string | null; boundary: string | null });
  const out: Located[] = (live!.results as { id: string; content_hash: string }[]).map((r) => ({ ...r, place: "live" }));
  if (map.boundary) {
    for (const shard of map.shards) {
      const db = shardDatabase(env, shard)!;
      const { results } = await db
        .prepare("SELECT id, content_hash FROM articles WHERE published_at < ?1 OR (published_at = ?1 AND pk < ?2)")
        .bind(map.boundary.publishedAt, map.boundary.pk)
        .all<{ id: string; content_hash: string }>();
      out.push(...results.map((r) => ({ ...r, place: shard.period })));
    }
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.place < b.place ? -1 : 1));
}

export const boundaryNow = async () => (await readShardMap(env.DB)).boundary;
