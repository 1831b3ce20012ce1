import { describe, expect, it } from "vitest";
import { LOCALES } from "../../src/i18n/locales";
import { canonicalHref, defaultAlternate, hreflangSet, type StoryMember } from "../../src/pages/story-group";

const O = "https://news.test";
const member = (language: string, id: string): StoryMember => ({ language, id, slug: `story-${language}` });
const at = (locale: string, m: StoryMember) => `${O}/${locale}/news/${m.id}/${m.slug}`;
/** The set as seen from one member: the others are its translations, as the article page reads them. */
const setFrom = (self: StoryMember, story: StoryMember[]) => hreflangSet(O, self, story.filter((m) => m.language !== self.language));
const asMap = (set: { language: string; href: string }[]) => Object.fromEntries(set.map((a) => [a.language, a.href]));

describe("hreflangSet", () => {
  it("gives a lone article one entry per UI locale, its own page in each", () => {
    const a = member("en", "a".repeat(16));
    expect(asMap(hreflangSet(O, a, []))).toEqual(Object.fromEntries(LOCALES.map((l) => [l.code, at(l.code, a)])));
  });

  it("puts each translation at its home address and fills the other UI locales with the lead member", () => {
    const fr = member("fr", "1".repeat(16));
    const de = member("de", "2".repeat(16));
    const ar = member("ar", "3".repeat(16));
    const set = asMap(setFrom(de, [fr, de, ar]));
    // No English member: the lead is the first in UI-locale order (fr); German lives in the English UI.
    expect(set).toEqual({ de: at("en", de), fr: at("fr", fr), ar: at("ar", ar), en: at("en", fr), es: at("es", fr), ru: at("ru", fr), zh: at("zh", fr), ko: at("ko", fr) });
    expect(defaultAlternate(setFrom(de, [fr, de, ar]))).toBe(at("en", fr));
  });

  it("is the same set from every member, so the links are reciprocal", () => {
    const story = [member("ko", "4".repeat(16)), member("en", "5".repeat(16)), member("ja", "6".repeat(16)), member("zh", "7".repeat(16))];
    const sets = story.map((m) => setFrom(m, story));
    for (const set of sets) expect(set).toEqual(sets[0]);
    expect(defaultAlternate(sets[0]!)).toBe(at("en", story[1]!));
  });

  it("makes a page its own canonical when it is in the set, else points at the article's home", () => {
    const en = member("en", "8".repeat(16));
    const fr = member("fr", "9".repeat(16));
    const set = setFrom(fr, [en, fr]);
    expect(canonicalHref(O, at("ko", en), en, set)).toBe(at("ko", en));
    expect(canonicalHref(O, at("ko", fr), fr, set)).toBe(at("fr", fr));
    expect(canonicalHref(O, at("fr", fr), fr, set)).toBe(at("fr", fr));
  });
});
