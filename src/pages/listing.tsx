import type { ArticleFilter, ArticleSummary, ResultPage } from "../domain";
import { plural } from "../i18n/format";
import type { Locale } from "../i18n/locales";
import type { Messages } from "../i18n/messages";
import { lastReachablePage } from "../http/pagination";
import { ArticleList } from "./article-list";
import { FilterForm, type SourceOption } from "./filter-form";
import { Pager } from "./pager";
import { homePath } from "./urls";

export interface ListingProps {
  locale: Locale;
  t: Messages;
  url: URL;
  result: ResultPage<ArticleSummary>;
  filter: ArticleFilter;
  languages: string[];
  sources: SourceOption[];
  moreSources: boolean;
}

/** `/{locale}/`: the newest articles, filterable, ten a page. */
export function ListingPage({ locale, t, url, result, filter, languages, sources, moreSources }: ListingProps) {
  const totalPages = Math.min(Math.max(1, Math.ceil(result.total / result.perPage)), lastReachablePage(result.perPage));
  return (
    <>
      <h1>{t.listing.title}</h1>
      <FilterForm
        locale={locale}
        t={t}
        action={homePath(locale)}
        filter={filter}
        languages={languages}
        sources={sources}
        moreSources={moreSources}
        keep={{ from: filter.from ?? undefined, to: filter.to ?? undefined }}
        clearHref={homePath(locale)}
      />
      <p class="count">{plural(locale, t.listing.results, result.total)}</p>
      {result.items.length ? <ArticleList locale={locale} items={result.items} /> : <p>{t.listing.empty}</p>}
      <Pager locale={locale} t={t} url={url} page={result.page} totalPages={totalPages} />
    </>
  );
}
