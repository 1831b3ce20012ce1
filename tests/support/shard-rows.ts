import { env } from "cloudflare:test";
import "./period-databases";
import { moveArticles, type MoveOptions } from "../../src/archive/move";
import { readShardMap } from "../../src/db/shards";
import { storeArticles } from "../../src/db/store";
import type { Bindings } from "../../src/env";
import { normalizeFeed } from "../../src/ingest/normalize";
import { parseFeed } from "../../src/ingest/parse";
import { analyzeForIndex } from "../../src/search/analyze";
import { registerPeriod, resetShards } from "./shards";

/** Two half-month periods of November 2025, in SHARD_1 and SHARD_2. */
export const P1 = { name: "2025-11a", starts: "2025-11-01T00:00:00Z", ends: "2025-11-09T00:00:00Z", binding: "SHARD_1" };
export const P2 = { name: "2025-11b", starts: "2025-11-09T00:00:00Z", ends: "2025-11-16T00:00:00Z", binding: "SHARD_2" };

/** A clean slate (no articles anywhere, no boundary) with both periods registered, usable at once. */
export async function resetToNovember(): Promise<void> {
  await resetShards();
  await registerPeriod(P1.name, P1.starts, P1.ends, P1.binding);
  await registerPeriod(P2.name, P2.starts, P2.ends, P2.binding);
}

export interface SeedItem {
  /** Day of November 2025 it is dated. */
  day: number;
  /** A word only this item's body holds. */
  word: string;
  /** Body HTML; a paragraph holding `word` when left out. */
  html?: string;
}

/**
 * Adds a source (as a row: no upstream is fetched) and stores its items through the article
 * store, so rows, counters and search entries are the ones a refresh writes.
 */
export async function seedSource(source: string, items: SeedItem[]): Promise<void> {
  const url = `https://${source}.example.org/feed`;
  await env.DB.prepare("INSERT INTO sources (id, name, url, language) VALUES (?1, ?2, ?3, 'en')").bind(source, `Source ${source}`, url).run();
  const xml = `<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>${source}</title><link>https://${source}.example.org/</link><language>en</language>
${items
  .map(
    (i, n) => `<item><title>Bulletin ${source} ${n}</title><guid isPermaLink="false">${source}-${n}</guid><link>https://${source}.example.org/${n}</link>
<pubDate>${new Date(Date.UTC(2025, 10, i.day, 7)).toUTCString()}</pubDate><description>Bulletin ${n} of ${source}.</description>
<content:encoded><![CDATA[${i.html ?? `<p>Body of ${i.word}.</p>`}]]></content:encoded></item>`,
  )
  .join("\n")}
</channel></rss>`;
  const normalized = await normalizeFeed(parseFeed(xml, { url }), { id: source, url, language: "en" });
  await storeArticles(env.DB, normalized, { sourceId: source, status: "pushed" }, new Date().toISOString(), { periods: env });
}

/** Moves everything dated before mid-November 2025 into its period. */
export const moveNovember = async (over: Partial<Bindings> = {}, options: Partial<MoveOptions> = {}) =>
  moveArticles({ ...env, ...over } as Bindings, await readShardMap(env.DB), { before: P2.ends, sliceSize: 50, slices: 4, queries: 200, maxChars: 3_000_000, ...options }, new Date().toISOString());

export const countRows = async (db: D1Database, where = "true") => (await db.prepare(`SELECT count(*) AS n FROM articles WHERE ${where}`).first<{ n: number }>())!.n;
export const counters = async (db: D1Database) => (await db.prepare("SELECT coalesce(sum(n), 0) AS n FROM article_counts").first<{ n: number }>())!.n;
export const versions = async () => Object.fromEntries((await env.DB.prepare("SELECT period, version FROM shards").all<{ period: string; version: number }>()).results.map((r) => [r.period, r.version]));
/** Articles of a database whose search entry holds `word`, analyzed as the index analyzes it. */
export const matches = async (db: D1Database, word: string) =>
  (await db.prepare("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?").bind(`"${analyzeForIndex(word).trim()}"`).all()).results.length;
