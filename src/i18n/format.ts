/**
 * Intl formatting for the UI locale: numbers, dates, plurals, language names. Formatters are
 * cached per locale because building one is far costlier than using it.
 */
import { LOCALES, type Locale } from "./locales";
import type { Plural } from "./messages";

function memo<T>(make: (locale: Locale) => T): (locale: Locale) => T {
  const cache = new Map<Locale, T>();
  return (locale) => {
    let value = cache.get(locale);
    if (value === undefined) {
      value = make(locale);
      cache.set(locale, value);
    }
    return value;
  };
}

const numbers = memo((l) => new Intl.NumberFormat(l));
const plurals = memo((l) => new Intl.PluralRules(l));
// Article times are stored in UTC; showing them in UTC keeps cached pages identical for everyone.
const dates = memo((l) => new Intl.DateTimeFormat(l, { dateStyle: "long", timeZone: "UTC" }));
const languageNames = memo((l) => new Intl.DisplayNames([l], { type: "language", fallback: "code" }));

export function formatNumber(locale: Locale, value: number): string {
  return numbers(locale).format(value);
}

/** A date as the reader's locale writes it; the ISO string itself when it does not parse. */
export function formatDate(locale: Locale, iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : dates(locale).format(time);
}

/** Replaces `{name}` placeholders; unknown names are left visible so a gap is noticed. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** The plural form for `count` with the number written in the locale's digits. */
export function plural(locale: Locale, forms: Plural, count: number): string {
  const category = plurals(locale).select(count);
  const template = (category === "other" ? undefined : forms[category]) ?? forms.other;
  return fill(template, { count: formatNumber(locale, count) });
}

/** A content language's name in the UI language ("French" on /en/, "français" on /fr/). */
export function languageName(locale: Locale, code: string): string {
  try {
    return languageNames(locale).of(code) ?? code;
  } catch {
    return code;
  }
}

const ENDONYMS = new Map<string, string>(LOCALES.map((l) => [l.code, l.name]));

/** A language's name in itself, for links that lead to content in that language. */
export function endonym(code: string): string {
  const known = ENDONYMS.get(code);
  if (known) return known;
  try {
    const name = new Intl.DisplayNames([code], { type: "language" }).of(code) ?? code;
    return name.charAt(0).toLocaleUpperCase(code) + name.slice(1);
  } catch {
    return code;
  }
}

const RTL_LANGUAGES = new Set(["ar", "he", "fa", "ur", "ps", "sd", "ug", "yi", "dv", "ckb"]);

/** Writing direction of a content language; "auto" lets the browser decide for unknown tags. */
export function textDirection(language: string): "ltr" | "rtl" | "auto" {
  const primary = language.toLowerCase().split("-")[0] ?? "";
  if (RTL_LANGUAGES.has(primary)) return "rtl";
  return /^[a-z]{2,3}$/.test(primary) ? "ltr" : "auto";
}
