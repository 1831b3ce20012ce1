import type { Locale } from "../locales";
import { ar } from "./ar";
import { en } from "./en";
import { es } from "./es";
import { fr } from "./fr";
import { ko } from "./ko";
import type { Messages } from "./types";
import { ru } from "./ru";
import { zh } from "./zh";

export type { Messages, ParamName, Plural } from "./types";

/** A record over `Locale`, so adding a locale without its messages fails the typecheck. */
const MESSAGES: Record<Locale, Messages> = { en, fr, es, ru, ar, zh, ko };

export function messages(locale: Locale): Messages {
  return MESSAGES[locale];
}
