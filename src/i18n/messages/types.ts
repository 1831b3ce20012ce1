/**
 * The reader site's UI strings. Every locale file is typed `Messages`, so a key missing in any
 * of the seven fails the typecheck. Placeholders are `{name}`; counted strings are `Plural`,
 * one form per CLDR plural category the locale uses (`other` is always required).
 */
export type Plural = { other: string } & Partial<Record<Exclude<Intl.LDMLPluralRule, "other">, string>>;

/** Query parameters a reader can get wrong; the 400 page explains each in the reader's language. */
export type ParamName = "page" | "lang" | "source" | "from" | "to" | "q" | "sort";

export interface Messages {
  site: {
    name: string;
    tagline: string;
  };
  nav: {
    skip: string;
    languages: string;
    searchLabel: string;
    searchButton: string;
    advanced: string;
  };
  listing: {
    title: string;
    results: Plural;
    empty: string;
    filters: string;
    language: string;
    anyLanguage: string;
    source: string;
    anySource: string;
    /** The free-text source field shown when the picker lists only some sources. */
    otherSource: string;
    otherSourceHint: string;
    apply: string;
    clear: string;
  };
  article: {
    /** `{source}` is the source's name. */
    sourceLine: string;
    /** `{date}` is the localized publication date. */
    publishedLine: string;
    readAtSource: string;
    tags: string;
    translations: string;
    back: string;
  };
  pagination: {
    label: string;
    previous: string;
    next: string;
    page: string;
  };
  search: {
    title: string;
    resultsFor: string;
    prompt: string;
    empty: string;
    sortBy: string;
    relevance: string;
    date: string;
  };
  /** `/{locale}/sources`: every source, searchable by a prefix, each linking to its articles. */
  sources: {
    title: string;
    intro: string;
    find: string;
    findHint: string;
    submit: string;
    count: Plural;
    articles: Plural;
    empty: string;
    /** The link from the filter forms' id field to this page. */
    browse: string;
  };
  advanced: {
    title: string;
    intro: string;
    words: string;
    allWords: string;
    exactPhrase: string;
    anyWords: string;
    noneWords: string;
    noneHint: string;
    languages: string;
    from: string;
    to: string;
    dates: string;
    submit: string;
  };
  feeds: {
    title: string;
    rss: string;
    atom: string;
    json: string;
  };
  errors: {
    notFoundTitle: string;
    notFoundText: string;
    badRequestTitle: string;
    badRequestText: string;
    serverTitle: string;
    serverText: string;
    /** 429: the reader's address is over the rate limit. */
    busyTitle: string;
    busyText: string;
    home: string;
    params: Record<ParamName, string>;
    otherParam: string;
  };
  footer: {
    about: string;
  };
}
