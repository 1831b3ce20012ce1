import type { ArticleFilter, ResultPage, SearchHit } from "../domain";
import { plural } from "../i18n/format";
import type { Locale } from "../i18n/locales";
import type { Messages } from "../i18n/messages";
import { lastReachablePage } from "../http/pagination";
import { ArticleList } from "./article-list";
import { FilterForm, type SourceOption } from "./filter-form";
import { Pager } from "./pager";
import { withSlot } from "./slot";
import { advancedSearchPath, searchPath, withQuery } from "./urls";

export type SortOrder = "relevance" | "date";

export interface SearchProps {
  locale: Locale;
  t: Messages;
  url: URL;
  q: string;
  sort: SortOrder;
  /** Null when no words were given yet. */
  result: ResultPage<SearchHit> | null;
  filter: ArticleFilter;
  languages: string[];
  sources: SourceOption[];
  moreSources: boolean;
}

/** `/{locale}/search`: ranked results with highlights, sortable and filterable. */
export function SearchPage({ locale, t, url, q, sort, result, filter, languages, sources, moreSources }: SearchProps) {
  if (!result) {
    return (
      <>
        <h1>{t.search.title}</h1>
        <p>{t.search.prompt}</p>
        <p>
          <a href={advancedSearchPath(locale)}>{t.nav.advanced}</a>
        </p>
      </>
    );
  }
  const totalPages = Math.min(Math.max(1, Math.ceil(result.total / result.perPage)), lastReachablePage(result.perPage));
  const orders: [SortOrder, string][] = [
    ["relevance", t.search.relevance],
    ["date", t.search.date],
  ];
  return (
    <>
      <h1>{withSlot(t.search.resultsFor, "query", <bdi>{q}</bdi>)}</h1>
      <FilterForm
        locale={locale}
        t={t}
        action={searchPath(locale)}
        filter={filter}
        languages={languages}
        sources={sources}
        moreSources={moreSources}
        keep={{ q, sort: sort === "date" ? "date" : undefined, from: filter.from ?? undefined, to: filter.to ?? undefined }}
        clearHref={withQuery(new URL(searchPath(locale), url), { q, ...(sort === "date" ? { sort } : {}) })}
      />
      <p class="sorts">
        <span>{t.search.sortBy}</span>
        {orders.map(([value, label]) => (
          <a href={withQuery(url, { sort: value === "relevance" ? null : value, page: null })} aria-current={value === sort ? "true" : undefined}>
            {label}
          </a>
        ))}
      </p>
      <p class="count">{plural(locale, t.listing.results, result.total)}</p>
      {result.items.length ? <ArticleList locale={locale} items={result.items} /> : <p>{t.search.empty}</p>}
      <Pager locale={locale} t={t} url={url} page={result.page} totalPages={totalPages} />
      <p>
        <a href={advancedSearchPath(locale)}>{t.nav.advanced}</a>
      </p>
    </>
  );
}
