import type { D1Reader } from "./client";
import { withEnabled, type SourceRow } from "./sources";

/** What an OPML export shows of a source and an import may set. */
export type SourceListing = Pick<SourceRow, "id" | "name" | "url" | "homepage" | "language" | "storyScope" | "storyKey" | "enabled">;

const LISTINGS_SQL = "SELECT id, name, url, homepage, language, story_scope AS storyScope, story_key AS storyKey, enabled FROM sources ORDER BY id";

export async function listSourceListings(db: D1Reader): Promise<SourceListing[]> {
  const { results } = await db.prepare(LISTINGS_SQL).all<Omit<SourceListing, "enabled"> & { enabled: number }>();
  return results.map(withEnabled);
}

/** Rows travel as JSON in one bound string (as in the ingest store), well under D1's 2 MB per string. */
const CHUNK_BYTES = 512 * 1024;
const COLUMNS = ["id", "name", "url", "homepage", "language", "storyScope", "storyKey", "enabled"] as const;
const field = (i: number) => `j.value ->> '$[${i}]'`;
/** Fetch state that no longer applies once the URL or the translation mapping changes. */
const changed = "sources.url IS NOT excluded.url OR sources.story_scope IS NOT excluded.story_scope OR sources.story_key IS NOT excluded.story_key";

/**
 * New ids are inserted, known ones rewritten. As in PATCH /sources, a new URL or translation
 * mapping forgets the validators and makes the source due now, so the next refresh re-reads
 * the whole feed; a new URL also starts its error count afresh.
 */
const UPSERT = `INSERT INTO sources (id, name, url, homepage, language, story_scope, story_key, enabled)
  SELECT ${COLUMNS.map((_, i) => field(i)).join(", ")} FROM json_each(?1) AS j WHERE true
  ON CONFLICT (id) DO UPDATE SET name = excluded.name, url = excluded.url, homepage = excluded.homepage,
    language = excluded.language, story_scope = excluded.story_scope, story_key = excluded.story_key, enabled = excluded.enabled,
    etag = CASE WHEN ${changed} THEN NULL ELSE sources.etag END,
    last_modified = CASE WHEN ${changed} THEN NULL ELSE sources.last_modified END,
    next_fetch_at = CASE WHEN ${changed} THEN NULL ELSE sources.next_fetch_at END,
    consecutive_errors = CASE WHEN sources.url IS NOT excluded.url THEN 0 ELSE sources.consecutive_errors END,
    updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')`;

function chunks(rows: readonly SourceListing[]): string[] {
  const out: string[] = [];
  let parts: string[] = [];
  let bytes = 2;
  for (const row of rows) {
    const json = JSON.stringify(COLUMNS.map((c) => (c === "enabled" ? (row.enabled ? 1 : 0) : row[c])));
    if (parts.length && bytes + json.length * 3 > CHUNK_BYTES) {
      out.push(`[${parts.join(",")}]`);
      parts = [];
      bytes = 2;
    }
    parts.push(json);
    bytes += json.length * 3 + 1;
  }
  if (parts.length) out.push(`[${parts.join(",")}]`);
  return out;
}

/**
 * Adds and rewrites sources in ONE D1 batch (a transaction): an import lands whole or not at
 * all, and a few thousand rows cost a handful of statements, not one query each.
 */
export async function upsertSources(d1: D1Reader, rows: readonly SourceListing[]): Promise<void> {
  if (!rows.length) return;
  await d1.batch(chunks(rows).map((chunk) => d1.prepare(UPSERT).bind(chunk)));
}
