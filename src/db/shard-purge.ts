import { bumpPeriods } from "./store-periods";
import { readShardMap, shardDatabase } from "./shards";

/**
 * A purge's part in the period databases: a source's articles that moved are removed from
 * every period database too, in flight copies past the boundary included (a reader would list
 * the others once it spans periods). Each period whose content changed has its `version`
 * bumped, since readers cache per-period counts on it.
 */

/** A period database the purge could not reach (or that this deploy does not bind). */
export interface PeriodFault {
  period: string;
  binding: string;
  reason: string;
}

export interface PeriodPurge {
  /** Articles removed from period databases. */
  removed: number;
  /** Periods still holding the source's articles: the purge is not complete until they are empty. */
  failed: PeriodFault[];
}

const PURGE_SQL = "DELETE FROM articles WHERE source_id = ?1";

/** Removes the source's articles from every registered period database, all at once; one failing stops none of the others. */
export async function purgePeriods(env: { DB: D1Database }, sourceId: string): Promise<PeriodPurge> {
  const map = await readShardMap(env.DB);
  const outcomes = await Promise.all(
    map.shards.map(async (shard) => {
      const db = shardDatabase(env, shard);
      if (!db) return { shard, removed: 0, reason: `this deploy has no D1 database bound as ${shard.binding}` };
      try {
        return { shard, removed: (await db.prepare(PURGE_SQL).bind(sourceId).run()).meta.changes ?? 0, reason: null };
      } catch (err) {
        console.error(JSON.stringify({ level: "error", msg: "purge: period database unreachable", period: shard.period, source: sourceId, error: String(err) }));
        return { shard, removed: 0, reason: "its database could not be reached" };
      }
    }),
  );
  const touched = outcomes.filter((o) => o.removed > 0).map((o) => o.shard.period);
  if (touched.length) await bumpPeriods(env.DB, touched).run();
  return {
    removed: outcomes.reduce((n, o) => n + o.removed, 0),
    failed: outcomes.flatMap((o) => (o.reason === null ? [] : [{ period: o.shard.period, binding: o.shard.binding, reason: o.reason }])),
  };
}
