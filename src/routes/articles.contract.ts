import { listingQuery, localeQuery } from "../http/params";
import { envelope, header, jsonResponse, listHeaders, pathParameter, readFailures, readHeaders, readParameters, ref, sharedResponse, type RouteContract } from "../http/openapi";
import { examples as ex } from "./schemas";

/** Example values of the filters shared by the listing and search. */
export const filterExamples = { page: 1, per_page: 10, lang: ["fr", "ar"], source: ["un-news-fr"], from: "2026-11-01", to: "2026-11-30", locale: "en" };

export const articlesContract: RouteContract[] = [
  {
    method: "get",
    path: "/api/v1/articles",
    query: listingQuery,
    queryExamples: filterExamples,
    operation: {
      operationId: "listArticles",
      summary: "List articles, newest first",
      description:
        "Paging goes 10,000 results deep: `page * per_page` above 10000 is a 400 problem naming `page`; `meta.total` stays exact while `total_pages` and the links stop at the last page that may be requested. Query parameters the route does not read are ignored (the answer names its address in `Content-Location`).",
      parameters: readParameters,
      responses: {
        200: jsonResponse("One page of articles", envelope({ type: "array", items: ref("ArticleSummary") }, true), { data: [ex.article], meta: ex.pageMeta, links: ex.pageLinks }, listHeaders),
        400: sharedResponse("BadRequest"),
        ...readFailures,
      },
    },
  },
  {
    method: "get",
    path: "/api/v1/articles/{id}",
    query: localeQuery,
    queryExamples: { locale: "fr" },
    operation: {
      operationId: "getArticle",
      summary: "One article with its sanitized body and translations",
      description:
        "Any id that names no article, whatever its form, is a 404 problem. `translations` lists the story's other languages; once older articles live in period databases (docs/CAPACITY.md), only those in the article's database or in one within three days of it.",
      parameters: [pathParameter("id", ex.article.id), ...readParameters],
      responses: {
        200: jsonResponse("The article", envelope(ref("ArticleDetail"), false), { data: ex.articleDetail, meta: { locale: "en" } }, { ...readHeaders, "Last-Modified": header("When the article last changed") }),
        404: sharedResponse("NotFound"),
        ...readFailures,
      },
    },
  },
];
