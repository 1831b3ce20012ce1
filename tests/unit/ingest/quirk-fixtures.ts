import { inject } from "vitest";
import { parseFeed } from "../../../src/ingest/parse";
import type { ParsedFeed } from "../../../src/ingest/types";

/** Exact bytes of a fixture under tests/fixtures/feeds/quirks, via the loopback fixture server. */
export async function quirkBytes(name: string): Promise<Uint8Array> {
  const res = await fetch(`${inject("feedOrigin")}/quirks/${name}`);
  if (!res.ok) throw new Error(`fixture ${name}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The URL a fixture is pretended to come from: the base for its relative links. */
export const FEED_URL = "https://feeds.example.com/dir/feed.xml";

export async function parseQuirk(name: string, contentType: string | null = null): Promise<ParsedFeed> {
  return parseFeed(await quirkBytes(name), { url: FEED_URL, contentType });
}

/** UTF-16 bytes of a string, optionally with a BOM, built by hand (TextEncoder is UTF-8 only). */
export function utf16(text: string, endian: "le" | "be", bom: boolean): Uint8Array {
  const units = (bom ? "\ufeff" : "") + text;
  const out = new Uint8Array(units.length * 2);
  for (let i = 0; i < units.length; i++) {
    const c = units.charCodeAt(i);
    out[endian === "le" ? 2 * i : 2 * i + 1] = c & 0xff;
    out[endian === "le" ? 2 * i + 1 : 2 * i] = c >> 8;
  }
  return out;
}
