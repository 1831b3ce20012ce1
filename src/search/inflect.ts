/**
 * Inflected forms of a query word, so `school` also finds `schools` and `образование` finds
 * `образования`. Instead of a stemmer's prefix match (`nation*` would also find `national`,
 * `стран*` would find `странный`), the forms are spelled out and matched exactly: a form that
 * no article contains costs one dictionary probe and matches nothing.
 *
 * Only noun and adjective endings, for words already folded by the analyzer (lowercase, no
 * diacritics): English/French/Spanish plurals for Latin letters, Russian case endings for
 * Cyrillic. Short words are left alone: their endings are too often part of the word.
 */

const MIN_LENGTH = 4;
const RE_LATIN = /^[a-z]+$/;
const RE_CYRILLIC = /^[а-я]+$/;
// Endings after which English and Spanish spell the plural -es (boxes, churches, países, leyes).
const RE_ES_PLURAL = /([sxzlnrdy]|ch|sh)$/;

const IRREGULAR: Record<string, string> = { child: "children", children: "child", woman: "women", women: "woman" };

/** Singulars a Latin-script plural may come from; empty when the word does not look plural. */
function latinSingulars(word: string): string[] {
  const out: string[] = [];
  const strip = (n: number, add = "") => {
    const base = word.slice(0, -n) + add;
    if (base.length >= MIN_LENGTH && (add || n !== 2 || RE_ES_PLURAL.test(base))) out.push(base);
  };
  if (word.endsWith("ies")) strip(3, "y");
  if (word.endsWith("aux")) strip(3, "al");
  if (word.endsWith("ces")) strip(3, "z");
  if (word.endsWith("es")) strip(2);
  if (word.endsWith("s") && !word.endsWith("ss")) strip(1);
  if (word.endsWith("x")) strip(1);
  return out;
}

function latinPlurals(base: string): string[] {
  const out = [`${base}s`];
  if (RE_ES_PLURAL.test(base)) out.push(`${base}es`);
  if (/[^aeiou]y$/.test(base)) out.push(`${base.slice(0, -1)}ies`);
  if (base.endsWith("al")) out.push(`${base.slice(0, -2)}aux`);
  if (base.endsWith("z")) out.push(`${base.slice(0, -1)}ces`);
  if (/[ae]u$/.test(base)) out.push(`${base}x`);
  return out;
}

function latinForms(word: string): string[] {
  const singulars = latinSingulars(word);
  const forms = new Set([word, ...singulars]);
  for (const base of singulars.length ? singulars : [word]) for (const plural of latinPlurals(base)) forms.add(plural);
  const irregular = IRREGULAR[word];
  if (irregular) forms.add(irregular);
  return [...forms];
}

// Noun and adjective endings of the Russian declensions, longest first.
const RU_NOUN = ["иями", "иях", "иям", "ием", "ами", "ями", "ие", "ия", "ию", "ии", "ий", "ой", "ей", "ам", "ям", "ах", "ях", "ом", "ем", "ов", "ев", "а", "я", "о", "е", "у", "ю", "ы", "и", "ь"];
const RU_ADJECTIVE = ["ыми", "ими", "ого", "его", "ому", "ему", "ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие", "ых", "их", "ым", "им", "ую", "юю", "ом", "ем"];
const RU_ALL = [...new Set([...RU_NOUN, ...RU_ADJECTIVE])].sort((a, b) => b.length - a.length);
// Endings that mark an adjective when the word has them (its other forms are adjectival too).
const RU_ADJECTIVE_MARK = ["ый", "ий", "ая", "яя", "ое", "ее", "ые", "ого", "его", "ому", "ему", "ыми", "ими", "ых", "ым", "ую", "юю"];

function cyrillicForms(word: string): string[] {
  const ending = RU_ALL.find((e) => word.endsWith(e) && word.length - e.length >= 3) ?? "";
  const stem = word.slice(0, word.length - ending.length);
  if (RU_ADJECTIVE_MARK.includes(ending)) return [...new Set([word, ...RU_ADJECTIVE.map((e) => stem + e)])];
  // Nouns in -ие/-ия keep the и in every form (образование, образования, образованием).
  if (ending.length > 1 && ending.startsWith("и")) return [...new Set([word, ...RU_NOUN.filter((e) => e.startsWith("и")).map((e) => stem + e)])];
  // Other nouns; the bare stem is the genitive plural of many (школ, войн).
  return [...new Set([word, stem, ...RU_NOUN.filter((e) => !e.startsWith("и") || e.length === 1).map((e) => stem + e)])];
}

/** The word and its inflected forms (just the word when no rule applies). */
export function inflections(word: string): string[] {
  if (word.length < MIN_LENGTH) return [word];
  if (RE_LATIN.test(word)) return latinForms(word);
  if (RE_CYRILLIC.test(word)) return cyrillicForms(word);
  return [word];
}
