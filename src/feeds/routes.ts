import { Hono, type MiddlewareHandler } from "hono";
import { listArticles } from "../db/articles";
import { searchArticles } from "../db/search";
import { spanning } from "../db/shard-read";
import type { ArticleSummary } from "../domain";
import type { AppEnv } from "../env";
import { notFound } from "../errors/problem";
import { renderAtom, renderJsonFeed, renderRss, type FeedInfo } from "./render";
import { isLocale, LOCALES, type Locale } from "../i18n/locales";
import { PUBLIC_CACHE_CONTROL } from "../http/headers";
import { publicUrl } from "../http/pagination";
import { parseParams, queryObject, toFilter } from "../http/params";
import { feedQuery } from "./input";

const FORMATS = {
  rss: { type: "application/rss+xml; charset=utf-8", render: renderRss },
  atom: { type: "application/atom+xml; charset=utf-8", render: renderAtom },
  json: { type: "application/feed+json; charset=utf-8", render: renderJsonFeed },
} as const;

const TITLES: Record<Locale, [string, string]> = {
  en: ["Edge News", "Latest stories from the news clearinghouse"],
  fr: ["Edge News", "Les derniers articles du centre d'information"],
  es: ["Edge News", "Las últimas noticias del centro de información"],
  ru: ["Edge News", "Последние материалы информационного центра"],
  ar: ["Edge News", "أحدث الأخبار من مركز تبادل المعلومات"],
  zh: ["Edge News", "新闻信息中心的最新报道"],
  ko: ["Edge News", "뉴스 정보 센터의 최신 기사"],
};

const FILE = /^([a-z]{2})\.(rss|atom|json)$/;

/** Sets the UI locale from the feed's file name, before the response cache computes its key. */
export function feedLocale(): MiddlewareHandler<AppEnv> {
  return async function feedLocaleMiddleware(c, next) {
    const match = FILE.exec(c.req.path.split("/").pop() ?? "");
    if (!match || !isLocale(match[1])) throw notFound(`No feed at ${c.req.path}; try /feeds/en.rss, .atom or .json.`);
    c.set("locale", match[1]);
    await next();
  };
}

/** `/feeds/{locale}.{rss|atom|json}`: the listing (or a saved search with `q`) as a feed. */
export const feedsRoutes = new Hono<AppEnv>().get("/:file", async (c) => {
  const locale = c.get("locale");
  const format = FORMATS[FILE.exec(c.req.param("file"))![2] as keyof typeof FORMATS];
  const url = publicUrl(c.req.url, c.env.PUBLIC_BASE_URL);
  const query = parseParams(feedQuery, queryObject(url));
  const page = { page: 1, perPage: query.per_page };
  const db = spanning(c.var.session(), c.env);
  const items: ArticleSummary[] = query.q
    ? (await searchArticles(db, { q: query.q, sort: "date", filter: toFilter(query), page })).items
    : (await listArticles(db, toFilter(query), page)).items;
  const [title, description] = TITLES[locale];
  const name = LOCALES.find((l) => l.code === locale)!.name;
  const info: FeedInfo = {
    title: query.q ? `${title}: ${query.q}` : `${title} (${name})`,
    description,
    locale,
    homeUrl: `${url.origin}/${locale}/${query.q ? `search?q=${encodeURIComponent(query.q)}` : ""}`,
    feedUrl: url.href,
    siteUrl: url.origin,
    updated: items[0]?.published_at ?? new Date(0).toISOString().replace(".000", ""),
  };
  c.header("cache-control", PUBLIC_CACHE_CONTROL);
  c.header("content-language", locale);
  if (items[0]) c.header("last-modified", new Date(items[0].published_at).toUTCString());
  return c.body(format.render(info, items), 200, { "content-type": format.type });
});
