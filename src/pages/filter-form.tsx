import type { ArticleFilter } from "../domain";
import { languageName } from "../i18n/format";
import type { Locale } from "../i18n/locales";
import type { Messages } from "../i18n/messages";
import { sourcesPath } from "./urls";

export interface SourceOption {
  id: string;
  name: string;
}

interface FilterFormProps {
  locale: Locale;
  t: Messages;
  action: string;
  filter: ArticleFilter;
  languages: string[];
  sources: SourceOption[];
  /** Whether sources exist beyond those listed: a field then takes any source id. */
  moreSources: boolean;
  /** Other parameters the form must carry along (the search words, the sort order, dates). */
  keep: Record<string, string | undefined>;
  /** Shown as "Clear filters" when any filter is active. */
  clearHref: string;
}

/** Language and source pickers as a plain GET form: filtering works without JavaScript. */
export function FilterForm({ locale, t, action, filter, languages, sources, moreSources, keep, clearHref }: FilterFormProps) {
  const active = filter.lang.length > 0 || filter.source.length > 0 || filter.from !== null || filter.to !== null;
  return (
    <form class="filters" action={action} method="get" aria-label={t.listing.filters}>
      {Object.entries(keep).map(([name, value]) => (value ? <input type="hidden" name={name} value={value} /> : null))}
      <div>
        <label for="filter-lang">{t.listing.language}</label>
        <select id="filter-lang" name="lang">
          <option value="">{t.listing.anyLanguage}</option>
          {languages.map((code) => (
            <option value={code} selected={filter.lang[0] === code}>
              {languageName(locale, code)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="filter-source">{t.listing.source}</label>
        <select id="filter-source" name="source">
          <option value="">{t.listing.anySource}</option>
          {sources.map((s) => (
            <option value={s.id} selected={filter.source[0] === s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      {moreSources && <OtherSourceField locale={locale} t={t} id="filter-source-id" />}
      <button type="submit">{t.listing.apply}</button>
      {active && <a href={clearHref}>{t.listing.clear}</a>}
    </form>
  );
}

/**
 * A source the picker does not list, typed by id. Submitted as a second `source` value: an
 * untouched field sends nothing that counts (empty values are ignored), a typed one adds to it.
 */
export function OtherSourceField({ locale, t, id }: { locale: Locale; t: Messages; id: string }) {
  return (
    <div>
      <label for={id}>{t.listing.otherSource}</label>
      <input type="text" id={id} name="source" maxlength={64} pattern="[a-z0-9][a-z0-9._\-]{0,63}" dir="ltr" spellcheck={false} autocomplete="off" aria-describedby={`${id}-hint`} />
      <p class="hint" id={`${id}-hint`}>
        {t.listing.otherSourceHint} <a href={sourcesPath(locale)}>{t.sources.browse}</a>
      </p>
    </div>
  );
}
