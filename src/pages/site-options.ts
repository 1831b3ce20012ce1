import type { D1Reader } from "../db/client";
import { busiestSources, sourceLanguages, sourcesByIds, type SourceChoice } from "../db/sources";
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

interface Shared {
  declared: string[];
  busiest: SourceChoice[];
}

/**
 * What every form of one content version shares, kept per isolate. Any write that changes the
 * sources or the article counts writes a new content version, so the version is a safe key;
 * pages of different addresses miss the response cache separately but read this once.
 */
let memo: { version: string; shared: Promise<Shared> } | null = null;

function shared(db: D1Reader, version: string | null): Promise<Shared> {
  if (version !== null && memo?.version === version) return memo.shared;
  const read = Promise.all([sourceLanguages(db), busiestSources(db, LISTED_SOURCES + 1)]).then(([declared, busiest]) => ({ declared, busiest }));
  if (version === null) return read;
  const entry = { version, shared: read };
  memo = entry;
  // A failed read is not kept: the next page tries again.
  read.catch(() => {
    if (memo === entry) memo = null;
  });
  return read;
}

/**
 * What the filter pickers offer: the site's languages plus any a source publishes in, and the
 * sources with the most articles plus the ones the reader has selected. Bounded queries only,
 * whatever the number of sources. `version`: the content version, or null when unknown.
 */
export async function siteOptions(db: D1Reader, locale: Locale, selected: string[], version: string | null): Promise<SiteOptions> {
  const [{ declared, busiest }, chosen] = await Promise.all([shared(db, version), sourcesByIds(db, selected)]);
  const languages = [...new Set([...LOCALES.map((l) => l.code), ...declared])];
  const listed = new Map([...busiest.slice(0, LISTED_SOURCES), ...chosen].map((s) => [s.id, { id: s.id, name: s.name }]));
  const collator = new Intl.Collator(locale);
  const sources = [...listed.values()].sort((a, b) => collator.compare(a.name, b.name));
  return { languages, sources, moreSources: busiest.length > LISTED_SOURCES };
}
