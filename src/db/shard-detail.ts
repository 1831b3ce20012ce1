import type { Translation } from "../domain";
import type { D1Reader } from "./client";
import { openPeriods } from "./shard-pages";
import { boundSql, type PeriodDatabases } from "./shard-read";
import { shardsMeeting, type Boundary, type ShardMap } from "./shards";

/**
 * The detail of an article not in the live database: every period that can hold it is asked at
 * once (one lookup on the id index each, one round trip), bounded where the boundary is inside
 * it; ids name no period. Returns the row and the period it came from.
 */
export async function findInPeriods<R>(
  periods: PeriodDatabases,
  map: ShardMap,
  lookup: (db: D1Reader, bound: Boundary | null) => D1PreparedStatement,
): Promise<{ row: R; period: string } | null> {
  const boundary = map.boundary;
  if (!boundary) return null;
  const open = openPeriods(periods, boundary, shardsMeeting(map));
  const found = await Promise.all(open.map((p) => lookup(p.db, p.bound).first<R>()));
  const i = found.findIndex((r) => r !== null);
  return i < 0 ? null : { row: found[i]!, period: open[i]!.shard.period };
}

/**
 * How far apart in publication time the languages of a story are looked for across databases.
 * Translations appear within hours of each other; one published further from its siblings than
 * this, in another database than theirs, is not listed (the approximation the API documents).
 */
export const TRANSLATION_REACH_MS = 3 * 86_400_000;

/**
 * A story's other languages from the databases near a publication time other than the one
 * already read (`except`: "live", or a period's name), as the detail lists them: language then
 * id, at most `max`. Null when no other database is near (nothing to add, no round trip).
 */
export async function nearTranslations(
  live: D1Reader,
  periods: PeriodDatabases,
  map: ShardMap,
  story: { group: string; language: string; publishedAt: string },
  except: string,
  max: number,
): Promise<Translation[] | null> {
  const boundary = map.boundary;
  if (!boundary) return null;
  const at = Date.parse(story.publishedAt);
  const iso = (ms: number) => new Date(ms).toISOString();
  const from = iso(at - TRANSLATION_REACH_MS);
  const to = iso(at + TRANSLATION_REACH_MS);
  const near = openPeriods(periods, boundary, shardsMeeting(map, from, to)).filter((p) => p.shard.period !== except);
  // Live holds what sorts after the boundary (and stragglers): near unless the reach ends before it.
  const readLive = except !== "live";
  if (!near.length && !readLive) return null;
  const lookup = (db: D1Reader, bound: Boundary | null) => {
    const params: unknown[] = [story.group, story.language];
    const bind = (v: unknown) => `?${params.push(v)}`;
    const bounded = bound ? ` AND ${boundSql(bound, bind)}` : "";
    return db
      .prepare(`SELECT language, id, slug FROM articles WHERE story_group = ?1 AND language <> ?2${bounded} ORDER BY language, id LIMIT ${max}`)
      .bind(...params)
      .all<Translation>()
      .then((r) => r.results);
  };
  const lists = await Promise.all([...(readLive ? [lookup(live, null)] : []), ...near.map((p) => lookup(p.db, p.bound))]);
  return lists.flat();
}

/** Translations from several databases as one list: each id once, language then id, at most `max`. */
export function mergeTranslations(lists: Translation[][], max: number): Translation[] {
  const byId = new Map<string, Translation>();
  for (const t of lists.flat()) if (!byId.has(t.id)) byId.set(t.id, t);
  return [...byId.values()]
    .sort((a, b) => (a.language === b.language ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.language < b.language ? -1 : 1))
    .slice(0, max);
}
