import type { ArticleDetail, Translation } from "../domain";
import { DEFAULT_LOCALE, LOCALES } from "../i18n/locales";
import { articlePath, homeLocale } from "./urls";

export interface Alternate {
  language: string;
  href: string;
}

/** One article of a story group, as the hreflang set needs it. */
export type StoryMember = Translation;

const byLanguage = (a: Alternate, b: Alternate) => (a.language < b.language ? -1 : a.language > b.language ? 1 : 0);

/** The article first, then its translations, one per language (the first one of each wins). */
function members(article: StoryMember, translations: readonly StoryMember[]): StoryMember[] {
  const seen = new Map<string, StoryMember>();
  for (const m of [article, ...translations]) if (!seen.has(m.language)) seen.set(m.language, m);
  return [...seen.values()];
}

/**
 * Every language version of a story, each at its home address (its own language's UI). All
 * members of a story group compute the same set, which makes the hreflang links reciprocal.
 */
export function storyAlternates(origin: string, article: ArticleDetail): Alternate[] {
  return members(article, article.translations)
    .map((m) => ({ language: m.language, href: origin + articlePath(homeLocale(m.language), m) }))
    .sort(byLanguage);
}

/**
 * The story's member that stands in for the UI locales it has no translation in: the one in
 * the default locale, else the first in the order of the UI locales, else the first language.
 * Every member picks the same one, so the set below is the same on every page of the set.
 */
function leadMember(story: StoryMember[]): StoryMember {
  for (const { code } of LOCALES) {
    const found = story.find((m) => m.language === code);
    if (found) return found;
  }
  return [...story].sort((a, b) => (a.language < b.language ? -1 : a.language > b.language ? 1 : 0))[0]!;
}

/**
 * The hreflang set of a story's pages, shared by the article page's `<link rel="alternate">`s
 * and the sitemaps' `xhtml:link`s so both always say the same. Every language version sits at
 * its home address; every UI locale the story has no translation in gets the lead member's page
 * in that UI (the interface is translated, the text is not: the case search engines ask to
 * annotate for sites that translate their template only). The set always has an `en` entry,
 * which is where `x-default` points.
 */
export function hreflangSet(origin: string, article: StoryMember, translations: readonly StoryMember[]): Alternate[] {
  const story = members(article, translations);
  const set = story.map((m) => ({ language: m.language, href: origin + articlePath(homeLocale(m.language), m) }));
  const lead = leadMember(story);
  for (const { code } of LOCALES) {
    if (!story.some((m) => m.language === code)) set.push({ language: code, href: origin + articlePath(code, lead) });
  }
  return set.sort(byLanguage);
}

/** Where `x-default` points: the default locale's entry of a hreflang set. */
export function defaultAlternate(set: Alternate[]): string {
  return set.find((a) => a.language === DEFAULT_LOCALE)!.href;
}

/**
 * The canonical address of an article page: the page itself when it is in the story's hreflang
 * set, else the article's home address (the same text in another UI, which the set leaves to
 * the home page).
 */
export function canonicalHref(origin: string, self: string, article: StoryMember, set: Alternate[]): string {
  return set.some((a) => a.href === self) ? self : origin + articlePath(homeLocale(article.language), article);
}
