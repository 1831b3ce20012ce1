import { readShardMap, shardDatabase, type Shard, type ShardMap } from "./shards";

/**
 * The registry's writing side (admin): what each period database holds, and registering a new
 * period. Readers only read the registry (shards.ts).
 */

/** A period as the admin API reports it: its database's binding, rows and size when it can be read. */
export interface PeriodStatus {
  period: string;
  starts_at: string;
  ends_at: string;
  binding: string;
  version: number;
  /** False when this deploy has no D1 binding of that name. */
  bound: boolean;
  /** Articles in the period's database (its counters), null when it cannot be read. */
  articles: number | null;
  /** D1's own size of the period's database, null when it cannot be read. */
  database_bytes: number | null;
}

const periodStatus = (s: Shard, bound: boolean, articles: number | null, bytes: number | null): PeriodStatus => ({
  period: s.period,
  starts_at: s.startsAt,
  ends_at: s.endsAt,
  binding: s.binding,
  version: s.version,
  bound,
  articles,
  database_bytes: bytes,
});

/** One period's figures: one small read of its counters, the size from the answer's metadata. */
export async function periodFigures(env: object, shard: Shard): Promise<PeriodStatus> {
  const db = shardDatabase(env, shard);
  if (!db) return periodStatus(shard, false, null, null);
  try {
    const result = await db.prepare("SELECT coalesce(sum(n), 0) AS n FROM article_counts").all<{ n: number }>();
    return periodStatus(shard, true, result.results[0]?.n ?? 0, result.meta.size_after ?? null);
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "period database unreadable", period: shard.period, error: String(err) }));
    return periodStatus(shard, true, null, null);
  }
}

/** Every registered period, newest first, with its database's figures (read at once), and the boundary. */
export async function listPeriods(env: { DB: D1Database }): Promise<{ periods: PeriodStatus[]; boundary: { published_at: string; pk: number } | null }> {
  const map = await readShardMap(env.DB);
  const boundary = map.boundary && { published_at: map.boundary.publishedAt, pk: map.boundary.pk };
  return { periods: await Promise.all(map.shards.map((s) => periodFigures(env, s))), boundary };
}

/**
 * The schema a database's migrations made (tables, indexes, triggers and their SQL), less what
 * SQLite and the platform keep for themselves: a period database must be migrated exactly like
 * the live one, since moved rows keep every column and the same index writer fills its search.
 */
const SCHEMA_SQL = `SELECT json_group_array(json_array(type, name, sql)) AS s FROM (SELECT type, name, sql FROM sqlite_master
  WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%' ORDER BY type, name)`;

export async function schemaOf(db: D1Database): Promise<string> {
  return (await db.prepare(SCHEMA_SQL).first<{ s: string }>())?.s ?? "[]";
}

export interface NewPeriod {
  period: string;
  startsAt: string;
  endsAt: string;
  binding: string;
}

/** Why a period cannot be registered: the binding given is no period database (a 400), or the registry or the database disagrees (a 409). */
export type RegisterFault =
  | { kind: "binding"; message: string }
  | { kind: "conflict"; message: string };

/**
 * Registers a period after checking everything that would make it lie: the binding must be a
 * D1 database of this deploy other than the live one, migrated like the live one, used by no
 * other period, and hold no article outside the new range (a database reused from elsewhere,
 * or rows already moved, would appear in a period they do not belong to); the range must meet
 * no other period. The insert itself re-checks the overlap and the unique binding, so two
 * registrations at once cannot both pass.
 */
export async function registerPeriod(env: { DB: D1Database }, input: NewPeriod, now: string): Promise<RegisterFault | null> {
  if (input.binding === "DB") return { kind: "binding", message: "is the live database; a period needs a database of its own" };
  const shard: Shard = { period: input.period, startsAt: input.startsAt, endsAt: input.endsAt, binding: input.binding, version: 0 };
  const db = shardDatabase(env, shard);
  if (!db) return { kind: "binding", message: `no D1 database is bound as ${input.binding} in this deploy: add its [[d1_databases]] block and deploy first` };
  if (db === env.DB) return { kind: "binding", message: "is the live database; a period needs a database of its own" };
  const map = await readShardMap(env.DB);
  if (map.shards.some((s) => s.period === input.period)) return { kind: "conflict", message: `A period named ${input.period} is already registered.` };
  const sharing = map.shards.find((s) => s.binding === input.binding);
  if (sharing) return { kind: "conflict", message: `The database bound as ${input.binding} already holds period ${sharing.period}.` };
  const overlap = map.shards.find((s) => s.startsAt < input.endsAt && input.startsAt < s.endsAt);
  if (overlap) {
    return { kind: "conflict", message: `The range meets period ${overlap.period} (${overlap.startsAt} to ${overlap.endsAt}); periods do not overlap.` };
  }
  let outside: number;
  try {
    const [live, own] = await Promise.all([schemaOf(env.DB), schemaOf(db)]);
    if (live !== own) {
      return { kind: "conflict", message: `The database bound as ${input.binding} is not migrated like the live one: apply the migrations to it first.` };
    }
    const row = await db
      .prepare("SELECT count(*) AS n FROM articles WHERE published_at < ?1 OR published_at >= ?2")
      .bind(input.startsAt, input.endsAt)
      .first<{ n: number }>();
    outside = row?.n ?? 0;
  } catch (err) {
    return { kind: "conflict", message: `The database bound as ${input.binding} cannot be read (${String(err).slice(0, 200)}): is it created and migrated?` };
  }
  if (outside > 0) {
    return { kind: "conflict", message: `The database bound as ${input.binding} already holds ${outside} articles outside ${input.startsAt} to ${input.endsAt}.` };
  }
  const result = await env.DB.prepare(
    `INSERT OR IGNORE INTO shards (period, starts_at, ends_at, binding, version, created_at)
       SELECT ?1, ?2, ?3, ?4, 0, ?5 WHERE NOT EXISTS (SELECT 1 FROM shards WHERE starts_at < ?3 AND ?2 < ends_at)`,
  )
    .bind(input.period, input.startsAt, input.endsAt, input.binding, now)
    .run();
  if (!result.meta.changes) return { kind: "conflict", message: "Another period was registered at the same time with this name, binding or range." };
  forgetShardMap();
  return null;
}

/**
 * How long an isolate keeps the registry for the refresh's writes. The mover moves nothing into
 * a period younger than twice this (archive/move.ts), so by the time a row sits in a period,
 * every isolate's copy lists that period. The boundary in the copy may be stale: the store's
 * batch checks it (db/store.ts), and a changed one makes the store read the map afresh.
 */
export const REGISTRY_TTL_MS = 60_000;
let cached: { map: ShardMap; at: number } | null = null;

/** The shard map for a writer: this isolate's copy (at most REGISTRY_TTL_MS old) unless `fresh`; `read`: whether it cost a query. */
export async function writerShardMap(db: D1Database, fresh = false): Promise<{ map: ShardMap; read: boolean }> {
  const now = Date.now();
  if (!fresh && cached && now - cached.at < REGISTRY_TTL_MS) return { map: cached.map, read: false };
  const map = await readShardMap(db);
  cached = { map, at: now };
  return { map, read: true };
}

/** Drops this isolate's copy (a period was just registered here). */
export function forgetShardMap(): void {
  cached = null;
}
