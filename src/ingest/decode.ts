/**
 * Bytes → string for feed bodies. Publishers mislabel charsets constantly, so labels are
 * evidence, not orders: a BOM is certain, the XML declaration beats HTTP, and any label
 * loses to a decoding that is plainly better (valid UTF-8, or a far more plausible sniff).
 */

/** Legacy encodings tried when labels are missing or wrong; order breaks score ties. */
const SNIFF_CANDIDATES = [
  "windows-1252",
  "windows-1251",
  "koi8-u",
  "iso-8859-2",
  "windows-1250",
  "gb18030",
  "big5",
  "shift_jis",
  "euc-jp",
  "euc-kr",
] as const;

/** Bytes of legacy text scored per candidate; enough for a verdict, cheap to repeat. */
const SAMPLE_BYTES = 32 * 1024;

export function decodeFeedBody(bytes: Uint8Array, contentType: string | null): string {
  const bom = bomEncoding(bytes);
  if (bom) return new TextDecoder(bom).decode(bytes);
  const utf16 = sniffUtf16(bytes);
  if (utf16) return new TextDecoder(utf16).decode(bytes);

  const utf8 = strictUtf8(bytes);
  if (utf8 !== null) {
    // ISO-2022-JP is 7-bit, so it passes as UTF-8; its escape sequences give it away.
    return JIS_ESCAPE.test(utf8) ? new TextDecoder("iso-2022-jp").decode(bytes) : utf8;
  }
  const labels = uniqueLabels([xmlDeclaredEncoding(bytes), httpCharset(contentType)]);
  return new TextDecoder(chooseLegacy(bytes, firstNonAscii(bytes), labels)).decode(bytes);
}

function bomEncoding(b: Uint8Array): string | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return "utf-8";
  if (b[0] === 0xff && b[1] === 0xfe) return "utf-16le";
  if (b[0] === 0xfe && b[1] === 0xff) return "utf-16be";
  return null;
}

/** ASCII markup in UTF-16 has a zero in every other byte; 8-bit text has none. */
function sniffUtf16(b: Uint8Array): "utf-16le" | "utf-16be" | null {
  const n = Math.min(b.length, 64) & ~1;
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenZero++;
    if (b[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero * 2 >= pairs && evenZero === 0) return "utf-16le";
  if (evenZero * 2 >= pairs && oddZero === 0) return "utf-16be";
  return null;
}

function firstNonAscii(b: Uint8Array): number {
  for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) return i;
  return 0;
}

const JIS_ESCAPE = /\u001b\$[@B]/;

/** The whole body as UTF-8 if it is valid, tolerating a sequence cut off by truncation. */
function strictUtf8(b: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(b, { stream: true });
  } catch {
    return null;
  }
}

function httpCharset(contentType: string | null): string | null {
  if (!contentType) return null;
  const m = /;\s*charset\s*=\s*["']?([^"';,\s]+)/i.exec(contentType);
  return m ? m[1]! : null;
}

/** `encoding=` of an `<?xml ...?>` found near the start (garbage may precede it). */
function xmlDeclaredEncoding(b: Uint8Array): string | null {
  const head = latin1(b, 0, Math.min(b.length, 1024));
  const start = head.indexOf("<?xml");
  if (start < 0) return null;
  const end = head.indexOf("?>", start);
  const decl = head.slice(start, end < 0 ? head.length : end);
  const m = /encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(decl);
  return m ? m[1]! : null;
}

function latin1(b: Uint8Array, from: number, to: number): string {
  let s = "";
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** Canonical WHATWG names of usable labels; UTF-16 labels are void once 8-bit is established. */
function uniqueLabels(raw: (string | null)[]): string[] {
  const out: string[] = [];
  for (const label of raw) {
    if (!label) continue;
    let name: string;
    try {
      name = new TextDecoder(label).encoding;
    } catch {
      continue;
    }
    if (name.startsWith("utf-16") || name === "replacement" || out.includes(name)) continue;
    out.push(name);
  }
  return out;
}

function chooseLegacy(bytes: Uint8Array, firstHigh: number, labels: string[]): string {
  const sample = sampleAround(bytes, firstHigh);
  if (mostlyUtf8(sample)) return "utf-8";
  const names = ["utf-8", ...labels, ...SNIFF_CANDIDATES];
  let best = { name: "windows-1252", score: -Infinity };
  const scores = new Map<string, number>();
  for (const name of names) {
    if (scores.has(name)) continue;
    const text = new TextDecoder(name).decode(sample);
    const score = plausibility(text, familyOf(name));
    scores.set(name, score);
    if (score > best.score) best = { name, score };
  }
  // A label keeps its word unless a sniffed decoding is clearly better.
  const slack = Math.max(3, Math.abs(best.score) * 0.25);
  for (const label of labels) {
    if (label === "utf-8") continue;
    if (scores.get(label)! >= best.score - slack) return label;
  }
  return best.name;
}

/**
 * UTF-8 with a few stray bytes (a pasted Windows quote) is still UTF-8: legacy text almost
 * never forms valid multi-byte sequences, so many of them against few errors settles it.
 */
function mostlyUtf8(sample: Uint8Array): boolean {
  const text = new TextDecoder("utf-8").decode(sample);
  let valid = 0;
  let invalid = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd) invalid++;
    else if (c >= 0x80) valid++;
  }
  return valid >= 10 && invalid * 10 <= valid;
}

/** A slice starting and ending on bytes that cannot be inside a multi-byte character. */
function sampleAround(b: Uint8Array, firstHigh: number): Uint8Array {
  let start = Math.max(0, firstHigh - 64);
  while (start > 0 && b[start]! >= 0x40) start--;
  let end = Math.min(b.length, start + SAMPLE_BYTES);
  while (end < b.length && b[end]! >= 0x40) end++;
  return b.subarray(start, end);
}

type Family = "ja" | "ko" | "zh" | "other";

function familyOf(name: string): Family {
  if (name === "shift_jis" || name === "euc-jp" || name === "iso-2022-jp") return "ja";
  if (name === "euc-kr") return "ko";
  if (name === "gb18030" || name === "gbk" || name === "big5") return "zh";
  return "other";
}

// Frequent characters: correctly decoded text hits these far more often than mojibake does.
const COMMON_HAN = codeSet(
  "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直资命山金指许统区保至队形社便空决治展马科司五基书非则听白界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运改收根造言联持组每济车亲极林服快办议往元英士证近失转令准布始存未远台单影具罗字爱击流备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企八功包片史委查轻易早曾除农找装广显這們來為國會說時對從現當動麼後裡發經過還進樣點與長機開關問應戰頭體見產個" +
      "本東京都員首相選議円米県業内閣総報記連鮮党政府民主社経済銀行株価駅区町村警察事件署容疑逮捕試合優勝選手監督" +
      // News vocabulary, since that is what feeds are made of.
      "闻聞报報讯訊网網際际會社濟财財股娱樂乐軍体體育健康旅游遊食港澳灣湾台北京沪滬粤穗深圳杭州",
);
const COMMON_HANGUL = codeSet(
  "이다의는에고하을가로한지서기도를으대사자수리시어정인여해나일아부있주것제전게보국구과상우만들스경내적성라면장니생소실위동문공원되계와신관화중선유모회조등무식결연학미후요개세물년말발없비치저마행금각진방업분통교야반점했은안입당민체본합단법용터할및명러드거까오현영작데속바표출운재타차간심감건높날역파알추배강산월",
);
const COMMON_CYRILLIC = codeSet("оеаинтсрвлкмдпуяі");
// Symbols touching letters almost only in mojibake (e.g. Polish ą read as ±, Czech š as ¹).
const ODD_BY_WORD = codeSet("¤¦¨¯±²³´¶¸¹¼½¾×÷‰ƒˆ˜†‡¬¢¥");
// Punctuation that may touch a word on one side, but sits inside one only in mojibake.
const ODD_IN_WORD = codeSet("‹›¿¡°§«»");

// What windows-1252 shows for bytes 0x80-0x9F, i.e. for most UTF-8 continuation bytes.
const CP1252_HIGH = codeSet("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ");

function codeSet(chars: string): Set<number> {
  return new Set(Array.from(chars, (c) => c.codePointAt(0)!));
}

const Script = { None: 0, Ascii: 1, Latin: 2, Cyrillic: 3, Greek: 4, RtlAlpha: 5 } as const;

/**
 * Higher means more like real text. Words are judged whole: one script per word, sane
 * capitalisation, few stray symbols; CJK characters are judged one by one against
 * frequency sets, with kana and hangul credited only to the family that writes them.
 */
function plausibility(text: string, family: Family): number {
  let score = 0;
  let len = 0;
  let nonAscii = 0;
  let scripts = 0;
  let uppers = 0;
  let lowers = 0;
  let firstUpper = false;
  let casePenalty = false;
  let letterPoints = 0;
  let prevLetter = false;
  let pendingOdd = false;
  let prevOdd = false;
  let prev = 0;

  const endWord = () => {
    if (len === 0) return;
    const single = (scripts & (scripts - 1)) === 0;
    const onlyLatin = (scripts & ~((1 << Script.Ascii) | (1 << Script.Latin))) === 0;
    if (nonAscii > 0) {
      const mixedCase = uppers > 0 && lowers > 0 && !(firstUpper && uppers === 1);
      if (mixedCase || casePenalty) score -= nonAscii;
      else if (onlyLatin) score += nonAscii * 2 <= len || len <= 2 ? letterPoints : -nonAscii;
      else if (single) score += letterPoints;
      else score -= 2 * nonAscii;
    }
    len = nonAscii = scripts = uppers = lowers = letterPoints = 0;
    firstUpper = casePenalty = false;
  };

  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // "Ã©", "â€™", "Ð¿": UTF-8 read as a single-byte code page.
    if (prev >= 0xc2 && prev <= 0xf4 && (c < 0xc0 ? c >= 0x80 : CP1252_HIGH.has(c))) score -= 4;
    prev = c;
    let script: number = Script.None;
    let upper = false;
    let lower = false;
    let points = 1;
    if (c < 0x80) {
      if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) {
        script = Script.Ascii;
        upper = c < 0x61;
        lower = !upper;
      }
    } else if (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) {
      script = Script.Latin;
      upper = isLatinUpper(c);
      lower = !upper;
      // Icelandic-only letters are far likelier to be misread Turkish or Cyrillic.
      if (c === 0xd0 || c === 0xf0 || c === 0xde || c === 0xfe) points = -1;
    } else if (c >= 0x400 && c <= 0x45f) {
      script = Script.Cyrillic;
      upper = c < 0x430;
      lower = !upper;
      points = COMMON_CYRILLIC.has(c < 0x410 ? c + 0x50 : c < 0x430 ? c + 0x20 : c) ? 1.5 : 0.3;
    } else if (c >= 0x391 && c <= 0x3ce) {
      script = Script.Greek;
      upper = c < 0x3b1;
      lower = !upper;
    } else if ((c >= 0x5d0 && c <= 0x5ea) || (c >= 0x620 && c <= 0x64a)) {
      script = Script.RtlAlpha;
    }

    if (script !== Script.None) {
      if (pendingOdd || prevOdd) score -= 3;
      pendingOdd = prevOdd = false;
      if (len === 0) firstUpper = upper;
      else if (upper && lowers > 0) casePenalty = true;
      len++;
      if (script !== Script.Ascii) nonAscii++;
      scripts |= 1 << script;
      if (upper) uppers++;
      if (lower) lowers++;
      letterPoints += points;
      prevLetter = true;
      continue;
    }
    endWord();
    prevOdd = ODD_BY_WORD.has(c);
    if (prevOdd && prevLetter) score -= 3;
    pendingOdd = prevLetter && ODD_IN_WORD.has(c);
    prevLetter = false;
    if (c < 0x80) continue;
    score += charPoints(c, family);
  }
  endWord();
  return score;
}

/** Latin-1 and Latin Extended-A case; pairs alternate, with an odd-upper run in the middle. */
function isLatinUpper(c: number): boolean {
  if (c < 0x100) return c < 0xdf;
  if (c >= 0x180) return false;
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e)) return (c & 1) === 1;
  return c === 0x178 || (c & 1) === 0;
}

function charPoints(c: number, family: Family): number {
  if (c === 0xfffd) return -8;
  if (c < 0xa0) return -6; // C1 controls: never in real text
  if (c >= 0xe000 && c <= 0xf8ff) return -6; // private use
  // A CJK character spends two bytes, so it earns about what two letters would.
  if (c >= 0x4e00 && c <= 0x9fff) return COMMON_HAN.has(c) ? 4 : family === "ko" ? 0 : 0.6;
  if (c >= 0xac00 && c <= 0xd7a3) return COMMON_HANGUL.has(c) ? 4 : 1;
  if (c >= 0x3040 && c <= 0x30ff) return family === "ja" || family === "other" ? 3 : -1;
  if (c >= 0xff61 && c <= 0xff9f) return -2; // half-width katakana: rare in modern text
  if (c >= 0x3130 && c <= 0x318f) return -1; // bare jamo
  if ((c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff)) return -0.5;
  if (c >= 0x3000 && c <= 0x303f) return 0.5; // CJK punctuation
  return 0;
}
