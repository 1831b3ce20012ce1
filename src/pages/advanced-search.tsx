import type { ArticleFilter } from "../domain";
import { languageName } from "../i18n/format";
import type { Locale } from "../i18n/locales";
import type { Messages } from "../i18n/messages";
import { OtherSourceField, type SourceOption } from "./filter-form";
import type { SortOrder } from "./search";
import { searchPath } from "./urls";

export interface AdvancedSearchProps {
  locale: Locale;
  t: Messages;
  /** Current filters, so "refine your search" starts from them. */
  filter: ArticleFilter;
  sort: SortOrder;
  languages: string[];
  sources: SourceOption[];
  moreSources: boolean;
}

/**
 * `/{locale}/search/advanced`: every filter of the API as a plain form. It submits to the
 * search page, which turns the word fields into one query and redirects to the result.
 */
export function AdvancedSearchPage({ locale, t, filter, sort, languages, sources, moreSources }: AdvancedSearchProps) {
  const a = t.advanced;
  const text = (name: string, label: string, hint?: string) => (
    <div class="field">
      <label for={`adv-${name}`}>{label}</label>
      <input type="text" id={`adv-${name}`} name={name} maxlength={200} dir="auto" aria-describedby={hint ? `adv-${name}-hint` : undefined} />
      {hint && (
        <p class="hint" id={`adv-${name}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
  return (
    <>
      <h1>{a.title}</h1>
      <p>{a.intro}</p>
      <form action={searchPath(locale)} method="get">
        <fieldset>
          <legend>{a.words}</legend>
          {text("all", a.allWords)}
          {text("phrase", a.exactPhrase)}
          {text("any", a.anyWords)}
          {text("none", a.noneWords, a.noneHint)}
        </fieldset>
        <fieldset>
          <legend>{a.languages}</legend>
          <div class="checks">
            {languages.map((code) => (
              <label>
                <input type="checkbox" name="lang" value={code} checked={filter.lang.includes(code)} /> {languageName(locale, code)}
              </label>
            ))}
          </div>
        </fieldset>
        <div class="row">
          <div class="field">
            <label for="adv-source">{t.listing.source}</label>
            <select id="adv-source" name="source">
              <option value="">{t.listing.anySource}</option>
              {sources.map((s) => (
                <option value={s.id} selected={filter.source.includes(s.id)}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
          {moreSources && <OtherSourceField locale={locale} t={t} id="adv-source-id" />}
          <div class="field">
            <label for="adv-sort">{t.search.sortBy}</label>
            <select id="adv-sort" name="sort">
              <option value="relevance" selected={sort === "relevance"}>
                {t.search.relevance}
              </option>
              <option value="date" selected={sort === "date"}>
                {t.search.date}
              </option>
            </select>
          </div>
        </div>
        <fieldset>
          <legend>{a.dates}</legend>
          <div class="row">
            <div class="field">
              <label for="adv-from">{a.from}</label>
              <input type="date" id="adv-from" name="from" value={filter.from ?? ""} />
            </div>
            <div class="field">
              <label for="adv-to">{a.to}</label>
              <input type="date" id="adv-to" name="to" value={filter.to ?? ""} />
            </div>
          </div>
        </fieldset>
        <button type="submit">{a.submit}</button>
      </form>
    </>
  );
}
