import * as z from "zod/mini";
import { listingQuery, queryObject, searchQuery } from "../http/params";

/**
 * The reader pages accept the API's filters, validated by the API's own schemas. Page size is
 * fixed at ten, so `per_page` is not among them; unknown parameters are ignored.
 */
const { page, lang, source, from, to } = listingQuery.shape;

export const listingPageQuery = z.object({ page, lang, source, from, to });

export const searchPageQuery = z.object({
  page,
  lang,
  source,
  from,
  to,
  // Optional here: an empty search shows the search prompt instead of an error.
  q: z.optional(z.string().check(z.maxLength(500, "must be at most 500 characters"))),
  sort: searchQuery.shape.sort,
});

/** The source directory: a page and an optional prefix of a source's name or id. */
export const sourcesPageQuery = z.object({
  page,
  q: z.optional(z.string().check(z.maxLength(100, "must be at most 100 characters"))),
});

/**
 * Query parameters as the schemas expect them. Empty values count as absent, because an
 * HTML form submits its untouched fields (`from=&to=`) and that must not be an error.
 */
export function pageQuery(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(queryObject(url))) {
    if (Array.isArray(value) ? value.length > 0 : value.trim() !== "") out[name] = value;
  }
  return out;
}
