/**
 * Marks query terms in original (unanalyzed) text. Matching runs on the analyzer's segments,
 * so it folds exactly as the index does and mirrors what FTS5 matched: whole words, Arabic
 * words with or without their article, CJK substrings, Hangul word prefixes.
 */
import { segment, type Segment } from "./analyze";

export interface HighlightOptions {
  /** Target snippet length in UTF-16 units of the original text (the first match is always whole). */
  maxLength?: number;
}

interface Pattern {
  segs: Segment[];
  prefix: boolean;
}

interface Range {
  start: number;
  end: number;
}

const MAX_PATTERNS = 32;
const BOUNDARY_SEARCH = 20;

function compilePattern(term: string): Pattern | null {
  let t = term.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) t = t.slice(1, -1);
  const stem = t.replace(/\*+$/, "");
  const segs = segment(stem);
  return segs.length ? { segs, prefix: stem.length < t.length } : null;
}

const continuesRun = (s: Segment | undefined): boolean => s !== undefined && s.kind === "cjk" && s.joined;

/** End offset of a match of `p` starting at doc[i], or -1. */
function matchAt(doc: Segment[], i: number, p: Pattern): number {
  const q = p.segs;
  const m = q.length;
  if (i + m > doc.length) return -1;
  let end = -1;
  for (let j = 0; j < m; j++) {
    const qs = q[j] as Segment;
    const ds = doc[i + j] as Segment;
    if (qs.kind !== ds.kind) return -1;
    const last = j === m - 1;
    const prefix = last && p.prefix;
    end = ds.end;
    if (qs.kind === "word") {
      if (ds.norm !== qs.norm && !(prefix && ds.norm.startsWith(qs.norm))) return -1;
    } else if (qs.kind === "arabic") {
      // The bare form is stored after the written one, so only a phrase's first word can land on it.
      const bare = j === 0 ? ds.bare : undefined;
      const same = ds.norm === qs.norm || bare === qs.norm;
      if (!same && !(prefix && (ds.norm.startsWith(qs.norm) || (bare?.startsWith(qs.norm) ?? false)))) return -1;
    } else if (qs.kind === "hangul") {
      if (!ds.norm.startsWith(qs.norm)) return -1;
      // Mark only the matched part of the word when the text maps 1:1 onto its normal form.
      if (last && ds.end - ds.start === ds.norm.length) end = ds.start + qs.norm.length;
    } else {
      if (ds.norm !== qs.norm) return -1;
      if (j > 0 && qs.joined !== ds.joined) return -1;
      // A CJK run followed by more query text must end where the document's run ends.
      if (!last && !continuesRun(q[j + 1]) && continuesRun(doc[i + j + 1])) return -1;
    }
  }
  return end;
}

function findRanges(text: string, terms: string[]): Range[] {
  const patterns = terms
    .slice(0, MAX_PATTERNS)
    .map(compilePattern)
    .filter((p): p is Pattern => p !== null);
  if (patterns.length === 0) return [];
  const doc = segment(text);
  const found: Range[] = [];
  for (let i = 0; i < doc.length; i++) {
    for (const p of patterns) {
      const end = matchAt(doc, i, p);
      if (end >= 0) found.push({ start: (doc[i] as Segment).start, end });
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Range[] = [];
  for (const r of found) {
    const prev = merged[merged.length - 1];
    if (prev && r.start <= prev.end) prev.end = Math.max(prev.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);
const isLow = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** The [start, end) window of a snippet: around the first match, cut at spaces when near. */
function snippetWindow(text: string, ranges: Range[], maxLength: number): Range {
  const n = text.length;
  const first = ranges[0];
  let ws = 0;
  let we = Math.min(n, maxLength);
  if (first) {
    const len = first.end - first.start;
    if (len >= maxLength) {
      ws = first.start;
      we = first.end;
    } else {
      // About a third of the spare room goes before the match, the rest after it.
      ws = first.start - Math.min(first.start, Math.floor((maxLength - len) / 3));
      we = Math.min(n, ws + maxLength);
      if (we === n) ws = Math.max(0, n - maxLength);
    }
  }
  const matchStart = first ? first.start : 0;
  const matchEnd = first ? first.end : 0;
  if (ws > 0 && !isSpace(text[ws - 1])) {
    for (let k = ws; k < Math.min(matchStart, ws + BOUNDARY_SEARCH); k++) {
      if (isSpace(text[k])) {
        ws = k + 1;
        break;
      }
    }
  }
  if (we < n && !isSpace(text[we])) {
    for (let k = we - 1; k > Math.max(matchEnd, we - BOUNDARY_SEARCH); k--) {
      if (isSpace(text[k])) {
        we = k;
        break;
      }
    }
  }
  // A later mark crossing the end is left out rather than cut.
  for (const r of ranges) if (r !== first && r.start < we && r.end > we) we = r.start;
  if (ws > 0 && ws < n && isLow(text.charCodeAt(ws))) ws++;
  if (we < n && we > 0 && isLow(text.charCodeAt(we))) we--;
  while (ws > 0 && ws < matchStart && isSpace(text[ws])) ws++;
  while (we < n && we > Math.max(ws, matchEnd) && isSpace(text[we - 1])) we--;
  return { start: ws, end: we };
}

/**
 * HTML-escaped `text` with every match of the query `terms` (as typed; a trailing `*` means
 * prefix) wrapped in `<mark>`. With `maxLength`, a snippet around the first match, with `…`
 * where it was cut.
 */
export function highlight(text: string, terms: string[], opts: HighlightOptions = {}): string {
  const ranges = findRanges(text, terms);
  const max = opts.maxLength;
  const win = max !== undefined && max > 0 && text.length > max ? snippetWindow(text, ranges, Math.floor(max)) : { start: 0, end: text.length };
  const out: string[] = [];
  if (win.start > 0) out.push("…");
  let pos = win.start;
  for (const r of ranges) {
    if (r.start < win.start || r.end > win.end) continue;
    out.push(escapeHtml(text.slice(pos, r.start)), "<mark>", escapeHtml(text.slice(r.start, r.end)), "</mark>");
    pos = r.end;
  }
  out.push(escapeHtml(text.slice(pos, win.end)));
  if (win.end < text.length) out.push("…");
  return out.join("");
}
