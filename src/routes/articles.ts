import { Hono } from "hono";
import { getArticle, listArticles } from "../db/articles";
import { database } from "../db/client";
import type { AppEnv } from "../env";
import { invalidParameters, notFound } from "../errors/problem";
import { paginate, publicUrl } from "./pagination";
import { echoFilters, listingQuery, parseParams, queryObject, toFilter, toPage } from "./params";

export const PUBLIC_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300";

export const articlesRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const url = publicUrl(c.req.url, c.env.PUBLIC_BASE_URL);
    const query = parseParams(listingQuery, queryObject(url));
    const result = await listArticles(database(c.var.session()), toFilter(query), toPage(query));
    const { meta, links, linkHeader } = paginate(result, url);
    c.header("link", linkHeader);
    c.header("x-total-count", String(meta.total));
    c.header("x-total-pages", String(meta.total_pages));
    c.header("cache-control", PUBLIC_CACHE_CONTROL);
    return c.json({ data: result.items, meta: { ...meta, locale: c.get("locale"), query: echoFilters(query) }, links });
  })
  .get("/:id", async (c) => {
    const id = c.req.param("id");
    if (!/^[0-9a-f]{16}$/.test(id)) {
      throw invalidParameters([{ path: "id", message: "must be a 16-digit lowercase hexadecimal article id" }]);
    }
    const article = await getArticle(database(c.var.session()), id);
    if (!article) throw notFound(`No article with id ${id}.`);
    c.header("cache-control", PUBLIC_CACHE_CONTROL);
    c.header("last-modified", new Date(article.updated_at).toUTCString());
    return c.json({ data: article, meta: { locale: c.get("locale") } });
  });
