import type { ArticleDetail } from "../domain";
import { DEFAULT_LOCALE } from "../i18n/locales";
import { articlePath, homeLocale } from "./urls";

export interface Alternate {
  language: string;
  href: string;
}

/**
 * Every language version of a story, each at its home address (its own language's UI). All
 * members of a story group compute the same set, which makes the hreflang links reciprocal.
 */
export function storyAlternates(origin: string, article: ArticleDetail): Alternate[] {
  const members = [{ language: article.language, id: article.id, slug: article.slug }, ...article.translations];
  const byLanguage = new Map<string, Alternate>();
  for (const m of members) {
    if (!byLanguage.has(m.language)) byLanguage.set(m.language, { language: m.language, href: origin + articlePath(homeLocale(m.language), m) });
  }
  return [...byLanguage.values()].sort((a, b) => (a.language < b.language ? -1 : a.language > b.language ? 1 : 0));
}

/** The canonical address of an article: its home address, whatever UI it is viewed in. */
export function canonicalHref(origin: string, article: ArticleDetail): string {
  return origin + articlePath(homeLocale(article.language), article);
}

/** Where `x-default` points: the default locale's version when there is one, else this one. */
export function defaultAlternate(alternates: Alternate[], self: string): string {
  return alternates.find((a) => a.language === DEFAULT_LOCALE)?.href ?? self;
}
