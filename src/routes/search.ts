import { Hono } from "hono";
import type { AppEnv } from "../env";
import { searchArticles } from "../db/search";
import { PUBLIC_CACHE_CONTROL } from "./articles";
import { paginate, publicUrl } from "./pagination";
import { echoFilters, parseParams, queryObject, searchQuery, toFilter, toPage } from "./params";

export const searchRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const url = publicUrl(c.req.url, c.env.PUBLIC_BASE_URL);
  const query = parseParams(searchQuery, queryObject(url));
  const result = await searchArticles(c.var.session(), { q: query.q, sort: query.sort, filter: toFilter(query), page: toPage(query) });
  const { meta, links, linkHeader } = paginate(result, url);
  c.header("link", linkHeader);
  c.header("x-total-count", String(meta.total));
  c.header("x-total-pages", String(meta.total_pages));
  c.header("cache-control", PUBLIC_CACHE_CONTROL);
  return c.json({
    data: result.items,
    meta: {
      ...meta,
      locale: c.get("locale"),
      query: { q: query.q, sort: query.sort, ...echoFilters(query) },
    },
    links,
  });
});
