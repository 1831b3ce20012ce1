import type { Db } from "../db/articles";
import { busiestSources, sourceLanguages, sourcesByIds } from "../db/sources";
import { LOCALES, type Locale } from "../i18n/locales";
import type { SourceOption } from "./filter-form";

/**
 * How many sources a filter picker lists. Every reader page carries the form, so it must stay
 * small however many sources there are: the busiest ones are listed, the rest are typed.
 */
export const LISTED_SOURCES = 30;

export interface SiteOptions {
  languages: string[];
  sources: SourceOption[];
  /** True when some sources are not listed: the form then offers a field to type an id. */
  moreSources: boolean;
}

/**
 * What the filter pickers offer: the site's languages plus any a source publishes in, and the
 * sources with the most articles plus the ones the reader has selected. Bounded queries only;
 * the page around them is cached, so they run once per page and content version.
 */
export async function siteOptions(db: Db, locale: Locale, selected: string[] = []): Promise<SiteOptions> {
  const [declared, busiest, chosen] = await Promise.all([sourceLanguages(db), busiestSources(db, LISTED_SOURCES + 1), sourcesByIds(db, selected)]);
  const languages = [...new Set([...LOCALES.map((l) => l.code), ...declared])];
  const listed = new Map([...busiest.slice(0, LISTED_SOURCES), ...chosen].map((s) => [s.id, { id: s.id, name: s.name }]));
  const collator = new Intl.Collator(locale);
  const sources = [...listed.values()].sort((a, b) => collator.compare(a.name, b.name));
  return { languages, sources, moreSources: busiest.length > LISTED_SOURCES };
}
