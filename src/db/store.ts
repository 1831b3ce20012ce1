import type { NormalizedArticle } from "../domain";
import { byteLength, FTS_FIELDS, indexStatement, indexText, jsonChunks, jsonField, unindexChangedStatement } from "./fts";

/** Fetch state written with the articles, in the same atomic batch. */
export interface SourceStateUpdate {
  sourceId: string;
  etag: string | null;
  lastModified: string | null;
  httpStatus: number;
  status: "ok" | "not_modified";
  nextFetchAt: string;
  /** Digest of the body these items came from (kept only if every item was stored as it was); undefined keeps the stored one. */
  bodyDigest?: string | null;
}

/** Items a WebSub hub pushed: the source's fetch state (validators, schedule, health) is the poll's and stays. */
export interface PushedItems {
  sourceId: string;
  status: "pushed";
}

export interface StoreCounts {
  new: number;
  updated: number;
  unchanged: number;
}

export interface StoreResult extends StoreCounts {
  /** Items trimmed or skipped to fit D1's limits, for the run report. */
  warnings: string[];
  /** D1 queries the write cost (statements of its batch). */
  queries: number;
  /** Languages of the articles written, before and after (an edit may change one). */
  languages: string[];
}

/**
 * A source's items travel to D1 as JSON in one bound parameter per chunk, not as one
 * statement per article: D1 binds at most 100 parameters per statement and counts queries per
 * invocation, so a feed of any length costs the same few statements (4 per chunk + 1) in ONE
 * round trip. A bound string may hold up to 2 MB (D1's string and row limit); chunks stay at
 * half of that. Fields of one item, by position (the first four are the index writer's):
 */
export const F = {
  ...FTS_FIELDS,
  guid: 4, dedupeKey: 5, url: 6, title: 7, slug: 8, summary: 9, contentHtml: 10, contentText: 11, image: 12,
  author: 13, tags: 14, language: 15, publishedAt: 16, updatedAt: 17, storyGroup: 18,
} as const;
const CHUNK_BYTES = 1_000_000;
/**
 * Largest item row sent to D1, in UTF-8 bytes: its stored row (HTML, text, index entry) must
 * stay under D1's 2 MB row and string limit, and one item alone must still fit a chunk.
 */
export const ITEM_MAX_BYTES = 900_000;

const field = (name: keyof typeof F, alias = "j") => jsonField(F[name], alias);

function itemRow(a: NormalizedArticle): unknown[] {
  const row: unknown[] = [];
  row[F.id] = a.id;
  row[F.contentHash] = a.contentHash;
  [row[F.indexTitle], row[F.indexBody]] = indexText(a);
  row[F.guid] = a.guid;
  row[F.dedupeKey] = a.dedupeKey;
  row[F.url] = a.url;
  row[F.title] = a.title;
  row[F.slug] = a.slug;
  row[F.summary] = a.summary;
  row[F.contentHtml] = a.contentHtml;
  row[F.contentText] = a.contentText;
  row[F.image] = a.image;
  row[F.author] = a.author;
  row[F.tags] = JSON.stringify(a.tags);
  row[F.language] = a.language;
  row[F.publishedAt] = a.publishedAt;
  row[F.updatedAt] = a.updatedAt;
  row[F.storyGroup] = a.storyGroup;
  return row;
}

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The longest prefix of `text` within `maxBytes` of UTF-8, cut between characters. */
function cutToBytes(text: string, maxBytes: number): string {
  const { read } = new TextEncoder().encodeInto(text, new Uint8Array(maxBytes));
  return text.slice(0, read);
}

const labelOf = (a: NormalizedArticle) => JSON.stringify((a.guid ?? a.url ?? a.id).slice(0, 200));

/**
 * An item's row as sent to D1, within ITEM_MAX_BYTES. A larger item keeps the start of its
 * text; its HTML becomes that text in escaped paragraphs (cutting sanitized HTML could leave
 * markup open), and the hash stays the feed's so the next refresh sees it unchanged. An item
 * too large even without its content is skipped. Either way the source's other items are stored.
 */
export function fitItem(a: NormalizedArticle, maxBytes = ITEM_MAX_BYTES): { row: string | null; warning: string | null } {
  const row = JSON.stringify(itemRow(a));
  const size = byteLength(row);
  if (size <= maxBytes) return { row, warning: null };
  const bare = byteLength(JSON.stringify(itemRow({ ...a, contentHtml: "", contentText: "" })));
  // The text travels about three times (plain, analyzed, as HTML): start from a third of the
  // room, then scale by what the last attempt weighed (a few rounds; analysis is the cost).
  let keep = Math.floor((maxBytes - bare) / 3);
  for (let round = 0; round < 6 && keep > 0; round++) {
    const text = cutToBytes(a.contentText, keep).trimEnd();
    const html = text.split(/\n{2,}/).map((p) => `<p>${escapeHtml(p)}</p>`).join("") + "<p>…</p>";
    const trimmed = JSON.stringify(itemRow({ ...a, contentText: `${text}…`, contentHtml: html }));
    const bytes = byteLength(trimmed);
    if (bytes <= maxBytes) {
      return { row: trimmed, warning: `item ${labelOf(a)}: ${size} bytes exceed the ${maxBytes}-byte storage limit; content trimmed to ${byteLength(text)} bytes of text` };
    }
    keep = Math.floor(keep * Math.min(0.95, ((maxBytes - bare) / (bytes - bare)) * 0.97));
  }
  return { row: null, warning: `item ${labelOf(a)}: ${size} bytes exceed the ${maxBytes}-byte storage limit even without its content; skipped` };
}

/** Rows that fit (fitItem) and the warnings of those that did not as they were. */
function fitItems(items: readonly NormalizedArticle[]): { rows: string[]; warnings: string[] } {
  const rows: string[] = [];
  const warnings: string[] = [];
  for (const a of items) {
    const { row, warning } = fitItem(a);
    if (row) rows.push(row);
    if (warning) warnings.push(warning);
  }
  return { rows, warnings };
}

/** JSON arrays of item rows, each under `limit` bytes (an item larger than that goes alone). */
export function chunkItems(items: readonly NormalizedArticle[], limit: number = CHUNK_BYTES): string[] {
  return jsonChunks(fitItems(items).rows, limit);
}

/**
 * What the upsert below will do, read inside the same transaction just before it; `languages`:
 * those of the items it will write, and the stored language of the ones it will edit (an edit
 * may move an article out of a language), for the cache to retire only those (src/cache/).
 */
const CHANGING = `FROM json_each(?1) AS j LEFT JOIN articles AS a ON a.id = ${field("id")} WHERE a.content_hash IS NOT ${field("contentHash")}`;
const PLAN = `SELECT count(*) - count(a.id) AS inserted, count(a.id) - count(a.content_hash IS ${field("contentHash")} OR NULL) AS updated,
    (SELECT json_group_array(l) FROM (SELECT ${field("language")} AS l ${CHANGING} UNION SELECT a.language ${CHANGING}) WHERE l IS NOT NULL) AS languages
  FROM json_each(?1) AS j LEFT JOIN articles AS a ON a.id = ${field("id")}`;

/**
 * New items are inserted; an item whose content hash changed is updated in place (same id,
 * `updated_at` set); an unchanged item fails the upsert's WHERE and is not written at all. A
 * missing date falls back to first-seen time on insert and keeps the stored date on update,
 * never "now" on every refresh. The unique (source, dedupe key) index is the last line of
 * defence against a concurrent run.
 * An update brings its body back into the row: an archived body (archive/) is superseded.
 */
const UPSERT = `INSERT INTO articles (id, source_id, guid, dedupe_key, url, title, slug, summary, content_html, content_text,
    image, author, tags, language, published_at, updated_at, fetched_at, first_seen_at, content_hash, story_group)
  SELECT ${field("id")}, ?2, ${field("guid")}, ${field("dedupeKey")}, ${field("url")}, ${field("title")}, ${field("slug")},
    ${field("summary")}, ${field("contentHtml")}, ${field("contentText")}, ${field("image")}, ${field("author")}, ${field("tags")},
    ${field("language")}, coalesce(${field("publishedAt")}, ?3), coalesce(${field("updatedAt")}, ${field("publishedAt")}, ?3), ?3, ?3,
    ${field("contentHash")}, ${field("storyGroup")}
  FROM json_each(?1) AS j WHERE true
  ON CONFLICT (id) DO UPDATE SET url = excluded.url, title = excluded.title, slug = excluded.slug, summary = excluded.summary,
    content_html = excluded.content_html, content_text = excluded.content_text, image = excluded.image, author = excluded.author,
    tags = excluded.tags, language = excluded.language,
    published_at = coalesce((SELECT ${field("publishedAt", "d")} FROM json_each(?1) AS d WHERE ${field("id", "d")} = excluded.id), articles.published_at),
    updated_at = ?3, fetched_at = ?3, content_hash = excluded.content_hash, story_group = excluded.story_group, body_ref = NULL
    WHERE articles.content_hash IS NOT excluded.content_hash
  ON CONFLICT DO NOTHING`;

/**
 * Writes a source's items and its fetch state in ONE D1 batch (a transaction, one round trip):
 * either all of it lands or none does. An item too large for D1 is trimmed or skipped with a
 * warning (fitItem), never failing the source. Unchanged items cost no write; a changed item is
 * updated in place, never duplicated, its index entry dropped before and rewritten after
 * (db/fts.ts). A 304 writes only the fetch state.
 */
export async function storeArticles(
  db: D1Database,
  items: NormalizedArticle[],
  state: SourceStateUpdate | PushedItems,
  now: string,
  /** Smaller chunks, so tests reach the multi-chunk path with few items. */
  tuning: { chunkBytes?: number } = {},
): Promise<StoreResult> {
  const statements: D1PreparedStatement[] = [];
  const { rows, warnings } = fitItems(items);
  const chunks = jsonChunks(rows, tuning.chunkBytes ?? CHUNK_BYTES);
  for (const chunk of chunks) {
    statements.push(
      db.prepare(PLAN).bind(chunk),
      unindexChangedStatement(db, chunk),
      db.prepare(UPSERT).bind(chunk, state.sourceId, now),
      indexStatement(db, chunk),
    );
  }
  if (state.status !== "pushed") {
    statements.push(
      db
        .prepare(
          `UPDATE sources SET etag = ?, last_modified = ?, last_fetched_at = ?, last_status = ?, last_http_status = ?,
             last_error = NULL, consecutive_errors = 0, next_fetch_at = ?, body_digest = iif(?, ?, body_digest) WHERE id = ?`,
        )
        .bind(
          state.etag, state.lastModified, now, state.status, state.httpStatus, state.nextFetchAt,
          state.bodyDigest === undefined ? 0 : 1, warnings.length ? null : (state.bodyDigest ?? null), state.sourceId,
        ),
    );
  }
  if (!statements.length) return { new: 0, updated: 0, unchanged: 0, warnings, queries: 0, languages: [] };
  const results = await db.batch<{ inserted: number; updated: number; languages: string | null }>(statements);
  const counts: StoreCounts = { new: 0, updated: 0, unchanged: 0 };
  const languages = new Set<string>();
  for (let i = 0; i < chunks.length; i++) {
    const plan = results[i * 4]!.results[0];
    counts.new += plan?.inserted ?? 0;
    counts.updated += plan?.updated ?? 0;
    for (const language of JSON.parse(plan?.languages ?? "[]") as string[]) languages.add(language);
  }
  counts.unchanged = rows.length - counts.new - counts.updated;
  return { ...counts, warnings, queries: statements.length, languages: [...languages] };
}

export interface SourceFailure {
  sourceId: string;
  httpStatus: number | null;
  message: string;
  consecutiveErrors: number;
  nextFetchAt: string;
}

export async function recordSourceFailure(db: D1Database, failure: SourceFailure, now: string): Promise<void> {
  await db
    .prepare(
      `UPDATE sources SET last_fetched_at = ?, last_status = 'error', last_http_status = ?, last_error = ?,
         consecutive_errors = ?, next_fetch_at = ? WHERE id = ?`,
    )
    .bind(now, failure.httpStatus, failure.message.slice(0, 500), failure.consecutiveErrors, failure.nextFetchAt, failure.sourceId)
    .run();
}
