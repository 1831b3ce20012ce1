// The capacity bench's worker (bench/capacity.mjs bundles it): the app's own archival, detail
// read and search, behind a few plain endpoints, over a D1 binding that adds up the rows each
// request reads (D1's `rows_read`, the figure D1 bills).
import { readArticle } from "../src/archive/read";
import { archiveBodies } from "../src/archive/step";
import { listArticles } from "../src/db/articles";
import { searchArticles } from "../src/db/search";

interface Env {
  DB: D1Database;
  ARCHIVE: R2Bucket;
}

interface Meter {
  rowsRead: number;
  rowsWritten: number;
  queries: number;
}

/**
 * D1 with a meter. A read through `raw()` returns no meta, so the meter runs the
 * statement once with `all()` for its meta before answering: bench figures only.
 */
function metered(db: D1Database, meter: Meter): D1Database {
  const real = new WeakMap<object, D1PreparedStatement>();
  const wrap = (stmt: D1PreparedStatement): D1PreparedStatement => {
    const count = async () => {
      const r = await stmt.all();
      meter.rowsRead += r.meta.rows_read ?? 0;
      meter.rowsWritten += r.meta.rows_written ?? 0;
      meter.queries++;
      return r;
    };
    const w = {
      bind: (...values: unknown[]) => wrap(stmt.bind(...values)),
      all: count,
      run: count,
      first: async (column?: string) => {
        const r = await count();
        const row = (r.results[0] ?? null) as Record<string, unknown> | null;
        return column ? (row?.[column] ?? null) : row;
      },
      raw: async (options?: { columnNames?: boolean }) => {
        await count();
        return options?.columnNames ? stmt.raw({ columnNames: true }) : stmt.raw();
      },
    } as unknown as D1PreparedStatement;
    real.set(w, stmt);
    return w;
  };
  return {
    prepare: (sql: string) => wrap(db.prepare(sql)),
    batch: async (statements: D1PreparedStatement[]) => {
      const results = await db.batch(statements.map((s) => real.get(s) ?? s));
      for (const r of results) {
        meter.rowsRead += r.meta.rows_read ?? 0;
        meter.rowsWritten += r.meta.rows_written ?? 0;
        meter.queries++;
      }
      return results;
    },
  } as unknown as D1Database;
}

const json = (value: unknown) => new Response(JSON.stringify(value), { headers: { "content-type": "application/json" } });
const noFilter = { lang: [] as string[], source: [] as string[], from: null, to: null };

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const meter: Meter = { rowsRead: 0, rowsWritten: 0, queries: 0 };
    const db = metered(env.DB, meter);
    switch (url.pathname) {
      case "/sql": {
        const statements = (await request.json()) as string[];
        const results = await env.DB.batch(statements.map((s) => env.DB.prepare(s)));
        return json({ size: results.at(-1)?.meta.size_after ?? null });
      }
      case "/size":
        return json({ size: (await env.DB.prepare("SELECT 1").run()).meta.size_after });
      case "/archive": {
        const before = url.searchParams.get("before")!;
        const now = url.searchParams.get("now")!;
        const report = await archiveBodies(db, env.ARCHIVE, { before, sliceSize: 50, slices: Number(url.searchParams.get("slices") ?? 20) }, now);
        return json({ ...report, ...meter, size: (await env.DB.prepare("SELECT 1").run()).meta.size_after });
      }
      case "/article": {
        const article = await readArticle(db, env.ARCHIVE, url.searchParams.get("id")!);
        return json({ article, ...meter });
      }
      case "/list": {
        const lang = url.searchParams.get("lang");
        const page = await listArticles(db, { ...noFilter, lang: lang ? [lang] : [] }, { page: Number(url.searchParams.get("page") ?? 1), perPage: 20 });
        return json({ total: page.total, ids: page.items.map((a) => a.id), ...meter });
      }
      case "/search": {
        const page = await searchArticles(db, {
          q: url.searchParams.get("q")!,
          sort: (url.searchParams.get("sort") as "date" | "relevance" | null) ?? "relevance",
          filter: noFilter,
          page: { page: 1, perPage: 20 },
        });
        return json({ total: page.total, ids: page.items.map((a) => a.id), ...meter });
      }
      default:
        return new Response("not found", { status: 404 });
    }
  },
};
