/**
 * Content language of an item: item > feed > source setting > the text's script. Tags are
 * reduced to their primary subtag (`zh-Hans`, `zh-CN` → `zh`; `en-US` → `en`) as the
 * contract's content-language filter expects.
 */
export function normalizeLanguageTag(tag: string | null | undefined): string | null {
  if (!tag) return null;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0] ?? "";
  return /^[a-z]{2,3}$/.test(primary) ? primary : null;
}

const SCRIPTS: [RegExp, string][] = [
  [/[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]/g, "ko"],
  [/[\u3040-\u30ff]/g, "ja"],
  [/[\u4e00-\u9fff\u3400-\u4dbf]/g, "zh"],
  [/[\u0600-\u06ff\u0750-\u077f]/g, "ar"],
  [/[\u0400-\u04ff]/g, "ru"],
  [/[\u0e00-\u0e7f]/g, "th"],
  [/[\u0370-\u03ff]/g, "el"],
  [/[\u0590-\u05ff]/g, "he"],
];

/** Frequent short words that tell the main Latin-script languages apart. */
const LATIN_MARKERS: [string, RegExp][] = [
  ["fr", /\b(le|la|les|des|du|et|est|une|dans|pour|qui|sur|au|aux|avec)\b/g],
  ["es", /\b(el|la|los|las|del|y|es|una|en|para|que|por|con|se)\b/g],
  ["en", /\b(the|and|of|to|in|is|for|that|with|on|are|by|from)\b/g],
  ["de", /\b(der|die|das|und|ist|nicht|mit|für|auf|ein|eine|den)\b/g],
  ["pt", /\b(o|os|as|do|da|dos|das|não|em|uma|para|com|que)\b/g],
];

export function detectLanguage(text: string): string | null {
  const sample = text.slice(0, 2000);
  let kana = 0;
  let best: [string, number] | null = null;
  for (const [pattern, lang] of SCRIPTS) {
    const n = sample.match(pattern)?.length ?? 0;
    if (lang === "ja") kana = n;
    if (n > 0 && (!best || n > best[1])) best = [lang, n];
  }
  // Japanese text mixes kana into Han; any real share of kana means Japanese.
  if (best?.[0] === "zh" && kana > best[1] * 0.1) return "ja";
  if (best && best[1] >= 3) return best[0];
  const lower = sample.toLowerCase();
  let latin: [string, number] | null = null;
  for (const [lang, pattern] of LATIN_MARKERS) {
    const n = lower.match(pattern)?.length ?? 0;
    if (n > 0 && (!latin || n > latin[1])) latin = [lang, n];
  }
  return latin && latin[1] >= 2 ? latin[0] : null;
}
