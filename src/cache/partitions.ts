import { LOCALES } from "../i18n/locales";

/**
 * The content is versioned in partitions, so a change retires only the cached answers that
 * could show it:
 *
 * | partition   | bumped by                                                  | cached answers keyed on it                         |
 * |-------------|------------------------------------------------------------|----------------------------------------------------|
 * | `*`         | anything not narrower: source renamed, deleted or imported, search index rebuilt, articles changed without saying where | every answer |
 * | `all`       | every article change                                       | unfiltered listings, searches, feeds; details; sitemaps |
 * | `lang:{xx}` | an article stored, edited or moved out of language `xx`    | listings, searches, feeds filtered by `lang` (no `source`) |
 * | `src:{id}`  | an article of source `id` stored or edited                 | listings, searches, feeds filtered by `source`     |
 * | `sources`   | a source created or changed, its article count or ingestion health changed | the source list (`/api/v1/sources`, `/{locale}/sources`) |
 *
 * A detail depends on `all`, not on its own language: it shows its story's translations, and a
 * translation added in any language changes it; which languages its story spans is only known
 * once the handler has read it, after the cache key is chosen. A reader page of one language
 * still lists the sources (the filter form): a rename bumps `*`, and a new source joins the
 * form (the busiest sources) once a refresh stored its articles.
 */
export type Partition = "*" | "all" | "sources" | `lang:${string}` | `src:${string}`;

/** Every partition's version: millisecond stamps; each bump gives a value above every existing one. */
export interface Versions {
  /** The highest version of partitions that were pruned (version.ts); every answer depends on it. */
  floor: number;
  parts: Record<string, number>;
  /**
   * For partitions bumped lately (within STALE_MAX_MS), the version each had before its last
   * bump: what the answers it retired were filed under, so they can be served stale while one
   * request rebuilds them (stale.ts). Absent for bumps this isolate made itself (version.ts).
   */
  prev?: Record<string, number>;
}

/** Before any change. */
export const NO_VERSIONS: Versions = { floor: 0, parts: {} };

/** A filtered answer keyed on more partitions than this is keyed on `all` instead: it would be retired as often. */
const MAX_DEPENDENCIES = 8;

const LOCALE_CODES = LOCALES.map((l) => l.code).join("|");
/** Answers that filter articles by `lang` and `source`: the listing, search and feeds, as JSON or reader pages. */
const FILTERED = new RegExp(`^(?:/api/v1/articles|/api/v1/search|/feeds/[^/]+|/(?:${LOCALE_CODES})/|/(?:${LOCALE_CODES})/search)$`);

/** The source list, as JSON or a reader page: it shows sources, not articles. */
const SOURCE_LIST = new RegExp(`^(?:/api/v1/sources|/(?:${LOCALE_CODES})/sources)$`);

function listValues(params: URLSearchParams, name: string): string[] {
  const values = params.getAll(name).flatMap((v) => v.split(",")).map((v) => v.trim().toLowerCase()).filter(Boolean);
  return [...new Set(values)].sort();
}

/**
 * The partitions the answer at this URL depends on, besides `*` and the floor. Takes the raw URL
 * string: this runs on every memory hit. The filters are read as the handlers read them
 * (http/params.ts: repeated or comma separated, trimmed, lower-cased); a listing filtered by
 * both source and language shows only articles of those sources, so the sources suffice.
 */
export function dependenciesOf(url: string): Partition[] {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const query = url.indexOf("?", start);
  const path = query < 0 ? url.slice(start) : url.slice(start, query);
  if (SOURCE_LIST.test(path)) return ["sources"];
  if (query < 0 || !FILTERED.test(path)) return ["all"];
  const params = new URLSearchParams(url.slice(query + 1).split("#")[0]);
  const sources = listValues(params, "source");
  const languages = listValues(params, "lang");
  const deps: Partition[] = sources.length ? sources.map((s) => `src:${s}` as const) : languages.map((l) => `lang:${l}` as const);
  return deps.length && deps.length <= MAX_DEPENDENCIES ? deps : ["all"];
}

/**
 * The version an answer is keyed under: the newest of its partitions. Versions only grow and a
 * bump gives a value above every existing one, so this changes exactly when one of them is bumped.
 * Prefixed so it never equals a key of the single-version scheme this replaced.
 */
export function versionOf(versions: Versions, deps: readonly Partition[]): string {
  return `p${stampOf(versions, deps).toString(36)}`;
}

/** The version as a number: the stamp of the newest bump of what the answer depends on (stored in each entry). */
export function stampOf(versions: Versions, deps: readonly Partition[]): number {
  let newest = epochOf(versions);
  for (const dep of deps) newest = Math.max(newest, versions.parts[dep] ?? 0);
  return newest;
}

/**
 * The version the answer had before the latest bumps of its partitions, as far as `prev` says:
 * the newest of the floor, `*` and each dependency's version before its last bump. Equal to
 * `stampOf` when none of them carries a previous version.
 */
export function previousStampOf(versions: Versions, deps: readonly Partition[]): number {
  let newest = epochOf(versions);
  for (const dep of deps) newest = Math.max(newest, versions.prev?.[dep] ?? versions.parts[dep] ?? 0);
  return newest;
}

/**
 * `after` with the previous versions of the partitions bumped since `before` (and those `before`
 * still carried for partitions not bumped since), keeping only bumps newer than `since`: older
 * ones are past the stale bound and need no previous version.
 */
export function withPrevious(before: Versions, after: Versions, since: number): Versions {
  const prev: Record<string, number> = {};
  for (const [name, version] of Object.entries(after.parts)) {
    if (version < since) continue;
    const old = before.parts[name];
    if (old === undefined || old < version) prev[name] = old ?? 0;
    else if (old === version && before.prev?.[name] !== undefined) prev[name] = before.prev[name];
  }
  return { floor: after.floor, parts: after.parts, ...(Object.keys(prev).length ? { prev } : {}) };
}

/** What retires every answer at once (memory-tier.ts empties itself when it moves). */
export function epochOf(versions: Versions): number {
  return Math.max(versions.floor, versions.parts["*"] ?? 0);
}
