import { env } from "cloudflare:test";
import "./period-databases";
import { indexStatement, indexText } from "../../src/db/fts";
import { storeArticles } from "../../src/db/store";
import type { NormalizedArticle } from "../../src/domain";

/**
 * Period databases with rows in them, for the readers' tests, without the mover: articles are
 * stored in the live database by the store, then the rows before a chosen boundary are copied
 * with every column (pk included) into their period's database, indexed there by the same
 * analyzer and index statement as the store's, and deleted from live (whose triggers drop their
 * entries and counts), as a move leaves them.
 */

export interface TestPeriod {
  period: string;
  startsAt: string;
  endsAt: string;
  binding: "SHARD_1" | "SHARD_2";
}

const periodDb = (binding: TestPeriod["binding"]) => env[binding];

export async function storeItems(sourceId: string, name: string, items: NormalizedArticle[], now = "2026-12-01T00:00:00Z"): Promise<void> {
  await env.DB.prepare("INSERT OR IGNORE INTO sources (id, name, url) VALUES (?1, ?2, ?3)").bind(sourceId, name, `https://example.org/${sourceId}.xml`).run();
  await storeArticles(env.DB, items, { sourceId, status: "pushed" }, now);
}

/** Everything back to "nothing moved": period databases emptied, no registry, no boundary. */
export async function resetPeriods(): Promise<void> {
  await env.DB.batch([env.DB.prepare("DELETE FROM shards"), env.DB.prepare("DELETE FROM shard_boundary")]);
  for (const db of [env.SHARD_1, env.SHARD_2]) await db.prepare("DELETE FROM articles").run();
}

type Row = Record<string, unknown> & { pk: number; id: string; content_hash: string; title: string; summary: string; content_text: string };

/** Copies rows (every column) into a period database and indexes them there. */
async function copyRows(db: D1Database, rows: Row[]): Promise<void> {
  if (!rows.length) return;
  const columns = Object.keys(rows[0]!);
  const insert = `INSERT INTO articles (${columns.join(", ")}) VALUES (${columns.map((_, i) => `?${i + 1}`).join(", ")})`;
  await db.batch(rows.map((r) => db.prepare(insert).bind(...columns.map((c) => r[c] ?? null))));
  const entries = rows.map((r) => [r.id, r.content_hash, ...indexText({ title: r.title, summary: r.summary, contentText: r.content_text })]);
  await indexStatement(db, JSON.stringify(entries)).run();
}

/**
 * Moves every live article of the periods that sorts before `boundary` (except `keep`: rows
 * that stay in live, as stragglers do) into its period's database, then registers the periods
 * and the boundary. `copiedOnly`: pks copied into their period but left in live too, as a move
 * whose live delete has not committed yet leaves them.
 */
export async function movePeriods(periods: TestPeriod[], boundary: { publishedAt: string; pk: number }, opts: { keep?: number[]; copiedOnly?: number[] } = {}): Promise<void> {
  const keep = new Set(opts.keep ?? []);
  for (const p of periods) {
    const { results } = await env.DB.prepare(
      "SELECT * FROM articles WHERE published_at >= ?1 AND published_at < ?2 AND (published_at < ?3 OR (published_at = ?3 AND pk < ?4)) ORDER BY pk",
    )
      .bind(p.startsAt, p.endsAt, boundary.publishedAt, boundary.pk)
      .all<Row>();
    const moved = results.filter((r) => !keep.has(r.pk));
    await copyRows(periodDb(p.binding), moved);
    if (moved.length) await env.DB.prepare("DELETE FROM articles WHERE pk IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(moved.map((r) => r.pk))).run();
    const copied = opts.copiedOnly?.length
      ? (await env.DB.prepare("SELECT * FROM articles WHERE pk IN (SELECT value FROM json_each(?1)) AND published_at >= ?2 AND published_at < ?3").bind(JSON.stringify(opts.copiedOnly), p.startsAt, p.endsAt).all<Row>()).results
      : [];
    await copyRows(periodDb(p.binding), copied);
    await env.DB.prepare("INSERT INTO shards (period, starts_at, ends_at, binding, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(p.period, p.startsAt, p.endsAt, p.binding, "2026-12-01T00:00:00Z")
      .run();
  }
  await env.DB.prepare("INSERT INTO shard_boundary (id, published_at, pk, updated_at) VALUES (1, ?1, ?2, ?3)").bind(boundary.publishedAt, boundary.pk, "2026-12-01T00:00:00Z").run();
}

/** A plain article for a test corpus. */
export function item(id: string, fields: { title: string; language: string; publishedAt: string; story?: string | null; body?: string }): NormalizedArticle {
  const text = fields.body ?? `${fields.title}. A report on the day's events.`;
  return {
    id,
    dedupeKey: `guid:${id}`,
    guid: id,
    url: `https://example.org/articles/${id}`,
    title: fields.title,
    slug: id,
    summary: text.slice(0, 120),
    contentHtml: `<p>${text}</p>`,
    contentText: text,
    image: null,
    author: null,
    tags: ["test"],
    language: fields.language,
    publishedAt: fields.publishedAt,
    updatedAt: null,
    contentHash: `h-${id}`,
    storyGroup: fields.story ?? null,
  };
}
