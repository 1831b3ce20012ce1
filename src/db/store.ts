import type { NormalizedArticle, SourceOutcome } from "../domain";
import { byteLength, FTS_FIELDS, indexStatement, indexText, jsonChunks, jsonField, unindexChangedStatement } from "./fts";
import { advanceFinishStatement, logStatements, OUTCOME_COLUMNS, type RunLog } from "./runs";
import { writerShardMap } from "./shard-registry";
import type { Boundary } from "./shards";
import { boundaryGuard, bumpPeriods, findMoved, isGuardFailure, type MovedItem } from "./store-periods";
import { type SendBatch, sendAlone } from "./write-batches";

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
  /** The source was deleted before the batch ran (a refresh in flight): nothing was written, every count is 0. */
  sourceGone: boolean;
}

/** How a run reports a source deleted while its refresh was in flight (status `skipped`). */
export const SOURCE_GONE = { code: "source_gone", message: "source deleted during its refresh; nothing stored" } as const;

/**
 * A source's items travel to D1 as JSON in bound parameters, not as one statement per article:
 * D1 binds at most 100 parameters per statement and counts queries per invocation, so a feed of
 * any length costs the same few statements in ONE round trip (6 for a feed under 1 MB, its
 * outcome included). A bound string may hold up to 2 MB (D1's string and row limit); chunks stay
 * at half of that. Each statement is sent only the fields it reads, so an item's bytes cross to
 * D1 about once, not once per statement: the keys of every item (plan, unindex, outcome), then
 * per chunk the stored fields (upsert) and the analyzed text (index). Fields of one item, by
 * position (the first four are the index writer's):
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
/** Positions in the keys parameter: the first two are the index writer's (FTS_FIELDS). */
const K = { id: FTS_FIELDS.id, contentHash: FTS_FIELDS.contentHash, language: 2 } as const;
const key = (name: keyof typeof K, alias = "j") => jsonField(K[name], alias);

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
  const { row, warning } = fitRow(a, maxBytes);
  return { row: row && JSON.stringify(row.fields), warning };
}

/** An item as sent: its fields, and its size as one JSON row (what the limits are counted on). */
interface Row {
  fields: unknown[];
  bytes: number;
}

function fitRow(a: NormalizedArticle, maxBytes = ITEM_MAX_BYTES): { row: Row | null; warning: string | null } {
  const fields = itemRow(a);
  const size = byteLength(JSON.stringify(fields));
  if (size <= maxBytes) return { row: { fields, bytes: size }, warning: null };
  const bare = byteLength(JSON.stringify(itemRow({ ...a, contentHtml: "", contentText: "" })));
  // The text travels about three times (plain, analyzed, as HTML): start from a third of the
  // room, then scale by what the last attempt weighed (a few rounds; analysis is the cost).
  let keep = Math.floor((maxBytes - bare) / 3);
  for (let round = 0; round < 6 && keep > 0; round++) {
    const text = cutToBytes(a.contentText, keep).trimEnd();
    const html = text.split(/\n{2,}/).map((p) => `<p>${escapeHtml(p)}</p>`).join("") + "<p>…</p>";
    const trimmed = itemRow({ ...a, contentText: `${text}…`, contentHtml: html });
    const bytes = byteLength(JSON.stringify(trimmed));
    if (bytes <= maxBytes) {
      return { row: { fields: trimmed, bytes }, warning: `item ${labelOf(a)}: ${size} bytes exceed the ${maxBytes}-byte storage limit; content trimmed to ${byteLength(text)} bytes of text` };
    }
    keep = Math.floor(keep * Math.min(0.95, ((maxBytes - bare) / (bytes - bare)) * 0.97));
  }
  return { row: null, warning: `item ${labelOf(a)}: ${size} bytes exceed the ${maxBytes}-byte storage limit even without its content; skipped` };
}

/** Rows that fit (fitItem) and the warnings of those that did not as they were. */
function fitItems(items: readonly NormalizedArticle[]): { rows: Row[]; warnings: string[] } {
  const rows: Row[] = [];
  const warnings: string[] = [];
  for (const a of items) {
    const { row, warning } = fitRow(a);
    if (row) rows.push(row);
    if (warning) warnings.push(warning);
  }
  return { rows, warnings };
}

/** Rows grouped so each group, as one JSON array, stays under `limit` bytes (a larger row goes alone). */
function groupRows(rows: readonly Row[], limit: number): Row[][] {
  const groups: Row[][] = [];
  let group: Row[] = [];
  let bytes = 2;
  for (const row of rows) {
    const size = row.bytes + 1;
    if (group.length && bytes + size > limit) {
      groups.push(group);
      group = [];
      bytes = 2;
    }
    group.push(row);
    bytes += size;
  }
  if (group.length) groups.push(group);
  return groups;
}

const jsonArray = (rows: readonly Row[], pick: (fields: unknown[]) => unknown[]) => JSON.stringify(rows.map((r) => pick(r.fields)));
/** What the plan, the unindex and the outcome read (K). */
const keyFields = (f: unknown[]) => [f[F.id], f[F.contentHash], f[F.language]];
/** What the upsert reads: every field but the analyzed text. */
const storedFields = (f: unknown[]) => f.map((v, i) => (i === F.indexTitle || i === F.indexBody ? null : v));
/** What the index writer reads (FTS_FIELDS). */
const indexFields = (f: unknown[]) => f.slice(0, 4);

/** JSON arrays of whole item rows, each under `limit` bytes (an item larger than that goes alone): the chunks the store writes. */
export function chunkItems(items: readonly NormalizedArticle[], limit: number = CHUNK_BYTES): string[] {
  return groupRows(fitItems(items).rows, limit).map((group) => jsonArray(group, (f) => f));
}

/**
 * What the upsert below will do, read inside the same transaction just before it; `languages`:
 * those of the items it will write, and the stored language of the ones it will edit (an edit
 * may move an article out of a language), for the cache to retire only those (src/cache/).
 */
const CHANGING = `FROM json_each(?1) AS j LEFT JOIN articles AS a ON a.id = ${key("id")} WHERE a.content_hash IS NOT ${key("contentHash")}`;
/**
 * Whether the source (its id the parameter `p`) still exists. Every statement that writes for
 * the source checks it inside the batch, which is one transaction: a source deleted (or purged)
 * while its refresh was in flight gets nothing back, with no window between check and write.
 */
const sourceLive = (p: string) => `EXISTS (SELECT 1 FROM sources WHERE id = ${p})`;
/** All 0 for a source that is gone, since nothing is written for it. */
const countsOf = (p: string) => `SELECT count(*) - count(a.id) AS inserted, count(a.id) - count(a.content_hash IS ${key("contentHash")} OR NULL) AS updated, count(*) AS total
  FROM json_each(?1) AS j LEFT JOIN articles AS a ON a.id = ${key("id")} WHERE ${sourceLive(p)}`;
const PLAN = `SELECT inserted, updated, ${sourceLive("?2")} AS live,
    (SELECT json_group_array(l) FROM (SELECT ${key("language")} AS l ${CHANGING} UNION SELECT a.language ${CHANGING}) WHERE l IS NOT NULL AND ${sourceLive("?2")}) AS languages
  FROM (${countsOf("?2")})`;
/**
 * The source's outcome under a run, its counts the plan's (so it is read before the upsert too);
 * a source gone meanwhile is logged `skipped`, as the refresh reports it (ingest/source.ts).
 */
const OUTCOME = `INSERT OR REPLACE INTO refresh_run_sources (${OUTCOME_COLUMNS})
  SELECT ?2, ?3, iif(live, ?4, 'skipped'), ?5, inserted, updated, total - inserted - updated,
    iif(live, NULL, '${SOURCE_GONE.code}'), iif(live, NULL, '${SOURCE_GONE.message}'), ?6, iif(live, ?7, NULL)
  FROM (SELECT c.*, ${sourceLive("?3")} AS live FROM (${countsOf("?3")}) AS c)`;

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
  FROM json_each(?1) AS j WHERE ${sourceLive("?2")}
  ON CONFLICT (id) DO UPDATE SET url = excluded.url, title = excluded.title, slug = excluded.slug, summary = excluded.summary,
    content_html = excluded.content_html, content_text = excluded.content_text, image = excluded.image, author = excluded.author,
    tags = excluded.tags, language = excluded.language,
    published_at = coalesce((SELECT ${field("publishedAt", "d")} FROM json_each(?1) AS d WHERE ${field("id", "d")} = excluded.id), articles.published_at),
    updated_at = ?3, fetched_at = ?3, content_hash = excluded.content_hash, story_group = excluded.story_group, body_ref = NULL
    WHERE articles.content_hash IS NOT excluded.content_hash
  ON CONFLICT DO NOTHING`;

/** How a stored source's outcome is logged: `log` says under which run; the counts come from D1. */
export interface StoredOutcome {
  log: RunLog;
  status: Extract<SourceOutcome["status"], "ok" | "not_modified">;
  httpStatus: number | null;
  durationMs: number;
}

/**
 * An item whose article moved to its period's database is updated there, in place, only when
 * its content changed; its publication date stays (the keyset the boundary is drawn on), like
 * its source and pk.
 */
const UPDATE_MOVED = `UPDATE articles SET url = ${field("url")}, title = ${field("title")}, slug = ${field("slug")}, summary = ${field("summary")},
    content_html = ${field("contentHtml")}, content_text = ${field("contentText")}, image = ${field("image")}, author = ${field("author")},
    tags = ${field("tags")}, language = ${field("language")}, updated_at = ?2, fetched_at = ?2, content_hash = ${field("contentHash")},
    story_group = ${field("storyGroup")}, body_ref = NULL
  FROM json_each(?1) AS j WHERE articles.id = ${field("id")} AND articles.content_hash IS NOT ${field("contentHash")}`;

/** Writes changed moved items into their periods' databases: one batch per database (entry dropped, row updated, entry rebuilt), all at once. */
async function writeMoved(changed: readonly MovedItem[], now: string, chunkBytes: number): Promise<{ queries: number; warnings: string[] }> {
  const byDb = new Map<D1Database, NormalizedArticle[]>();
  for (const m of changed) byDb.set(m.db, [...(byDb.get(m.db) ?? []), m.item]);
  const warnings: string[] = [];
  const sent = await Promise.all(
    [...byDb].map(async ([db, items]) => {
      const fitted = fitItems(items);
      warnings.push(...fitted.warnings);
      const groups = groupRows(fitted.rows, chunkBytes);
      const statements = [
        ...groups.map((g) => unindexChangedStatement(db, jsonArray(g, keyFields))),
        ...groups.map((g) => db.prepare(UPDATE_MOVED).bind(jsonArray(g, storedFields), now)),
        ...groups.map((g) => indexStatement(db, jsonArray(g, indexFields))),
      ];
      if (statements.length) await db.batch(statements);
      return statements.length;
    }),
  );
  return { queries: sent.reduce((n, q) => n + q, 0), warnings };
}

/** What the items stored in period databases add to the live write's result, and the boundary they were found under. */
interface PeriodShare {
  boundary: Boundary | null;
  updated: number;
  unchanged: number;
  languages: string[];
  /** Periods whose content changed: their `version` goes up in the live batch. */
  periods: string[];
  queries: number;
  warnings: string[];
  /** The source was found deleted before its period writes: none were made. */
  sourceGone: boolean;
}

/**
 * Writes a source's items, its fetch state and (with `outcome`) its line in the run log in ONE
 * D1 batch (a transaction, one round trip): either all of it lands or none does. An item too
 * large for D1 is trimmed or skipped with a warning (fitItem), never failing the source.
 * Unchanged items cost no write; a changed item is updated in place, never duplicated, its
 * index entry dropped before and rewritten after (db/fts.ts). A 304 writes only the fetch state.
 *
 * With `periods` (the Worker's bindings) and a period registered, an item whose article moved
 * to its period's database (db/store-periods.ts) is updated there and not written live; any
 * other item is written live as before (one dated before the boundary is a straggler the mover
 * takes next). The live batch then checks the boundary is the one the items were looked up
 * under; if the mover moved it meanwhile, the items are looked up again (a few times at most).
 */
export async function storeArticles(
  db: D1Database,
  items: NormalizedArticle[],
  state: SourceStateUpdate | PushedItems,
  now: string,
  /**
   * `chunkBytes`: smaller chunks, so tests reach the multi-chunk path with few items. `send`:
   * how the batch reaches D1 (a run merges the batches of sources ready together: write-batches.ts).
   * `periods`: the bindings that hold the period databases.
   */
  opts: { chunkBytes?: number; outcome?: StoredOutcome; send?: SendBatch; periods?: object } = {},
): Promise<StoreResult> {
  if (!opts.periods || !items.length) return storeLive(db, items, state, now, opts, null);
  // Items already written into a period by an earlier attempt: they count as updated, and their period's version goes up.
  const written = new Map<string, MovedItem>();
  let queries = 0;
  const warnings: string[] = [];
  for (let attempt = 0; ; attempt++) {
    const { map, read } = await writerShardMap(db, attempt > 0);
    queries += read ? 1 : 0;
    if (!map.shards.length) {
      const live = await storeLive(db, items, state, now, opts, null);
      return { ...live, queries: live.queries + queries };
    }
    const moved = await findMoved(opts.periods, map, items);
    let changed = moved.filter((m) => m.storedHash !== m.item.contentHash);
    // The period writes go to other databases, outside the live batch's transaction, and come
    // before it (the live batch bumps the versions of the periods they changed). So the source
    // is looked up first, only when there is something to write there, and its moved items are
    // skipped if it is gone. What is left is harmless or brief: the period write only updates
    // rows in place, never inserts, and a purge clears the periods after the live delete, so a
    // purged article cannot come back; after a plain delete, only a delete landing between this
    // look-up and the period write lets that write through.
    let sourceGone = false;
    if (changed.length) {
      queries += 1;
      sourceGone = !(await db.prepare("SELECT 1 FROM sources WHERE id = ?1").bind(state.sourceId).first());
      if (sourceGone) changed = [];
    }
    const wrote = await writeMoved(changed, now, opts.chunkBytes ?? CHUNK_BYTES);
    queries += wrote.queries + new Set(moved.map((m) => m.period)).size;
    warnings.push(...wrote.warnings);
    for (const m of changed) written.set(m.item.id, m);
    const movedIds = new Set(moved.map((m) => m.item.id));
    const updated = [...written.values()].filter((m) => movedIds.has(m.item.id));
    const share: PeriodShare = {
      boundary: map.boundary,
      updated: updated.length,
      unchanged: moved.length - updated.length,
      languages: [...new Set(updated.flatMap((m) => [m.storedLanguage, m.item.language]))],
      periods: [...new Set([...written.values()].map((m) => m.period))],
      queries,
      warnings,
      sourceGone,
    };
    try {
      return await storeLive(db, items.filter((i) => !movedIds.has(i.id)), state, now, opts, share);
    } catch (err) {
      if (!isGuardFailure(err) || attempt >= 2) throw err;
    }
  }
}

/** The live database's share of a store, one batch (see storeArticles); `share`: what the period databases took. */
async function storeLive(
  db: D1Database,
  items: NormalizedArticle[],
  state: SourceStateUpdate | PushedItems,
  now: string,
  opts: { chunkBytes?: number; outcome?: StoredOutcome; send?: SendBatch },
  share: PeriodShare | null,
): Promise<StoreResult> {
  const statements: D1PreparedStatement[] = [];
  const fitted = fitItems(items);
  const rows = fitted.rows;
  const warnings = [...fitted.warnings, ...(share?.warnings ?? [])];
  const chunkBytes = opts.chunkBytes ?? CHUNK_BYTES;
  const groups = groupRows(rows, chunkBytes);
  // About 60 bytes an item: one chunk unless a feed lists some 16,000 items.
  const keyChunks = jsonChunks(rows.map((r) => JSON.stringify(keyFields(r.fields))), chunkBytes);
  for (const keys of keyChunks) statements.push(db.prepare(PLAN).bind(keys, state.sourceId), unindexChangedStatement(db, keys, state.sourceId));
  const outcome = opts.outcome;
  // The outcome's counts are read in the batch when one plan covers every item; otherwise it
  // is written from the plans' sums right after.
  const outcomeInBatch = outcome && keyChunks.length <= 1 && !(share && share.updated + share.unchanged > 0);
  if (outcomeInBatch) {
    const warned = warnings.length ? JSON.stringify(warnings) : null;
    statements.push(db.prepare(OUTCOME).bind(keyChunks[0] ?? "[]", outcome.log.runId, state.sourceId, outcome.status, outcome.httpStatus, outcome.durationMs, warned));
    if (outcome.log.advancesFinish) statements.push(advanceFinishStatement(db, outcome.log.runId, now));
  }
  for (const group of groups) {
    statements.push(db.prepare(UPSERT).bind(jsonArray(group, storedFields), state.sourceId, now), indexStatement(db, jsonArray(group, indexFields)));
  }
  // Where the fetch state is written (it matches no row once the source is gone).
  let stateAt = -1;
  if (state.status !== "pushed") {
    stateAt = statements.length;
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
  if (share) {
    // After the plans, so their results keep their places; the batch is one transaction either way.
    statements.push(boundaryGuard(db, share.boundary));
    if (share.periods.length) statements.push(bumpPeriods(db, share.periods));
  }
  if (!statements.length) return { new: 0, updated: 0, unchanged: 0, warnings, queries: 0, languages: [], sourceGone: share?.sourceGone ?? false };
  const bytes = rows.reduce((n, r) => n + r.bytes, 0);
  const results = (await (opts.send ?? sendAlone(db))(statements, bytes)) as D1Result<{ inserted: number; updated: number; live: number; languages: string | null }>[];
  // What the batch itself found, when it can tell: the plan reads whether the source exists;
  // without items, the fetch state's update matched no row. Else the look-up before the period writes.
  const sourceGone = keyChunks.length
    ? results[0]!.results[0]?.live === 0
    : stateAt >= 0 ? results[stateAt]!.meta.changes === 0 : (share?.sourceGone ?? false);
  if (sourceGone) return goneResult(db, state.sourceId, outcome && !outcomeInBatch ? outcome : undefined, statements.length + (share?.queries ?? 0), now);
  const counts: StoreCounts = { new: 0, updated: 0, unchanged: 0 };
  const languages = new Set<string>();
  for (let i = 0; i < keyChunks.length; i++) {
    const plan = results[i * 2]!.results[0];
    counts.new += plan?.inserted ?? 0;
    counts.updated += plan?.updated ?? 0;
    for (const language of JSON.parse(plan?.languages ?? "[]") as string[]) languages.add(language);
  }
  counts.unchanged = rows.length - counts.new - counts.updated;
  if (share) {
    counts.updated += share.updated;
    counts.unchanged += share.unchanged;
    for (const language of share.languages) languages.add(language);
  }
  let queries = statements.length + (share?.queries ?? 0);
  if (outcome && !outcomeInBatch) {
    const line: SourceOutcome = {
      id: state.sourceId, status: outcome.status, http_status: outcome.httpStatus, ...counts, error: null, duration_ms: outcome.durationMs,
      ...(warnings.length ? { warnings } : {}),
    };
    const log = logStatements(db, outcome.log, line, now);
    await db.batch(log);
    queries += log.length;
  }
  return { ...counts, warnings, queries, languages: [...languages], sourceGone: false };
}

/** A source found gone by its store: nothing was written; its outcome, if not logged in the batch, is logged `skipped` now. */
async function goneResult(db: D1Database, sourceId: string, outcome: StoredOutcome | undefined, queries: number, now: string): Promise<StoreResult> {
  if (outcome) {
    const line: SourceOutcome = {
      id: sourceId, status: "skipped", http_status: outcome.httpStatus, new: 0, updated: 0, unchanged: 0, error: { ...SOURCE_GONE }, duration_ms: outcome.durationMs,
    };
    const log = logStatements(db, outcome.log, line, now);
    await db.batch(log);
    queries += log.length;
  }
  return { new: 0, updated: 0, unchanged: 0, warnings: [], queries, languages: [], sourceGone: true };
}

export interface SourceFailure {
  sourceId: string;
  httpStatus: number | null;
  message: string;
  consecutiveErrors: number;
  nextFetchAt: string;
}

/** Records a failed refresh of a source, with the statements that log it (runs.ts) in the same batch. Returns the statements sent. */
export async function recordSourceFailure(db: D1Database, failure: SourceFailure, now: string, log: D1PreparedStatement[] = []): Promise<number> {
  const update = db
    .prepare(
      `UPDATE sources SET last_fetched_at = ?, last_status = 'error', last_http_status = ?, last_error = ?,
         consecutive_errors = ?, next_fetch_at = ? WHERE id = ?`,
    )
    .bind(now, failure.httpStatus, failure.message.slice(0, 500), failure.consecutiveErrors, failure.nextFetchAt, failure.sourceId);
  if (log.length) await db.batch([update, ...log]);
  else await update.run();
  return 1 + log.length;
}
