/**
 * Feed dates → `YYYY-MM-DDTHH:MM:SSZ`. Feeds claim RFC 822 or ISO 8601 and deliver a zoo:
 * two-digit years, wrong weekdays, zone abbreviations, localized month names, CJK forms.
 * Anything we cannot read with confidence becomes null rather than a guess.
 */
import { EARLIEST_ARTICLE_YEAR, MAX_DATE_AHEAD_MS } from "../domain";

export function parseFeedDate(value: string | null | undefined): string | null {
  if (typeof value !== "string") return null;
  const s = value.trim();
  if (s.length === 0 || s.length > 200) return null;
  try {
    const ms = parseRfc822(s) ?? parseUnix(s) ?? parseIso(s) ?? parseLoose(s);
    return ms === null ? null : format(ms);
  } catch {
    return null;
  }
}

function format(ms: number): string | null {
  if (!Number.isFinite(ms) || ms > Date.now() + MAX_DATE_AHEAD_MS) return null;
  const d = new Date(ms);
  if (d.getUTCFullYear() < EARLIEST_ARTICLE_YEAR) return null;
  return d.toISOString().slice(0, 19) + "Z";
}

// The well-formed RFC 822 shape most feeds use, read without the general tokenizer.
const RFC822 = /^(?:[A-Za-z]{3},\s*)?(\d{1,2}) ([A-Za-z]{3}) (\d{4}|\d{2}) (\d{2}):(\d{2})(?::(\d{2}))? ?([+-]\d{4}|[A-Za-z]{2,4})$/;
const ENGLISH_MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";

function parseRfc822(s: string): number | null {
  const m = RFC822.exec(s);
  if (!m) return null;
  const month = ENGLISH_MONTHS.indexOf(m[2]!.toLowerCase());
  const zone = m[7]!;
  const offset = zone[0] === "+" || zone[0] === "-" ? isoOffset(zone) : ZONES[zone.toLowerCase()];
  if (month < 0 || month % 3 !== 0 || offset === undefined) return null;
  const year = expandYear(+m[3]!, m[3]!.length);
  return build(year, month / 3 + 1, +m[1]!, +m[4]!, +m[5]!, +(m[6] ?? 0), offset);
}

function parseUnix(s: string): number | null {
  if (!/^\d{9,13}(?:\.\d+)?$/.test(s)) return null;
  const n = Number(s);
  // 13 digits can only be milliseconds; 9-10 digits are seconds since 1990 at the latest.
  return n >= 1e12 ? n : n * 1000;
}

const ISO =
  /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;

function parseIso(s: string): number | null {
  const m = ISO.exec(s);
  if (!m) return null;
  const offset = m[8] ? isoOffset(m[8]) : 0;
  const fraction = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  return build(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), offset, fraction);
}

function isoOffset(z: string): number {
  if (z.length <= 3) return 0; // Z, UTC, GMT
  const sign = z[0] === "-" ? -1 : 1;
  const digits = z.slice(1).replace(":", "");
  return sign * (+digits.slice(0, 2) * 60 + +(digits.slice(2, 4) || 0));
}

/** UTC milliseconds from wall-clock fields and an offset in minutes; null if a field is out of range. */
function build(y: number, mo: number, d: number, h: number, mi: number, sec: number, offsetMin: number, ms = 0): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 60) return null;
  if (h === 24 && (mi > 0 || sec > 0)) return null;
  const t = Date.UTC(y, mo - 1, d, h, mi, Math.min(sec, 59), ms);
  // Date.UTC rolls 31 Nov into 1 Dec; a real calendar date must survive unchanged.
  if (new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return null;
  return t - offsetMin * 60_000;
}

// ---- Free-form dates: tokenize, then assign tokens to fields. ----

const TOKEN =
  /(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?|(\d{1,2})h(\d{2})|([+-])(\d{4}|\d{1,2}(?::\d{2})?)(?!\d)|(\d+)([./-])(\d+)\9(\d+)|(\d+)|(\p{L}+)/gu;

interface Fields {
  year?: number;
  month?: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  offset?: number;
  pm?: boolean;
  am?: boolean;
  numbers: number[];
  numberWidths: number[];
}

function parseLoose(s: string): number | null {
  const f: Fields = { numbers: [], numberWidths: [] };
  let zoneWord = false;
  s = s.replace(/\b([ap])\.\s?m\.?/gi, "$1m");
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(s); m; m = TOKEN.exec(s)) {
    if (m[1] !== undefined || m[4] !== undefined) {
      if (f.hour !== undefined) return null;
      f.hour = +(m[1] ?? m[4]!);
      f.minute = +(m[2] ?? m[5]!);
      f.second = m[3] ? +m[3] : 0;
    } else if (m[6] !== undefined) {
      // A signed number is an offset only after the time or a zone name (GMT+2).
      if (f.hour === undefined && !zoneWord) {
        pushNumber(f, m[7]!.replace(":", ""));
        continue;
      }
      const digits = m[7]!.replace(":", "");
      const minutes = digits.length <= 2 ? +digits * 60 : +digits.slice(0, -2) * 60 + +digits.slice(-2);
      f.offset = (zoneWord ? (f.offset ?? 0) : 0) + (m[6] === "-" ? -minutes : minutes);
    } else if (m[8] !== undefined) {
      if (!numericDate(f, m[8], m[9]!, m[10]!, m[11]!)) return null;
    } else if (m[12] !== undefined) {
      const unit = cjkUnit(s, TOKEN.lastIndex);
      if (!unit) pushNumber(f, m[12]);
      else if (!assignUnit(f, unit, +m[12])) return null;
    } else if (m[13] !== undefined) {
      const word = m[13];
      const zone = zoneOffset(word);
      // Single-letter (military) zones only where RFC 822 puts them: last, after the time.
      const trusted = word.length > 1 || (f.hour !== undefined && /^[\s)]*$/.test(s.slice(TOKEN.lastIndex)));
      if (zone !== undefined && trusted) {
        // "+0100 (CET)" repeats the offset in a comment; the number wins.
        if (f.offset === undefined) f.offset = zone;
        zoneWord = true;
        continue;
      }
      const lower = word.toLowerCase();
      if (AM.has(lower)) f.am = true;
      else if (PM.has(lower)) f.pm = true;
      else {
        const month = monthOf(lower);
        if (month && f.month === undefined) f.month = month;
      }
    }
  }
  return assemble(f);
}

function pushNumber(f: Fields, digits: string): void {
  f.numbers.push(+digits);
  f.numberWidths.push(digits.length);
}

/** 27.11.2026, 2026/11/27, 11/27/2026: dots and dashes read day-first, slashes month-first unless impossible. */
function numericDate(f: Fields, a: string, sep: string, b: string, c: string): boolean {
  if (f.day !== undefined) return false;
  let y: number, mo: number, d: number;
  if (a.length === 4) [y, mo, d] = [+a, +b, +c];
  else if (c.length === 4 || c.length === 2) {
    y = expandYear(+c, c.length);
    const monthFirst = sep === "/" ? +a <= 12 : +b > 12 && +a <= 12;
    [mo, d] = monthFirst ? [+a, +b] : [+b, +a];
  } else return false;
  f.year = y;
  f.month = mo;
  f.day = d;
  return true;
}

function cjkUnit(s: string, at: number): string | null {
  let i = at;
  while (s[i] === " ") i++;
  const c = s[i];
  return c !== undefined && "年년月월日일時시分분秒초".includes(c) ? c : null;
}

function assignUnit(f: Fields, unit: string, n: number): boolean {
  switch (unit) {
    case "年":
    case "년":
      f.year = n;
      return true;
    case "月":
    case "월":
      f.month = n;
      return true;
    case "日":
    case "일":
      f.day = n;
      return true;
    case "時":
    case "시":
      f.hour = n;
      f.minute ??= 0;
      f.second ??= 0;
      return true;
    case "分":
    case "분":
      f.minute = n;
      return true;
    default:
      f.second = n;
      return true;
  }
}

function assemble(f: Fields): number | null {
  const nums = f.numbers;
  const widths = f.numberWidths;
  if (f.month !== undefined && (f.day === undefined || f.year === undefined)) {
    // With a month name: a 4-digit (or >31) number is the year, the first other is the day.
    let yearIdx = nums.findIndex((n, i) => widths[i]! >= 3 || n > 31);
    let dayIdx = nums.findIndex((_, i) => i !== yearIdx);
    if (f.year !== undefined) yearIdx = -1;
    if (f.day !== undefined) dayIdx = -1;
    if (yearIdx < 0 && f.year === undefined) {
      // "27 Nov 26": two short numbers, day first, then a two-digit year.
      yearIdx = nums.findIndex((_, i) => i !== dayIdx);
      if (yearIdx >= 0 && widths[yearIdx]! !== 2) return null;
    }
    if (f.year === undefined) {
      if (yearIdx < 0) return null;
      f.year = expandYear(nums[yearIdx]!, widths[yearIdx]!);
    }
    if (f.day === undefined) {
      if (dayIdx < 0) return null;
      f.day = nums[dayIdx]!;
    }
  }
  if (f.year === undefined || f.month === undefined || f.day === undefined) return null;
  let hour = f.hour ?? 0;
  if (f.pm && hour < 12) hour += 12;
  if (f.am && hour === 12) hour = 0;
  return build(f.year, f.month, f.day, hour, f.minute ?? 0, f.second ?? 0, f.offset ?? 0);
}

/** RFC 2822: 00-49 → 20xx, 50-99 → 19xx. */
function expandYear(y: number, width: number): number {
  if (width > 2) return y;
  return y < 50 ? 2000 + y : 1900 + y;
}

const AM = new Set(["am", "午前", "上午", "오전"]);
const PM = new Set(["pm", "午後", "下午", "오후"]);

const HOUR = 60;
/** Zone names seen in feeds; ambiguous ones take their most common meaning in news (IST = India). */
const ZONES: Record<string, number> = {
  gmt: 0, ut: 0, utc: 0, z: 0, wet: 0,
  est: -5 * HOUR, edt: -4 * HOUR, cst: -6 * HOUR, cdt: -5 * HOUR,
  mst: -7 * HOUR, mdt: -6 * HOUR, pst: -8 * HOUR, pdt: -7 * HOUR,
  akst: -9 * HOUR, akdt: -8 * HOUR, hst: -10 * HOUR, ast: -4 * HOUR, adt: -3 * HOUR,
  nst: -3.5 * HOUR, ndt: -2.5 * HOUR,
  bst: HOUR, ist: 5.5 * HOUR, cet: HOUR, cest: 2 * HOUR, met: HOUR, mest: 2 * HOUR,
  mez: HOUR, mesz: 2 * HOUR, west: HOUR, eet: 2 * HOUR, eest: 3 * HOUR,
  msk: 3 * HOUR, msd: 4 * HOUR, trt: 3 * HOUR, gst: 4 * HOUR, pkt: 5 * HOUR,
  ict: 7 * HOUR, wib: 7 * HOUR, hkt: 8 * HOUR, sgt: 8 * HOUR, pht: 8 * HOUR, awst: 8 * HOUR,
  jst: 9 * HOUR, kst: 9 * HOUR, acst: 9.5 * HOUR, aest: 10 * HOUR, aedt: 11 * HOUR,
  nzst: 12 * HOUR, nzdt: 13 * HOUR,
};

function zoneOffset(word: string): number | undefined {
  if (word.length === 1) {
    // Military letters: A-I = +1..+9, K-M = +10..+12, N-Y = -1..-12, Z = 0 (J is unused).
    const c = word.toUpperCase().charCodeAt(0);
    if (c === 0x5a) return 0;
    if (c >= 0x41 && c <= 0x49) return (c - 0x40) * HOUR;
    if (c >= 0x4b && c <= 0x4d) return (c - 0x41) * HOUR;
    if (c >= 0x4e && c <= 0x59) return -(c - 0x4d) * HOUR;
    return undefined;
  }
  return ZONES[word.toLowerCase()];
}

// Month names: whole words first (for prefixes shared between months), then 4- and 3-letter
// prefixes, which cover abbreviations, nominative and genitive forms alike.
const MONTH_WORDS: Record<string, number> = {
  juin: 6, juil: 7, juillet: 7, "май": 5, "мая": 5,
  cerven: 6, cervna: 6, cervenec: 7, cervence: 7,
  // Weekdays that start like a month (0 = not a month).
  martes: 0, mardi: 0, martedi: 0, pazartesi: 0, pazar: 0, "середа": 0, "середу": 0,
};
const MONTH_PREFIXES: Record<string, number> = {};
for (const [month, prefixes] of [
  [1, "jan ene gen sty led oca янв січ jän"],
  [2, "feb fev fév lut uno úno şub фев лют"],
  [3, "mar mrt maa bre bře мар бер"],
  [4, "apr avr abr kwi dub nis апр кві"],
  [5, "may mai maj mag mei kve kvě тра"],
  [6, "jun giu cze haz июн чер"],
  [7, "jul lug lip tem июл лип"],
  [8, "aug aoû aou ago sie srp ağu авг сер"],
  [9, "sep set wrz zar zář eyl сен вер"],
  [10, "oct okt ott out paz paź rij říj eki окт жов"],
  [11, "nov lis kas ноя лис"],
  [12, "dec dez dic gru pro ara дек гру"],
] as const) {
  for (const p of prefixes.split(" ")) MONTH_PREFIXES[p] = month;
}

function monthOf(lower: string): number | undefined {
  const word = lower.endsWith(".") ? lower.slice(0, -1) : lower;
  if (word.length > 12 || word.length < 3) return undefined;
  const plain = /^[a-z\u00c0-\u024f]+$/.test(word) ? stripMarks(word) : word;
  return (
    MONTH_WORDS[word] ??
    MONTH_WORDS[plain] ??
    MONTH_PREFIXES[word.slice(0, 3)] ??
    MONTH_PREFIXES[plain.slice(0, 3)]
  );
}

function stripMarks(word: string): string {
  return word.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
}
