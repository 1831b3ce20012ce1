import type { Db } from "../db/articles";
import { listSources } from "../db/sources";
import { LOCALES, type Locale } from "../i18n/locales";
import type { SourceOption } from "./filter-form";

export interface SiteOptions {
  languages: string[];
  sources: SourceOption[];
}

/** What the filter pickers offer: the site's languages plus any a source publishes in. */
export async function siteOptions(db: Db, locale: Locale): Promise<SiteOptions> {
  const all = await listSources(db);
  const languages = [...new Set([...LOCALES.map((l) => l.code), ...all.flatMap((s) => (s.language ? [s.language] : []))])];
  const collator = new Intl.Collator(locale);
  const sources = all.map((s) => ({ id: s.id, name: s.name })).sort((a, b) => collator.compare(a.name, b.name));
  return { languages, sources };
}
