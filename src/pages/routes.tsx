import { type Context, Hono } from "hono";
import { readArticle } from "../archive/read";
import { listArticles } from "../db/articles";
import { searchArticles } from "../db/search";
import { spanning } from "../db/shard-read";
import { listSourcesPage } from "../db/sources";
import type { AppEnv } from "../env";
import { notFound } from "../errors/problem";
import { LOCALES, resolveLocale } from "../i18n/locales";
import { messages } from "../i18n/messages";
import { lastReachablePage, publicUrl } from "../http/pagination";
import { ARTICLE_ID, parseParams, toFilter, toPage } from "../http/params";
import { AdvancedSearchPage } from "./advanced-search";
import { ADVANCED_FIELDS, advancedTarget } from "./advanced-query";
import { DetailHead, DetailPage } from "./detail";
import { ErrorPage } from "./error-page";
import { responseCache } from "../cache/response-cache";
import { partitionsVersion } from "../cache/version";
import { Layout, pagedTitle } from "./layout";
import { ListingPage } from "./listing";
import { listingPageQuery, pageQuery, searchPageQuery, sourcesPageQuery } from "./page-params";
import { readerPage } from "./reader-headers";
import { htmlPage } from "./render";
import { SearchPage } from "./search";
import { SourcesPage } from "./sources";
import { siteOptions } from "./site-options";
import { canonicalHref, hreflangSet, storyAlternates } from "./story-group";
import { articlePath, feedQuery, homePath, PER_PAGE, searchPath, SOURCES_PER_PAGE, underLocale } from "./urls";

/**
 * The version the filter forms' source list is kept under: the `sources` partition moves with
 * every change of a source or of article counts (cache/partitions.ts).
 */
const knownVersion = async (c: Context<AppEnv>) => (await partitionsVersion(c.env.CACHE, ["sources"])).version;

/** A path prefix that only matches the seven UI locales. */
const L = `/:locale{(?:${LOCALES.map((l) => l.code).join("|")})}`;

/** Reader pages (server-rendered HTML); see the contract's "Reader pages". */
// Their failures reach the app-wide handler, which renders them with onPageError.
export const pagesRoutes = new Hono<AppEnv>();

pagesRoutes.get("/", (c) => {
  const { locale } = resolveLocale(null, c.req.query("locale") ?? null, c.req.header("accept-language") ?? null);
  c.header("vary", "Accept-Language");
  c.header("cache-control", "private, max-age=60");
  return c.redirect(homePath(locale), 302);
});

pagesRoutes.get(L, (c) => c.redirect(`/${c.req.param("locale")}/${new URL(c.req.url).search}`, 301));

pagesRoutes.use(`${L}/*`, readerPage());
pagesRoutes.use(`${L}/*`, responseCache({ params: [...Object.keys(searchPageQuery.shape), ...ADVANCED_FIELDS] }));

pagesRoutes.get(`${L}/`, async (c) => {
  const locale = c.get("locale");
  const t = messages(locale);
  const url = new URL(c.req.url);
  const query = parseParams(listingPageQuery, pageQuery(url));
  const filter = toFilter(query);
  const db = c.var.session();
  const [result, options] = await Promise.all([listArticles(spanning(c.var.session(), c.env), filter, toPage({ page: query.page, per_page: PER_PAGE })), siteOptions(spanning(db, c.env), locale, filter.source, await knownVersion(c))]);
  if (result.page > 1 && result.items.length === 0) throw notFound(`There is no page ${result.page}.`);
  return htmlPage(
    c,
    <Layout locale={locale} t={t} title={pagedTitle(t, locale, t.listing.title, result.page)} switchTo={(l) => underLocale(url, l)} feedQuery={feedQuery(filter)}>
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
        searchArticles(spanning(c.var.session(), c.env), { q, sort: query.sort, filter, page: toPage({ page: query.page, per_page: PER_PAGE }) }),
        siteOptions(spanning(c.var.session(), c.env), locale, filter.source, await knownVersion(c)),
      ])
    : [null, { languages: [], sources: [], moreSources: false }];
  if (result && result.page > 1 && result.items.length === 0) throw notFound(`There is no page ${result.page}.`);
  const title = q ? `${q} — ${t.search.title}` : t.search.title;
  return htmlPage(
    c,
    <Layout locale={locale} t={t} title={pagedTitle(t, locale, title, query.page)} switchTo={(l) => underLocale(url, l)} feedQuery={feedQuery(filter, q)} searchText={q}>
      <SearchPage locale={locale} t={t} url={url} q={q} sort={query.sort} result={result} filter={filter} {...options} />
    </Layout>,
  );
});

pagesRoutes.get(`${L}/search/advanced`, async (c) => {
  const locale = c.get("locale");
  const t = messages(locale);
  const url = new URL(c.req.url);
  const query = parseParams(searchPageQuery, pageQuery(url));
  const filter = toFilter(query);
  const options = await siteOptions(spanning(c.var.session(), c.env), locale, filter.source, await knownVersion(c));
  return htmlPage(
    c,
    <Layout locale={locale} t={t} title={t.advanced.title} switchTo={(l) => underLocale(url, l)}>
      <AdvancedSearchPage locale={locale} t={t} filter={filter} sort={query.sort} {...options} />
    </Layout>,
  );
});

pagesRoutes.get(`${L}/sources`, async (c) => {
  const locale = c.get("locale");
  const t = messages(locale);
  const url = new URL(c.req.url);
  const query = parseParams(sourcesPageQuery, pageQuery(url));
  const q = query.q?.trim() ?? "";
  const page = toPage({ page: query.page, per_page: SOURCES_PER_PAGE });
  const result = await listSourcesPage(c.var.session(), { lang: [], prefix: q || null, enabled: null }, page);
  if (result.page > 1 && result.items.length === 0) throw notFound(`There is no page ${result.page}.`);
  const totalPages = Math.min(Math.max(1, Math.ceil(result.total / result.perPage)), lastReachablePage(result.perPage));
  return htmlPage(
    c,
    <Layout locale={locale} t={t} title={pagedTitle(t, locale, t.sources.title, result.page)} switchTo={(l) => underLocale(url, l)}>
      <SourcesPage locale={locale} t={t} url={url} q={q} result={result} totalPages={totalPages} />
    </Layout>,
  );
});

pagesRoutes.get(`${L}/news/:id/:slug?`, async (c) => {
  const locale = c.get("locale");
  const t = messages(locale);
  const url = publicUrl(c.req.url, c.env.PUBLIC_BASE_URL);
  const id = c.req.param("id");
  const article = ARTICLE_ID.test(id) ? await readArticle(spanning(c.var.session(), c.env), c.env.ARCHIVE, id) : null;
  if (!article) throw notFound(`No article with id ${id}.`);
  // One address per article and locale: outdated or missing slugs move to the current one.
  if (c.req.param("slug") !== article.slug) return c.redirect(`${articlePath(locale, article)}${url.search}`, 301);
  const hreflang = hreflangSet(url.origin, article, article.translations);
  const canonical = canonicalHref(url.origin, url.origin + articlePath(locale, article), article, hreflang);
  const alternates = storyAlternates(url.origin, article);
  return htmlPage(
    c,
    <Layout
      locale={locale}
      t={t}
      title={article.title}
      description={article.summary}
      switchTo={(l) => underLocale(url, l)}
      head={<DetailHead t={t} article={article} canonical={canonical} alternates={alternates} hreflang={hreflang} />}
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
