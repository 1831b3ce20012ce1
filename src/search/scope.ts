/**
 * Search scope as index tokens. Every FTS row carries, in a column of its own (`scope`, bm25
 * weight 0, never matched by what readers type), tokens for the article's language, source
 * and publication date, so `lang`, `source`, `from` and `to` become part of the MATCH
 * expression and FTS5 intersects doclists instead of checking every match of a common word
 * against the articles table:
 * - language and source: `l` / `s` + the lowercase hex of the value's UTF-8 bytes, which the
 *   unicode61 tokenizer keeps whole whatever the value holds;
 * - date (UTC day of `published_at`): `y2026`, `m202611`, `d20261127`. A date range is the
 *   smallest set of whole years, whole months and single days that covers it exactly, so the
 *   inclusive day bounds need no per-match check.
 */
import { EARLIEST_ARTICLE_YEAR } from "../domain";

const encoder = new TextEncoder();

export function scopeToken(kind: "l" | "s", value: string): string {
  let hex = "";
  for (const byte of encoder.encode(value)) hex += byte.toString(16).padStart(2, "0");
  return kind + hex;
}

/** The date tokens of a stored `YYYY-MM-DDTHH:MM:SSZ` date. */
export function dateTokens(publishedAt: string): string[] {
  const [y, m, d] = [publishedAt.slice(0, 4), publishedAt.slice(5, 7), publishedAt.slice(8, 10)];
  return [`y${y}`, `m${y}${m}`, `d${y}${m}${d}`];
}

/**
 * The same tokens as `scopeToken` and `dateTokens`, computed in SQL from an articles row
 * (`hex()` is of the UTF-8 text). Every writer of the index inserts this as the scope.
 */
export function scopeSqlOf(alias: string): string {
  const day = `${alias}.published_at`;
  return (
    `'l' || lower(hex(${alias}.language)) || ' s' || lower(hex(${alias}.source_id))` +
    ` || ' y' || substr(${day}, 1, 4) || ' m' || substr(${day}, 1, 4) || substr(${day}, 6, 2)` +
    ` || ' d' || substr(${day}, 1, 4) || substr(${day}, 6, 2) || substr(${day}, 9, 2)`
  );
}

/** Readers' expressions only ever search the text columns. */
export function textOnly(expression: string): string {
  return `{title body} : (${expression})`;
}

const pad2 = (n: number) => String(n).padStart(2, "0");
const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * The date tokens whose union is exactly the inclusive days [from, to] (YYYY-MM-DD; null is
 * open). Articles are dated from EARLIEST_ARTICLE_YEAR to at most a little ahead of now
 * (ingest refuses other dates), so open ends stop there: `latestYear` is the year of the
 * latest date an article can have. Days that
 * do not exist (`02-30`) compare as strings, like the SQL bounds they replace. An empty list
 * means no article can be in range.
 */
export function dateRangeTokens(from: string | null, to: string | null, latestYear: number): string[] {
  const lowest = `${EARLIEST_ARTICLE_YEAR}-01-01`;
  const highest = `${latestYear}-12-31`;
  const start = from && from > lowest ? from : lowest;
  const end = to && to < highest ? to : highest;
  if (start > end) return [];
  const [fy, fm, fd] = start.split("-").map(Number) as [number, number, number];
  const [ty, tm, td] = end.split("-").map(Number) as [number, number, number];
  const days: string[] = [];
  const fullMonths = new Map<number, number[]>();
  for (let y = fy, m = fm; y < ty || (y === ty && m <= tm); m === 12 ? ((y += 1), (m = 1)) : (m += 1)) {
    const length = daysIn(y, m);
    const first = y === fy && m === fm ? fd : 1;
    const last = y === ty && m === tm ? Math.min(td, length) : length;
    if (first <= 1 && last >= length) fullMonths.set(y, [...(fullMonths.get(y) ?? []), m]);
    else for (let d = first; d <= last; d++) days.push(`d${y}${pad2(m)}${pad2(d)}`);
  }
  const wholes: string[] = [];
  for (const [y, months] of fullMonths) {
    if (months.length === 12) wholes.push(`y${y}`);
    else wholes.push(...months.map((m) => `m${y}${pad2(m)}`));
  }
  return [...wholes, ...days];
}

export interface ScopeTokens {
  languages: readonly string[];
  sources: readonly string[];
  /** From dateRangeTokens; null when dates are unrestricted. */
  dates: readonly string[] | null;
}

/** `scope : (…)` clauses for the filters, "" when unrestricted. Dates must not be an empty list. */
export function scopeMatch({ languages, sources, dates }: ScopeTokens): string {
  const any = (tokens: readonly string[]) => `scope : (${tokens.join(" OR ")})`;
  return [
    languages.length ? any(languages.map((v) => scopeToken("l", v))) : "",
    sources.length ? any(sources.map((v) => scopeToken("s", v))) : "",
    dates ? any(dates) : "",
  ]
    .filter(Boolean)
    .join(" AND ");
}
