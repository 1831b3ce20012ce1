import type { ResultPage } from "../domain";

export interface PageMeta {
  page: number;
  per_page: number;
  total: number;
  total_pages: number;
}

export interface PageLinks {
  self: string;
  first: string;
  prev: string | null;
  next: string | null;
  last: string;
}

/**
 * How deep offset paging goes: a page is read by skipping every result before it, so the
 * cost of page N grows with N. Listing, search, reader pages and feeds serve the first
 * MAX_RESULT_DEPTH results of any query; older ones are reached by narrowing it (`to=`).
 */
export const MAX_RESULT_DEPTH = 10_000;

/** The last page a client may request at this page size. */
export function lastReachablePage(perPage: number): number {
  return Math.max(1, Math.floor(MAX_RESULT_DEPTH / perPage));
}

/**
 * The address of each page of a result, as `URL.searchParams` would write it (`page` kept in
 * its place, dropped for page 1), from the query serialized once: a paged answer has up to five
 * links, and copying the whole URL (or its parameters) for each was a visible part of a miss's
 * CPU. The serialized query splits on `&` into one pair per parameter, in order (a `&` inside a
 * name or value is written `%26`).
 */
function pageUrls(url: URL): (page: number) => string {
  const base = `${url.origin}${url.pathname}`;
  const query = url.searchParams;
  const serialized = query.toString();
  const pairs = serialized ? serialized.split("&") : [];
  const names = [...query.keys()];
  const others = pairs.filter((_, i) => names[i] !== "page");
  // `set` replaces the first `page` where it stands (no other `page` precedes it) or appends one.
  const first = names.indexOf("page");
  const at = first < 0 ? others.length : first;
  const before = others.slice(0, at).join("&");
  const after = others.slice(at).join("&");
  const without = others.join("&");
  return (page) => {
    const search = page === 1 ? without : [before, `page=${page}`, after].filter(Boolean).join("&");
    return search ? `${base}?${search}` : base;
  };
}

export interface Paging {
  meta: PageMeta;
  links: PageLinks;
  /** The RFC 8288 `Link` header value (first, prev, next, last). */
  linkHeader: string;
  /** The paging headers every paged answer sends: `Link`, `X-Total-Count`, `X-Total-Pages`. */
  headers: Record<string, string>;
}

/**
 * Pagination metadata, links and headers for one page of results. The total is exact; pages
 * (and links) stop at the deepest one that may be requested.
 */
export function paginate<T>(result: ResultPage<T>, url: URL): Paging {
  const totalPages = Math.min(Math.max(1, Math.ceil(result.total / result.perPage)), lastReachablePage(result.perPage));
  const pageUrl = pageUrls(url);
  const links: PageLinks = {
    self: pageUrl(result.page),
    first: pageUrl(1),
    prev: result.page > 1 ? pageUrl(Math.min(result.page - 1, totalPages)) : null,
    next: result.page < totalPages ? pageUrl(result.page + 1) : null,
    last: pageUrl(totalPages),
  };
  const linkHeader = (["first", "prev", "next", "last"] as const)
    .filter((rel) => links[rel] !== null)
    .map((rel) => `<${links[rel]}>; rel="${rel}"`)
    .join(", ");
  return {
    meta: { page: result.page, per_page: result.perPage, total: result.total, total_pages: totalPages },
    links,
    linkHeader,
    headers: { link: linkHeader, "x-total-count": String(result.total), "x-total-pages": String(totalPages) },
  };
}

/** The request URL as clients should see it in links (PUBLIC_BASE_URL overrides the origin). */
export function publicUrl(requestUrl: string, base: string | undefined): URL {
  const url = new URL(requestUrl);
  if (!base) return url;
  const origin = new URL(base);
  url.protocol = origin.protocol;
  url.host = origin.host;
  return url;
}
