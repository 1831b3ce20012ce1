import { Hono, type MiddlewareHandler } from "hono";
import { responseCache } from "../../cache/response-cache";
import { spanning } from "../../db/shard-read";
import { lastArticleKey, newsArticles, sitemapArticles } from "../../db/sitemaps";
import type { AppEnv } from "../../env";
import { notFound } from "../../errors/problem";
import { PUBLIC_CACHE_CONTROL } from "../../http/headers";
import { publicUrl } from "../../http/pagination";
import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from "../../i18n/locales";
import { messages } from "../../i18n/messages";
import { hreflangSet } from "../story-group";
import { articlePath, homeLocale } from "../urls";
import { robotsTxt } from "./robots";
import { newsSitemap, pagesSitemap, sitemapIndex, type PageEntry } from "./xml";

/**
 * Articles (by `pk`) per sitemap file. The protocol allows 50,000 URLs and 50 MB; each URL here
 * carries eight or more hreflang links, well over a kilobyte, so 2,000 keeps a file at a few MB:
 * one bounded range read and a quick render on a cache miss, a cache entry far below KV's value
 * limit, and still room for some 14 million articles in one index (50,000 files / 7 locales).
 */
export const SITEMAP_SPAN = 2_000;
/** Google News reads articles of the last two days, at most 1,000 per sitemap. */
export const NEWS_WINDOW_MS = 2 * 86_400_000;
export const NEWS_LIMIT = 1_000;
const INDEX_LIMIT = 50_000;

export const INDEX_PATH = "/sitemap.xml";
export const NEWS_PATH = "/sitemap-news.xml";
const XML_TYPE = "application/xml; charset=utf-8";

/** `/sitemaps/{locale}-{n}.xml`, numbered from 1, without leading zeros: one name per file. */
export const FILE = new RegExp(`^(${LOCALES.map((l) => l.code).join("|")})-([1-9][0-9]{0,8})\\.xml$`);
const filePath = (locale: Locale, n: number) => `/sitemaps/${locale}-${n}.xml`;

/** Google News takes ISO 639 codes, except Chinese, which it wants with its script's region. */
const newsLanguage = (language: string) => (language === "zh" ? "zh-cn" : language);

/** The UI locale the response cache keys a sitemap on: the file's, else the default. */
function sitemapLocale(): MiddlewareHandler<AppEnv> {
  return async function sitemapLocaleMiddleware(c, next) {
    const match = FILE.exec(c.req.path.split("/").pop() ?? "");
    c.set("locale", match && isLocale(match[1]) ? match[1] : DEFAULT_LOCALE);
    await next();
  };
}

const xml = (body: string) => new Response(body, { headers: { "content-type": XML_TYPE, "cache-control": PUBLIC_CACHE_CONTROL } });

/** `/robots.txt`, `/sitemap.xml` and the files it lists, `/sitemap-news.xml`. */
export const sitemapRoutes = new Hono<AppEnv>();

// robots.txt reads no storage and depends on the origin only: the response cache would save
// nothing. The app-wide ETag still answers conditional requests.
sitemapRoutes.get("/robots.txt", (c) => {
  const { origin } = publicUrl(c.req.url, c.env.PUBLIC_BASE_URL);
  c.header("cache-control", "public, max-age=3600");
  return c.text(robotsTxt(origin, [INDEX_PATH, NEWS_PATH]));
});

sitemapRoutes.use(INDEX_PATH, sitemapLocale(), responseCache());
sitemapRoutes.use("/sitemaps/*", sitemapLocale(), responseCache());
sitemapRoutes.use(NEWS_PATH, sitemapLocale(), responseCache());

sitemapRoutes.get(INDEX_PATH, async (c) => {
  const { origin } = publicUrl(c.req.url, c.env.PUBLIC_BASE_URL);
  const files = Math.max(1, Math.ceil((await lastArticleKey(spanning(c.var.session(), c.env))) / SITEMAP_SPAN));
  // Past INDEX_LIMIT files the site needs an index per locale; that is some 14 million articles.
  const perLocale = Math.min(files, Math.floor(INDEX_LIMIT / LOCALES.length));
  const locs = LOCALES.flatMap(({ code }) => Array.from({ length: perLocale }, (_, i) => origin + filePath(code, i + 1)));
  return xml(sitemapIndex(locs));
});

sitemapRoutes.get("/sitemaps/:file", async (c) => {
  const match = FILE.exec(c.req.param("file"));
  if (!match) throw notFound(`No sitemap at ${c.req.path}; the sitemap index ${INDEX_PATH} lists them all.`);
  const locale = match[1] as Locale;
  const n = Number(match[2]);
  const db = spanning(c.var.session(), c.env);
  if (n > 1 && (n - 1) * SITEMAP_SPAN >= (await lastArticleKey(db))) throw notFound(`There is no sitemap ${n} yet; the sitemap index ${INDEX_PATH} lists them all.`);
  const { origin } = publicUrl(c.req.url, c.env.PUBLIC_BASE_URL);
  const entries: PageEntry[] = [];
  for (const article of await sitemapArticles(db, (n - 1) * SITEMAP_SPAN, n * SITEMAP_SPAN)) {
    const alternates = hreflangSet(origin, article, article.translations);
    const loc = origin + articlePath(locale, article);
    // A page outside its story's set names another page canonical: sitemaps list canonical pages only.
    if (alternates.some((a) => a.href === loc)) entries.push({ loc, lastmod: article.updated_at, alternates });
  }
  return xml(pagesSitemap(entries));
});

sitemapRoutes.get(NEWS_PATH, async (c) => {
  const { origin } = publicUrl(c.req.url, c.env.PUBLIC_BASE_URL);
  const since = new Date(Date.now() - NEWS_WINDOW_MS).toISOString().replace(/\.\d{3}Z$/, "Z");
  const articles = await newsArticles(c.var.session(), since, NEWS_LIMIT);
  const entries = articles.map((a) => {
    const home = homeLocale(a.language);
    return { loc: origin + articlePath(home, a), publication: messages(home).site.name, language: newsLanguage(a.language), published: a.published_at, title: a.title };
  });
  return xml(newsSitemap(entries));
});
