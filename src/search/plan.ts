/**
 * The SQL behind a search: one statement for the page and one for the exact total, sent in
 * one batch. Pure: it only composes SQL text and its parameters.
 *
 * Cost is what shapes them; on a million articles, naive ranking of a word in 12% of them
 * took about 20 times an uncached listing, these take about 1.2 times:
 * - Ranking runs on `articles_fts` alone; only the page's rows are joined to `articles`.
 * - Relevance ranks the newest RANK_WINDOW matches (by rowid, i.e. ingest order) first and
 *   the older ones after them, each part by bm25: page 1 of a very common word costs the same
 *   at any corpus size, and a query with fewer matches is ranked in full.
 * - Language, source and date filters are tokens of the index's `scope` column
 *   (search/scope.ts), matched inside FTS5 with the words: a date range is a union of whole
 *   years, months and single days, so no match is checked against the articles table.
 * - Date order with many matches walks the date index and keeps the rows in the match set;
 *   with few, it sorts the matches. Both branches are in the statement and the one that does
 *   not apply gets `LIMIT 0`, which SQLite checks before it scans anything.
 */

import { MAX_DATE_AHEAD_MS } from "../domain";
import { dateRangeTokens, scopeMatch, textOnly } from "./scope";

export interface SearchScope {
  languages: string[];
  sources: string[];
  /** Inclusive days, YYYY-MM-DD. */
  from: string | null;
  to: string | null;
}

export interface SearchPlanInput {
  /** A safe FTS5 MATCH expression (from parseSearchQuery). */
  expression: string;
  /** The expression lists rows to leave out (`-war`): the result is everything else. */
  exclude: boolean;
  sort: "relevance" | "date";
  scope: SearchScope;
  limit: number;
  offset: number;
  /** The last year an article can be dated in (by default that of now + MAX_DATE_AHEAD_MS): where an open `to` ends. */
  latestYear?: number;
  /**
   * Only the rows that sort before this keyset (published_at, pk): a period database is read
   * up to the period boundary, and the live database's stragglers (db/shard-pages.ts).
   */
  bound?: { publishedAt: string; pk: number };
  /** Overrides of RANK_WINDOW / DATE_WALK_MATCHES, so tests can reach every branch with few rows. */
  tuning?: { rankWindow?: number; dateWalkMatches?: number };
}

export interface Statement {
  sql: string;
  params: unknown[];
}

/** Title matches weigh more than body matches in bm25. */
export const TITLE_WEIGHT = 4;
/** Relevance ranks this many of the newest matches ahead of older ones. */
export const RANK_WINDOW = 5000;
/** Above this many matches, date order walks the date index instead of sorting matches. */
export const DATE_WALK_MATCHES = 1000;

const FTS = "articles_fts";
const MATCH = `${FTS} MATCH ?1`;
/** The scope column (language and source tokens, search/scope.ts) weighs nothing. */
const SCORE = `bm25(${FTS}, ${TITLE_WEIGHT}, 1, 0)`;
const DATE_ORDER = "a.published_at DESC, a.pk DESC";
const COLUMNS =
  "a.id, a.slug, a.title, a.summary, a.language, a.published_at, a.url, a.image, a.source_id, s.name AS source_name, a.pk AS pk";

/** Numbered parameters, so a value bound once can appear in several places. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `?${this.values.length}`;
  }
}

/** Conditions over `a` (articles) for the scope, or "" when it is unrestricted. */
function scopeSql(scope: SearchScope, p: Params): string {
  const clauses: string[] = [];
  const inList = (column: string, values: string[]) => {
    if (values.length) clauses.push(`${column} IN (${values.map((v) => p.add(v)).join(", ")})`);
  };
  inList("a.language", scope.languages);
  inList("a.source_id", scope.sources);
  // Dates are inclusive calendar days in UTC; ISO strings compare in time order.
  if (scope.from) clauses.push(`a.published_at >= ${p.add(`${scope.from}T00:00:00Z`)}`);
  if (scope.to) clauses.push(`a.published_at <= ${p.add(`${scope.to}T23:59:59Z`)}`);
  return clauses.join(" AND ");
}

/** Rows before the keyset, each value bound once. */
function boundSql(bound: NonNullable<SearchPlanInput["bound"]>, p: Params): string {
  const at = p.add(bound.publishedAt);
  const pk = p.add(bound.pk);
  return `(a.published_at < ${at} OR (a.published_at = ${at} AND a.pk < ${pk}))`;
}

/**
 * FROM + WHERE of the matches, the scope already in the MATCH expression. Joined (for date
 * order), each match is looked up in the covering index keyed by pk; CROSS JOIN keeps the FTS
 * table as the outer loop.
 */
function matchesSql(join = false): string {
  if (!join) return `${FTS} WHERE ${MATCH}`;
  return `${FTS} CROSS JOIN articles a INDEXED BY articles_search_scope_idx ON a.pk = ${FTS}.rowid WHERE ${MATCH}`;
}

/** Relevance: the page's (pk, tier, score) rows, as parts of a UNION ALL. */
function relevanceParts(matches: string, limit: number, offset: number, window: number): string[] {
  const rowid = `${FTS}.rowid`;
  // FTS5 yields matches newest rowid first, so the window is read and scored in one pass.
  const tier = (n: 0 | 1, count: number, skip: number) => {
    const part = n === 0 ? `LIMIT ${window}` : `LIMIT -1 OFFSET ${window}`;
    return (
      `SELECT pk, ${n} AS tier, score FROM (SELECT ${rowid} AS pk, ${SCORE} AS score FROM ${matches} ORDER BY ${rowid} DESC ${part}) ` +
      `ORDER BY score, pk DESC LIMIT ${count} OFFSET ${skip}`
    );
  };
  const end = offset + limit;
  const parts: string[] = [];
  if (offset < window) parts.push(tier(0, Math.min(end, window) - offset, offset));
  if (end > window) {
    const skip = Math.max(offset, window);
    parts.push(tier(1, end - skip, skip - window));
  }
  return parts;
}

/**
 * Date order: the page's rows from whichever branch suits the match count. The walk keeps
 * the scope's conditions as well (they are already in the match set), so the planner walks
 * the scope's (language/source/date) index rather than every article's date.
 */
function dateParts(walkScope: string, limit: number, offset: number, walkAbove: number, bound: string): string[] {
  const many = `(SELECT n FROM match_count) > ${walkAbove}`;
  const walk = walkScope ? `articles a WHERE ${walkScope} AND` : "articles a INDEXED BY articles_published_idx WHERE";
  return [
    `SELECT a.pk AS pk, 0 AS tier, 0 AS score FROM ${walk} +a.pk IN (SELECT rowid FROM ${FTS} WHERE ${MATCH}) ` +
      `ORDER BY ${DATE_ORDER} LIMIT CASE WHEN ${many} THEN ${limit} ELSE 0 END OFFSET ${offset}`,
    `SELECT a.pk AS pk, 0 AS tier, 0 AS score FROM ${matchesSql(true)}${bound ? ` AND ${bound}` : ""} ORDER BY ${DATE_ORDER} LIMIT CASE WHEN ${many} THEN 0 ELSE ${limit} END OFFSET ${offset}`,
  ];
}

/** The page's rows joined to their articles; CROSS JOIN keeps the few page rows outermost. */
function pageSql(parts: string[], order: string, prefix = ""): string {
  const rows = parts.map((s) => `SELECT pk, tier, score FROM (${s})`).join(" UNION ALL ");
  return `${prefix}SELECT ${COLUMNS}, p.tier AS tier, p.score AS score FROM (${rows}) p CROSS JOIN articles a ON a.pk = p.pk LEFT JOIN sources s ON s.id = a.source_id ORDER BY ${order}`;
}

export function searchStatements(input: SearchPlanInput): { page: Statement; total: Statement } {
  const p = new Params();
  const words = textOnly(input.expression);
  // ?1: what to match. Positive searches carry the filters as scope tokens; a date range no
  // article can be in becomes a day token that no row carries ("d0").
  const { languages, sources, from, to } = input.scope;
  // Each year named costs every ranked row a little, so an open end stops at the last year an
  // article can have now, not at a guess beyond it.
  const latestYear = input.latestYear ?? new Date(Date.now() + MAX_DATE_AHEAD_MS).getUTCFullYear();
  const dateTokens = from || to ? dateRangeTokens(from, to, latestYear) : null;
  const dates = dateTokens && dateTokens.length === 0 ? ["d0"] : dateTokens;
  p.add(input.exclude ? words : [words, scopeMatch({ languages, sources, dates })].filter(Boolean).join(" AND "));
  // The articles-table form of the scope, for what walks or counts articles rather than matches.
  // The bound's parameters come after the scope's, so a bounded statement numbers the scope's
  // as the unbounded one does (db/shard-search.ts subtracts one count from the other).
  const scoped = scopeSql(input.scope, p);
  const bound = input.bound ? boundSql(input.bound, p) : "";
  const scope = [scoped, bound].filter(Boolean).join(" AND ");
  const limit = Math.max(1, Math.floor(input.limit));
  const offset = Math.max(0, Math.floor(input.offset));
  const window = Math.max(1, Math.floor(input.tuning?.rankWindow ?? RANK_WINDOW));
  const walkAbove = Math.max(0, Math.floor(input.tuning?.dateWalkMatches ?? DATE_WALK_MATCHES));
  const matchCount = `(SELECT count(*) FROM ${matchesSql()})`;
  // Each statement binds exactly the parameters it uses (D1 refuses extra bindings): the
  // scope's parameters are numbered after the expression.
  const statement = (sql: string): Statement => ({ sql, params: p.values.slice(0, Math.max(0, ...[...sql.matchAll(/\?(\d+)/g)].map((m) => Number(m[1])))) });

  if (input.exclude) {
    // Everything in scope except the expression's matches, newest first.
    const excluded = scope ? `${matchesSql(true)} AND ${scope}` : matchesSql();
    const where = `${scope ? `${scope} AND ` : ""}+a.pk NOT IN (SELECT rowid FROM ${FTS} WHERE ${MATCH})`;
    return {
      page: statement(
        `SELECT ${COLUMNS} FROM articles a LEFT JOIN sources s ON s.id = a.source_id WHERE ${where} ORDER BY ${DATE_ORDER} LIMIT ${limit} OFFSET ${offset}`,
      ),
      total: statement(`SELECT (SELECT count(*) FROM articles a${scope ? ` WHERE ${scope}` : ""}) - (SELECT count(*) FROM ${excluded}) AS n`),
    };
  }
  // Bounded, the matches are counted against the keyset in the articles table.
  const total = statement(bound ? `SELECT (SELECT count(*) FROM ${matchesSql(true)} AND ${bound}) AS n` : `SELECT ${matchCount} AS n`);
  if (input.sort === "date") {
    // Counted once, read by both branches' LIMITs.
    const prefix = `WITH match_count(n) AS MATERIALIZED (SELECT count(*) FROM ${FTS} WHERE ${MATCH}) `;
    return { page: statement(pageSql(dateParts(scope, limit, offset, walkAbove, bound), DATE_ORDER, prefix)), total };
  }
  const matches = bound ? `${matchesSql(true)} AND ${bound}` : matchesSql();
  return { page: statement(pageSql(relevanceParts(matches, limit, offset, window), "p.tier, p.score, p.pk DESC")), total };
}
