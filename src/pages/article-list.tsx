import { raw } from "hono/html";
import type { ArticleSummary, SearchHit } from "../domain";
import { formatDate, languageName, textDirection } from "../i18n/format";
import type { Locale } from "../i18n/locales";
import { articlePath } from "./urls";

/** `lang`/`dir` for content whose language differs from the UI, nothing otherwise. */
export function contentLang(locale: Locale, language: string) {
  return language === locale ? {} : { lang: language, dir: textDirection(language) };
}

function isHit(item: ArticleSummary | SearchHit): item is SearchHit {
  return "highlight" in item;
}

/** One page of articles; search hits show their highlighted title and summary. */
export function ArticleList({ locale, items }: { locale: Locale; items: (ArticleSummary | SearchHit)[] }) {
  return (
    <ol class="articles">
      {items.map((a) => (
        <li>
          <div {...contentLang(locale, a.language)}>
            <h2>
              {/* Highlights are safe HTML built by the search module: only <mark> around escaped text. */}
              <a href={articlePath(locale, a)}>{isHit(a) ? raw(a.highlight.title) : a.title}</a>
            </h2>
            <p>{isHit(a) ? raw(a.highlight.summary) : a.summary}</p>
          </div>
          <p class="meta">
            <bdi>{a.source.name}</bdi> · <time datetime={a.published_at}>{formatDate(locale, a.published_at)}</time> ·{" "}
            {languageName(locale, a.language)}
          </p>
        </li>
      ))}
    </ol>
  );
}
