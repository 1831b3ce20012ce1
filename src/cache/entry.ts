import { REPLAYED_HEADERS } from "./policy";

/**
 * A cached response as every tier stores it. Encoded, it is one line of JSON holding the
 * version it was built under and the headers, a newline, then the body bytes: one value per
 * key, whatever the header sizes (KV metadata would cap them at 1 KB), and the body is never
 * re-escaped.
 */
export interface CachedEntry {
  /** The version of what the answer depends on when it was built (partitions.ts `stampOf`). */
  version: number;
  headers: [string, string][];
  body: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const NEWLINE = 10;

export function entryFrom(version: number, headers: Headers, body: Uint8Array): CachedEntry {
  const kept: [string, string][] = [];
  for (const name of REPLAYED_HEADERS) {
    const value = headers.get(name);
    if (value !== null) kept.push([name, value]);
  }
  return { version, headers: kept, body };
}

export function encodeEntry(entry: CachedEntry): Uint8Array {
  const head = encoder.encode(`${JSON.stringify({ v: entry.version, h: entry.headers })}\n`);
  const out = new Uint8Array(head.length + entry.body.length);
  out.set(head);
  out.set(entry.body, head.length);
  return out;
}

/** The entry, or null for bytes this code did not write (an older format, a torn value). */
export function decodeEntry(bytes: Uint8Array): CachedEntry | null {
  const split = bytes.indexOf(NEWLINE);
  if (split < 0) return null;
  try {
    const head: unknown = JSON.parse(decoder.decode(bytes.subarray(0, split)));
    if (typeof head !== "object" || head === null) return null;
    const { v: version, h: headers } = head as { v?: unknown; h?: unknown };
    if (typeof version !== "number" || !Array.isArray(headers) || !headers.every((h) => Array.isArray(h) && h.length === 2 && h.every((v) => typeof v === "string"))) return null;
    return { version, headers: headers as [string, string][], body: bytes.slice(split + 1) };
  } catch {
    return null;
  }
}

/** What an entry costs in memory, roughly: its body plus its header text. */
export function entryBytes(entry: CachedEntry): number {
  return entry.headers.reduce((n, [name, value]) => n + name.length + value.length, entry.body.length);
}
