import { Hono } from "hono";
import { searchArticles } from "../db/search";
import { spanning } from "../db/shard-read";
import type { AppEnv } from "../env";
import { PUBLIC_CACHE_CONTROL } from "../http/headers";
import { paginate, publicUrl } from "../http/pagination";
import { echoFilters, parseParams, queryObject, searchQuery, toFilter, toPage } from "../http/params";

export const searchRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const url = publicUrl(c.req.url, c.env.PUBLIC_BASE_URL);
  const query = parseParams(searchQuery, queryObject(url));
  const result = await searchArticles(spanning(c.var.session(), c.env), { q: query.q, sort: query.sort, filter: toFilter(query), page: toPage(query) });
  const { meta, links, headers } = paginate(result, url);
  c.header("cache-control", PUBLIC_CACHE_CONTROL);
  const echo = { q: query.q, sort: query.sort, ...echoFilters(query) };
  return c.json({ data: result.items, meta: { ...meta, locale: c.get("locale"), query: echo }, links }, 200, headers);
});
