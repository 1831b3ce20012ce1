import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import { fill, formatNumber } from "../i18n/format";
import { LOCALES, localeDir, type Locale } from "../i18n/locales";
import type { Messages } from "../i18n/messages";
import { CSS } from "./styles";
import { advancedSearchPath, homePath, searchPath } from "./urls";

export interface LayoutProps {
  locale: Locale;
  t: Messages;
  /** The page's own title; the site name is appended. */
  title: string;
  description?: string;
  /** Where each entry of the language switcher leads. */
  switchTo: (locale: Locale) => string;
  /** Query string (with `?`) the feeds should carry, so a filtered page offers a filtered feed. */
  feedQuery?: string;
  /** Prefills the header search box on search pages. */
  searchText?: string;
  /** Page-specific `<head>` elements (canonical, hreflang, Open Graph). */
  head?: Child;
  children?: Child;
}

/** Later pages of a listing get their number in the title, so each page is told apart. */
export function pagedTitle(t: Messages, locale: Locale, title: string, page: number): string {
  return page > 1 ? `${title} · ${fill(t.pagination.page, { page: formatNumber(locale, page) })}` : title;
}

const FEEDS = [
  { ext: "rss", type: "application/rss+xml", label: "rss" },
  { ext: "atom", type: "application/atom+xml", label: "atom" },
  { ext: "json", type: "application/feed+json", label: "json" },
] as const;

/** The HTML document every reader page shares: head, header with search and languages, footer. */
export function Layout(props: LayoutProps) {
  const { locale, t } = props;
  const feed = (ext: string) => `/feeds/${locale}.${ext}${props.feedQuery ?? ""}`;
  return (
    <html lang={locale} dir={localeDir(locale)}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} — ${t.site.name}`}</title>
        <meta name="description" content={props.description ?? t.site.tagline} />
        {/* An empty icon stops browsers asking for /favicon.ico, which does not exist. */}
        <link rel="icon" href="data:," />
        <style>{raw(CSS)}</style>
        {FEEDS.map((f) => (
          <link rel="alternate" type={f.type} href={feed(f.ext)} title={t.feeds[f.label]} />
        ))}
        {props.head}
      </head>
      <body>
        <a class="skip" href="#main">
          {t.nav.skip}
        </a>
        <header>
          <div class="wrap bar">
            <a class="brand" href={homePath(locale)}>
              {t.site.name}
            </a>
            <span class="tagline">{t.site.tagline}</span>
            <form class="search" role="search" action={searchPath(locale)} method="get">
              <label class="sr" for="site-search">
                {t.nav.searchLabel}
              </label>
              <input type="search" id="site-search" name="q" value={props.searchText ?? ""} maxlength={500} dir="auto" />
              <button type="submit">{t.nav.searchButton}</button>
            </form>
            <a href={advancedSearchPath(locale)}>{t.nav.advanced}</a>
            <nav class="langs" aria-label={t.nav.languages}>
              <ul>
                {LOCALES.map((l) => (
                  <li>
                    <a href={props.switchTo(l.code)} hreflang={l.code} lang={l.code} dir={localeDir(l.code)} aria-current={l.code === locale ? "true" : undefined}>
                      {l.name}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          </div>
        </header>
        <main id="main" class="wrap" tabindex={-1}>
          {props.children}
        </main>
        <footer>
          <div class="wrap">
            <p>{t.footer.about}</p>
            <nav class="feeds" aria-label={t.feeds.title}>
              <ul>
                {FEEDS.map((f) => (
                  <li>
                    <a href={feed(f.ext)} type={f.type}>
                      {t.feeds[f.label]}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          </div>
        </footer>
      </body>
    </html>
  );
}
