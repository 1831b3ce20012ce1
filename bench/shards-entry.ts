// The shards bench's worker (bench/shards.mjs bundles it): the app's own archival and period
// mover behind a few plain endpoints, over the live database, the period databases and R2.
import { moveArticles } from "../src/archive/move";
import { archiveBodies } from "../src/archive/step";
import { readShardMap, SHARD_MAP_SQL, parseShardMap, shardDatabase } from "../src/db/shards";
import type { Bindings } from "../src/env";

const json = (value: unknown) => new Response(JSON.stringify(value), { headers: { "content-type": "application/json" } });
const database = (env: Record<string, unknown>, name: string | null) => env[name ?? "DB"] as D1Database;

export default {
  async fetch(request: Request, env: Bindings & Record<string, unknown>): Promise<Response> {
    const url = new URL(request.url);
    const db = database(env, url.searchParams.get("db"));
    switch (url.pathname) {
      case "/sql": {
        const statements = (await request.json()) as string[];
        const results = await db.batch(statements.map((s) => db.prepare(s)));
        return json({ size: results.at(-1)?.meta.size_after ?? null });
      }
      case "/size":
        return json({ size: (await db.prepare("SELECT 1").run()).meta.size_after });
      case "/archive": {
        const report = await archiveBodies(env.DB, env.ARCHIVE, { before: url.searchParams.get("before")!, sliceSize: 50, slices: 20 }, url.searchParams.get("now")!);
        return json(report);
      }
      case "/move": {
        // One cron run's share, as src/archive/maintenance.ts gives it.
        const map = await readShardMap(env.DB);
        const options = { before: url.searchParams.get("before")!, sliceSize: 500, slices: 4, queries: 80, maxChars: 3_000_000 };
        return json(await moveArticles(env, map, options, url.searchParams.get("now")!));
      }
      case "/count": {
        // As a reader counts under the shard contract: the live database with the map in one
        // batch, each period database bounded by the boundary; ids collected to check each is once.
        const [mapRow, live] = await env.DB.batch<Record<string, unknown>>([env.DB.prepare(SHARD_MAP_SQL), env.DB.prepare("SELECT id FROM articles")]);
        const map = parseShardMap(mapRow!.results[0] as { shards: string | null; boundary: string | null });
        const ids = live!.results.map((r) => r.id as string);
        const perPeriod: Record<string, number> = {};
        for (const shard of map.shards) {
          const pdb = shardDatabase(env, shard)!;
          const all = (await pdb.prepare("SELECT count(*) AS n FROM articles").first<{ n: number }>())!.n;
          perPeriod[shard.period] = all;
          if (!map.boundary) continue;
          const { results } = await pdb
            .prepare("SELECT id FROM articles WHERE published_at < ?1 OR (published_at = ?1 AND pk < ?2)")
            .bind(map.boundary.publishedAt, map.boundary.pk)
            .all<{ id: string }>();
          ids.push(...results.map((r) => r.id));
        }
        return json({ live: live!.results.length, counted: ids.length, distinct: new Set(ids).size, perPeriod, boundary: map.boundary });
      }
      default:
        return new Response("not found", { status: 404 });
    }
  },
};
