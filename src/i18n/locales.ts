/** The seven UI locales of the contract, with their endonyms and writing direction. */
export const LOCALES = [
  { code: "en", name: "English", dir: "ltr" },
  { code: "fr", name: "Français", dir: "ltr" },
  { code: "es", name: "Español", dir: "ltr" },
  { code: "ru", name: "Русский", dir: "ltr" },
  { code: "ar", name: "العربية", dir: "rtl" },
  { code: "zh", name: "简体中文", dir: "ltr" },
  { code: "ko", name: "한국어", dir: "ltr" },
] as const;

export type Locale = (typeof LOCALES)[number]["code"];
export const DEFAULT_LOCALE: Locale = "en";

const CODES = new Set<string>(LOCALES.map((l) => l.code));

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && CODES.has(value);
}

export function localeDir(locale: Locale): "ltr" | "rtl" {
  return locale === "ar" ? "rtl" : "ltr";
}

/**
 * Picks the best UI locale from an Accept-Language header (RFC 9110 weights, primary subtag
 * match: `zh-CN`, `zh-Hans` and `zh-TW` all give `zh`). Null when nothing matches.
 */
export function fromAcceptLanguage(header: string | null | undefined): Locale | null {
  if (!header) return null;
  let best: Locale | null = null;
  let bestQ = 0;
  for (const part of header.split(",").slice(0, 20)) {
    const [tag = "", ...params] = part.trim().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const weight = q ? Number(q.slice(2)) : 1;
    const primary = tag.trim().toLowerCase().split("-")[0] ?? "";
    if (!Number.isFinite(weight) || weight <= bestQ || !isLocale(primary)) continue;
    best = primary;
    bestQ = weight;
  }
  return best;
}

export interface ResolvedLocale {
  locale: Locale;
  /** True when the Accept-Language header decided, so responses must `Vary` on it. */
  fromHeader: boolean;
}

/** Contract order: path segment > `?locale=` > Accept-Language > `en`. */
export function resolveLocale(pathLocale: string | null, queryLocale: string | null, acceptLanguage: string | null): ResolvedLocale {
  if (isLocale(pathLocale)) return { locale: pathLocale, fromHeader: false };
  if (isLocale(queryLocale)) return { locale: queryLocale, fromHeader: false };
  const negotiated = fromAcceptLanguage(acceptLanguage);
  return { locale: negotiated ?? DEFAULT_LOCALE, fromHeader: acceptLanguage !== null && acceptLanguage !== "" };
}
