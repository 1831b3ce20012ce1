import { Hono } from "hono";
import { readArticle } from "../archive/read";
import { listArticles } from "../db/articles";
import { spanning } from "../db/shard-read";
import type { AppEnv } from "../env";
import { notFound } from "../errors/problem";
import { PUBLIC_CACHE_CONTROL } from "../http/headers";
import { paginate, publicUrl } from "../http/pagination";
import { ARTICLE_ID, echoFilters, listingQuery, parseParams, queryObject, toFilter, toPage } from "../http/params";

export const articlesRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const url = publicUrl(c.req.url, c.env.PUBLIC_BASE_URL);
    const query = parseParams(listingQuery, queryObject(url));
    const result = await listArticles(spanning(c.var.session(), c.env), toFilter(query), toPage(query));
    const { meta, links, headers } = paginate(result, url);
    c.header("cache-control", PUBLIC_CACHE_CONTROL);
    return c.json({ data: result.items, meta: { ...meta, locale: c.get("locale"), query: echoFilters(query) }, links }, 200, headers);
  })
  .get("/:id", async (c) => {
    const id = c.req.param("id");
    const article = ARTICLE_ID.test(id) ? await readArticle(spanning(c.var.session(), c.env), c.env.ARCHIVE, id) : null;
    if (!article) throw notFound(`No article with id ${id}.`);
    c.header("cache-control", PUBLIC_CACHE_CONTROL);
    c.header("last-modified", new Date(article.updated_at).toUTCString());
    return c.json({ data: article, meta: { locale: c.get("locale") } });
  });
