import type { NormalizedArticle } from "../domain";
import { beforeBoundary, shardDatabase, shardOf, shardsMeeting, type Boundary, type Shard, type ShardMap } from "./shards";

/**
 * Old-dated items of a refresh and the period databases (docs/CAPACITY.md): an item whose
 * article has moved to its period's database is updated there, never inserted again in the
 * live database. db/store.ts writes; this finds which items those are, and guards the live
 * batch against a boundary that moved since.
 */

/** An item whose article lives in a period's database. */
export interface MovedItem {
  item: NormalizedArticle;
  period: string;
  db: D1Database;
  /** The stored row's content hash and language (an edit may change the language). */
  storedHash: string;
  storedLanguage: string;
}

/**
 * An undated item is stored under the time it was first seen, so its article may be in any
 * period: it is looked up in the newest this many the boundary has reached (a month of
 * quarter-month periods), which bounds the queries a feed of undated items costs.
 */
const UNDATED_PERIODS = 4;

/**
 * The items whose article has moved: an item dated at or before the boundary is looked up (by
 * id, which is the hash of its source and dedupe key) in the period of its date, one query per
 * period, all at once. A row found there lives there only if it sorts before the boundary; one
 * past it is a copy the mover has not finished, whose live row is still the article.
 */
export async function findMoved(env: object, map: ShardMap, items: readonly NormalizedArticle[]): Promise<MovedItem[]> {
  const boundary = map.boundary;
  if (!boundary) return [];
  const byPeriod = new Map<string, { db: D1Database; items: NormalizedArticle[] }>();
  const add = (shard: Shard | null, item: NormalizedArticle) => {
    const db = shard && shardDatabase(env, shard);
    if (!shard || !db) return;
    const group = byPeriod.get(shard.period) ?? { db, items: [] };
    group.items.push(item);
    byPeriod.set(shard.period, group);
  };
  const recent = shardsMeeting(map).slice(0, UNDATED_PERIODS);
  for (const item of items) {
    if (!item.publishedAt) for (const shard of recent) add(shard, item);
    else if (item.publishedAt <= boundary.publishedAt) add(shardOf(map, item.publishedAt), item);
  }
  const found = await Promise.all(
    [...byPeriod].map(async ([period, { db, items: group }]) => {
      const { results } = await db
        .prepare("SELECT id, pk, published_at, content_hash, language FROM articles WHERE id IN (SELECT value FROM json_each(?1))")
        .bind(JSON.stringify(group.map((i) => i.id)))
        .all<{ id: string; pk: number; published_at: string; content_hash: string; language: string }>();
      const rows = new Map(results.filter((r) => beforeBoundary(boundary, r.published_at, r.pk)).map((r) => [r.id, r]));
      return group.flatMap((item): MovedItem[] => {
        const row = rows.get(item.id);
        return row ? [{ item, period, db, storedHash: row.content_hash, storedLanguage: row.language }] : [];
      });
    }),
  );
  return found.flat();
}

/**
 * Fails the live batch (move_guard's CHECK) unless the boundary is still the one the items
 * were looked up with: a boundary that moved meanwhile may have taken an item's live row to
 * its period, and the store must look again rather than insert it anew.
 */
export function boundaryGuard(db: D1Database, boundary: Boundary | null): D1PreparedStatement {
  return db
    .prepare("INSERT INTO move_guard (changed) SELECT 1 WHERE (SELECT json_array(published_at, pk) FROM shard_boundary WHERE id = 1) IS NOT ?1")
    .bind(boundary ? JSON.stringify([boundary.publishedAt, boundary.pk]) : null);
}

/** The periods' `version` goes up: their content changed, and what is cached per period keys on it. */
export function bumpPeriods(db: D1Database, periods: readonly string[]): D1PreparedStatement {
  return db.prepare("UPDATE shards SET version = version + 1 WHERE period IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(periods));
}

export const isGuardFailure = (err: unknown) => /CHECK constraint failed/i.test(String(err));
