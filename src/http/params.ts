import * as z from "zod/mini";
import type { ArticleFilter, PageRequest } from "../domain";
import { invalidParameters, type FieldError } from "../errors/problem";
import { LOCALES } from "../i18n/locales";
import { lastReachablePage, MAX_RESULT_DEPTH } from "./pagination";

/**
 * Query-parameter schemas shared by the listing, search and feeds. Lists (`lang`, `source`)
 * may repeat or be comma separated. The same schemas feed the OpenAPI document.
 */
const languageTag = z.string().check(z.regex(/^[a-z]{2,3}$/, "must be a language code like en or zh"));
const sourceId = z.string().check(z.regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "must be a source id (a-z, 0-9, . _ -)"));
const day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD"), z.refine((v) => !Number.isNaN(Date.parse(v)), "must be a real calendar date"));

/** The form of every article id; anything else names no article (a 404, like an unknown id). */
export const ARTICLE_ID = /^[0-9a-f]{16}$/;

export const listingQuery = z.object({
  page: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100_000)), 1),
  per_page: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 10),
  lang: z._default(z.array(languageTag).check(z.maxLength(20)), []),
  source: z._default(z.array(sourceId).check(z.maxLength(50)), []),
  from: z.optional(day),
  to: z.optional(day),
  locale: z.optional(z.enum(LOCALES.map((l) => l.code))),
});

export type ListingQuery = z.infer<typeof listingQuery>;

/** Reads that take no filters still take the UI locale (resolved by the `apiLocale` middleware). */
export const localeQuery = z.object({ locale: listingQuery.shape.locale });

const LIST_PARAMS = new Set(["lang", "source"]);

/** URLSearchParams → plain object, list parameters split on commas and lower-cased. */
export function queryObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    out[key] = LIST_PARAMS.has(key)
      ? values.flatMap((v) => v.split(",")).map((v) => v.trim().toLowerCase()).filter(Boolean)
      : (values[values.length - 1] ?? "");
  }
  return out;
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.message && issue.message !== "Invalid input") return issue.message;
  switch (issue.code) {
    case "too_small":
      return issue.origin === "array" ? `must have at least ${issue.minimum} values` : `must be at least ${issue.minimum}`;
    case "too_big":
      return issue.origin === "array" ? `must have at most ${issue.maximum} values` : `must be at most ${issue.maximum}`;
    case "invalid_type":
      return issue.expected === "number" || issue.expected === "int" ? "must be an integer" : `must be a ${issue.expected}`;
    case "invalid_value":
      return `must be one of ${issue.values.join(", ")}`;
    default:
      return "is not valid";
  }
}

/** Validates a query object or throws a 400 problem naming every faulty parameter. */
export function parseParams<S extends z.ZodMiniType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data as z.infer<S>;
  // One entry per parameter: its first fault is the one worth fixing first.
  const byPath = new Map<string, FieldError>();
  for (const issue of result.error.issues) {
    const path = issue.path.filter((p) => typeof p === "string").join(".") || "query";
    if (!byPath.has(path)) byPath.set(path, { path, message: describe(issue) });
  }
  throw invalidParameters([...byPath.values()]);
}

export function toFilter(q: Pick<ListingQuery, "lang" | "source" | "from" | "to">): ArticleFilter {
  if (q.from && q.to && q.from > q.to) {
    throw invalidParameters([{ path: "from", message: "must not be after to" }]);
  }
  return { lang: q.lang, source: q.source, from: q.from ?? null, to: q.to ?? null };
}

/** The page asked for, refused (400 naming `page`) past the paging depth limit. */
export function toPage(q: Pick<ListingQuery, "page" | "per_page">): PageRequest {
  if (q.page > lastReachablePage(q.per_page)) {
    const message = `must be at most ${lastReachablePage(q.per_page)} at per_page=${q.per_page}: only the first ${MAX_RESULT_DEPTH} results are served; narrow the query (e.g. to=) to reach older ones`;
    throw invalidParameters([{ path: "page", message }]);
  }
  return { page: q.page, perPage: q.per_page };
}

export const searchQuery = z.object({
  ...listingQuery.shape,
  q: z.string().check(z.minLength(1, "is required (1 to 500 characters)"), z.maxLength(500, "must be at most 500 characters")),
  sort: z._default(z.enum(["relevance", "date"]), "relevance"),
});


/** The filters that applied, as the contract's `meta.query` echoes them. */
export function echoFilters(q: { lang: string[]; source: string[]; from?: string; to?: string }) {
  return {
    ...(q.lang.length ? { lang: q.lang } : {}),
    ...(q.source.length ? { source: q.source } : {}),
    ...(q.from ? { from: q.from } : {}),
    ...(q.to ? { to: q.to } : {}),
  };
}
