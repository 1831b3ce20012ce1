import { searchQuery } from "../http/params";
import { envelope, jsonResponse, listHeaders, readFailures, readParameters, ref, sharedResponse, type RouteContract } from "../http/openapi";
import { filterExamples } from "./articles.contract";
import { examples as ex } from "./schemas";

export const searchContract: RouteContract[] = [
  {
    method: "get",
    path: "/api/v1/search",
    query: searchQuery,
    queryExamples: { ...filterExamples, q: 'education "climate change" -war', sort: "relevance" },
    operation: {
      operationId: "searchArticles",
      summary: "Full-text search",
      description: 'Query language: words are ANDed; "exact phrase"; OR; -word or NOT word; word* prefix (at least 2 characters before the *: `a*` is the word a); parentheses; title:word, source:id, lang:xx. Any input is valid. `lang`, `source`, `from` and `to` are matched inside the full-text index. Paging goes 10,000 results deep, as for the listing. Totals are exact. Once older articles live in period databases (docs/CAPACITY.md), `sort=date` pages are the same as with every article in one database; `sort=relevance` finds the same matches with the same total, but bm25 scores rest on the statistics of each database, so the order of hits from different databases is approximate. Reads go through the D1 session (`x-d1-bookmark`).',
      parameters: readParameters,
      responses: {
        200: jsonResponse("One page of ranked hits", envelope({ type: "array", items: ref("SearchHit") }, true), ex.searchResult, listHeaders),
        400: sharedResponse("BadRequest"),
        ...readFailures,
      },
    },
  },
];
