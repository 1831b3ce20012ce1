import { Hono } from "hono";
import { getArticle, listArticles } from "../db/articles";
import { database } from "../db/client";
import { searchArticles } from "../db/search";
import type { AppEnv } from "../env";
import { notFound } from "../errors/problem";
import { fill, formatNumber } from "../i18n/format";
import { LOCALES, resolveLocale } from "../i18n/locales";
import { messages } from "../i18n/messages";
import { publicUrl } from "../routes/pagination";
import { parseParams, toFilter } from "../routes/params";
import { AdvancedSearchPage } from "./advanced-search";
import { ADVANCED_FIELDS, advancedTarget } from "./advanced-query";
import { DetailHead, DetailPage } from "./detail";
import { ErrorPage } from "./error-page";
import { pageCache } from "./page-cache";
import { onPageError } from "./page-errors";
import { Layout } from "./layout";
import { ListingPage } from "./listing";
import { listingPageQuery, pageQuery, searchPageQuery } from "./page-params";
import { readerPage } from "./reader-headers";
import { htmlPage } from "./render";
import { SearchPage } from "./search";
import { siteOptions } from "./site-options";
import { canonicalHref, storyAlternates } from "./story-group";
import { articlePath, homePath, PER_PAGE, searchPath, underLocale } from "./urls";

/** A path prefix that only matches the seven UI locales. */
const L = `/:locale{(?:${LOCALES.map((l) => l.code).join("|")})}`;

const ARTICLE_ID = /^[0-9a-f]{16}$/;

/** Feed addresses follow the page's filters (and search words), like the feeds contract allows. */
function feedQuery(filter: { lang: string[]; source: string[] }, q?: string): string {
  const params = new URLSearchParams();
  if (filter.lang.length) params.set("lang", filter.lang.join(","));
  if (filter.source.length) params.set("source", filter.source.join(","));
  if (q) params.set("q", q);
  const query = params.toString();
  return query ? `?${query}` : "";
}

function pageTitle(title: string, page: number, template: string, locale: Parameters<typeof formatNumber>[0]): string {
  return page > 1 ? `${title} · ${fill(template, { page: formatNumber(locale, page) })}` : title;
}

/** Reader pages (server-rendered HTML); see the contract's "Reader pages". */
export const pagesRoutes = new Hono<AppEnv>();

pagesRoutes.onError(onPageError);

pagesRoutes.get("/", (c) => {
  const { locale } = resolveLocale(null, c.req.query("locale") ?? null, c.req.header("accept-language") ?? null);
  c.header("vary", "Accept-Language");
  c.header("cache-control", "private, max-age=60");
  return c.redirect(homePath(locale), 302);
});

pagesRoutes.get(L, (c) => c.redirect(`/${c.req.param("locale")}/${new URL(c.req.url).search}`, 301));

pagesRoutes.use(`${L}/*`, readerPage());
pagesRoutes.use(`${L}/*`, pageCache());

pagesRoutes.get(`${L}/`, async (c) => {
  const locale = c.get("locale");
  const t = messages(locale);
  const url = new URL(c.req.url);
  const query = parseParams(listingPageQuery, pageQuery(url));
  const filter = toFilter(query);
  const db = database(c.env.DB);
  const [result, options] = await Promise.all([listArticles(db, filter, { page: query.page, perPage: PER_PAGE }), siteOptions(db, locale)]);
  if (result.page > 1 && result.items.length === 0) throw notFound(`There is no page ${result.page}.`);
  return htmlPage(
    c,
    <Layout locale={locale} t={t} title={pageTitle(t.listing.title, result.page, t.pagination.page, locale)} switchTo={(l) => underLocale(url, l)} feedQuery={feedQuery(filter)}>
      <ListingPage locale={locale} t={t} url={url} result={result} filter={filter} {...options} />
    </Layout>,
  );
});

pagesRoutes.get(`${L}/search`, async (c) => {
  const locale = c.get("locale");
  const t = messages(locale);
  const url = new URL(c.req.url);
  if (ADVANCED_FIELDS.some((f) => url.searchParams.has(f))) return c.redirect(advancedTarget(url, searchPath(locale), homePath(locale)), 302);
  const query = parseParams(searchPageQuery, pageQuery(url));
  const filter = toFilter(query);
  const q = query.q?.trim() ?? "";
  const [result, options] = q
    ? await Promise.all([
        searchArticles(c.env.DB, { q, sort: query.sort, filter, page: { page: query.page, perPage: PER_PAGE } }),
        siteOptions(database(c.env.DB), locale),
      ])
    : [null, { languages: [], sources: [] }];
  if (result && result.page > 1 && result.items.length === 0) throw notFound(`There is no page ${result.page}.`);
  const title = q ? `${q} — ${t.search.title}` : t.search.title;
  return htmlPage(
    c,
    <Layout locale={locale} t={t} title={pageTitle(title, query.page, t.pagination.page, locale)} switchTo={(l) => underLocale(url, l)} feedQuery={feedQuery(filter, q)} searchText={q}>
      <SearchPage locale={locale} t={t} url={url} q={q} sort={query.sort} result={result} filter={filter} {...options} />
    </Layout>,
  );
});

pagesRoutes.get(`${L}/search/advanced`, async (c) => {
  const locale = c.get("locale");
  const t = messages(locale);
  const url = new URL(c.req.url);
  const query = parseParams(searchPageQuery, pageQuery(url));
  const options = await siteOptions(database(c.env.DB), locale);
  return htmlPage(
    c,
    <Layout locale={locale} t={t} title={t.advanced.title} switchTo={(l) => underLocale(url, l)}>
      <AdvancedSearchPage locale={locale} t={t} filter={toFilter(query)} sort={query.sort} {...options} />
    </Layout>,
  );
});

pagesRoutes.get(`${L}/news/:id/:slug?`, async (c) => {
  const locale = c.get("locale");
  const t = messages(locale);
  const url = publicUrl(c.req.url, c.env.PUBLIC_BASE_URL);
  const id = c.req.param("id");
  const article = ARTICLE_ID.test(id) ? await getArticle(database(c.env.DB), id) : null;
  if (!article) throw notFound(`No article with id ${id}.`);
  // One address per article and locale: outdated or missing slugs move to the current one.
  if (c.req.param("slug") !== article.slug) return c.redirect(`${articlePath(locale, article)}${url.search}`, 301);
  const canonical = canonicalHref(url.origin, article);
  const alternates = storyAlternates(url.origin, article);
  return htmlPage(
    c,
    <Layout
      locale={locale}
      t={t}
      title={article.title}
      description={article.summary}
      switchTo={(l) => underLocale(url, l)}
      head={<DetailHead t={t} article={article} canonical={canonical} alternates={alternates} />}
    >
      <DetailPage locale={locale} t={t} article={article} alternates={alternates} />
    </Layout>,
  );
});

pagesRoutes.get(`${L}/*`, async (c) => {
  const locale = c.get("locale");
  const t = messages(locale);
  return htmlPage(
    c,
    <Layout locale={locale} t={t} title={t.errors.notFoundTitle} switchTo={homePath}>
      <ErrorPage locale={locale} t={t} kind="not_found" />
    </Layout>,
    404,
  );
});
