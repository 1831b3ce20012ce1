import type { ResultPage, SourceHealth } from "../domain";
import { languageName, plural } from "../i18n/format";
import type { Locale } from "../i18n/locales";
import type { Messages } from "../i18n/messages";
import { contentLang } from "./article-list";
import { Pager } from "./pager";
import { homePath, sourcesPath } from "./urls";

export interface SourcesProps {
  locale: Locale;
  t: Messages;
  url: URL;
  q: string;
  result: ResultPage<SourceHealth>;
  totalPages: number;
}

/** A source's articles: the listing filtered to it. */
const sourceHref = (locale: Locale, id: string) => `${homePath(locale)}?source=${encodeURIComponent(id)}`;

/**
 * `/{locale}/sources`: every source in id order, a page at a time, found by a prefix of its name
 * or id with a plain GET form. The filter forms list only the busiest sources and link here.
 */
export function SourcesPage({ locale, t, url, q, result, totalPages }: SourcesProps) {
  const s = t.sources;
  return (
    <>
      <h1>{s.title}</h1>
      <p>{s.intro}</p>
      <form class="filters" action={sourcesPath(locale)} method="get" role="search">
        <div>
          <label for="sources-q">{s.find}</label>
          <input type="search" id="sources-q" name="q" value={q} maxlength={100} dir="auto" aria-describedby="sources-q-hint" />
          <p class="hint" id="sources-q-hint">
            {s.findHint}
          </p>
        </div>
        <button type="submit">{s.submit}</button>
      </form>
      <p class="count">{plural(locale, s.count, result.total)}</p>
      {result.items.length ? (
        <ul class="articles">
          {result.items.map((source) => (
            <li>
              <h2 {...(source.language ? contentLang(locale, source.language) : {})}>
                <a href={sourceHref(locale, source.id)}>{source.name}</a>
              </h2>
              <p class="meta">
                <code dir="ltr">{source.id}</code>
                {source.language ? ` · ${languageName(locale, source.language)}` : ""} · {plural(locale, s.articles, source.article_count)}
              </p>
            </li>
          ))}
        </ul>
      ) : (
        <p>{s.empty}</p>
      )}
      <Pager locale={locale} t={t} url={url} page={result.page} totalPages={totalPages} />
    </>
  );
}
