import { createHash } from "node:crypto";

/** Stable identities: the dedupe key of an item, the public article id, the story group. */

/**
 * SHA-256 of the UTF-8 text, in hex. Synchronous: a refresh hashes every item three or four
 * times, and the asynchronous Web Crypto digest (a promise, a buffer copy and a hex loop
 * each time) was a large share of the refresh's CPU.
 */
function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A URL without fragment and tracking parameters, for comparing links. */
export function canonicalUrl(raw: string): string {
  try {
    const url = new URL(raw);
    url.hash = "";
    for (const key of [...url.searchParams.keys()]) {
      if (/^(utm_|fbclid$|gclid$|mc_cid$|mc_eid$)/i.test(key)) url.searchParams.delete(key);
    }
    url.hostname = url.hostname.toLowerCase();
    return url.href;
  } catch {
    return raw.trim();
  }
}

/** GUID, else canonical link, else a hash of title + content (Miniflux's order). */
export function dedupeKey(item: { guid: string | null; url: string | null; title: string; content: string }): string {
  if (item.guid?.trim()) return `guid:${item.guid.trim()}`;
  if (item.url) return `url:${canonicalUrl(item.url)}`;
  return `hash:${sha256Hex(`${item.title}\n${item.content}`).slice(0, 32)}`;
}

/** Public id: 16 hex digits of SHA-256(source id, dedupe key); the same item always maps here. */
export function articleId(sourceId: string, key: string): string {
  return sha256Hex(`${sourceId}\n${key}`).slice(0, 16);
}

export function contentHash(parts: readonly (string | null)[]): string {
  return sha256Hex(parts.map((p) => p ?? "").join("\u0000")).slice(0, 32);
}

/**
 * Items that are one story in several languages link to each other (hreflang alternates) or
 * share a link target. The group key is derived from the smallest canonical URL among an
 * item's own link and its alternates: reciprocal alternates, or the same link published by
 * two sources, give every sibling the same key. An item without any link has no group.
 * A source's declared mapping (`declaredStoryGroup`) takes precedence when the link matches it.
 */
export function storyGroup(url: string | null, alternates: readonly string[]): string | null {
  const urls = [url, ...alternates].filter((u): u is string => !!u).map(canonicalUrl).sort();
  return urls[0] ? `g${sha256Hex(urls[0]).slice(0, 16)}` : null;
}

/** A source's declared translation mapping: sources in one scope share story keys. */
export interface StoryMapping {
  scope: string;
  /** URLPattern pathname pattern with a `:key` group, e.g. `/:lang/story/:year/:month/:key`. */
  pattern: string;
}

export const STORY_SCOPE_RE = /^[a-z0-9._-]{1,64}$/;
export const STORY_KEY_MAX = 200;
/** Longer link paths are not matched against a mapping (the item keeps its URL-derived group). */
const STORY_PATH_MAX = 2048;

/** Literal pattern text: URL path characters that mean nothing to URLPattern. */
const LITERAL = /^[A-Za-z0-9._~!&'@,;=%-]*$/;
const GROUP_NAME = /:([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * Why a story key pattern is refused, or null when it is usable. URLPattern compiles a pattern
 * to a regular expression and runs it on every item link of every refresh, so only a subset of
 * its syntax is accepted: literal text, named `:name` segments and at most one `*`. Regexp
 * groups `( )` could hold a catastrophically backtracking expression (`((a+)+)$`); `{ }`
 * groups, `?`/`+` modifiers and two groups in one path segment (`:a-:b`) make the match
 * ambiguous, which costs polynomial time in the path length. With the subset, each `:name`
 * stays inside its segment and the one `*` is the only choice the matcher backtracks over.
 */
export function storyKeyProblem(pattern: string): string | null {
  if (!pattern.startsWith("/")) return "must be a path pattern starting with /";
  if (/[()]/.test(pattern)) return "must not contain regular-expression groups ( ); use :name segments and *";
  if (/:(?![A-Za-z_])/.test(pattern)) return "a : must start a group name (letters, digits, _)";
  const names: string[] = [];
  let wildcards = 0;
  for (const segment of pattern.split("/").slice(1)) {
    const groups = [...segment.matchAll(GROUP_NAME)];
    const stars = segment.split("*").length - 1;
    if (groups.length + stars > 1) return "must have at most one :name or * in each path segment";
    if (!LITERAL.test(segment.replace(GROUP_NAME, "").replace("*", ""))) {
      return "may contain only literal path text (letters, digits, - . _ ~ ! & ' @ , ; = %), :name segments and *";
    }
    names.push(...groups.map((g) => g[1]!));
    wildcards += stars;
  }
  if (wildcards > 1) return "may use * at most once";
  if (new Set(names).size !== names.length) return "must not repeat a group name";
  if (!names.includes("key")) return "must contain a :key group";
  try {
    new URLPattern({ pathname: pattern });
  } catch {
    return "is not a valid URL pattern";
  }
  return null;
}

const compiledPatterns = new Map<string, URLPattern | null>();

function compiledPattern(pattern: string): URLPattern | null {
  let compiled = compiledPatterns.get(pattern);
  if (compiled === undefined) {
    // Checked again here: a pattern stored before a rule change must never run unchecked.
    compiled = storyKeyProblem(pattern) ? null : new URLPattern({ pathname: pattern });
    if (compiledPatterns.size > 1000) compiledPatterns.clear();
    compiledPatterns.set(pattern, compiled);
  }
  return compiled;
}

/**
 * The story key a mapping reads off a link: its named groups except `lang` (which differs
 * between the translations), sorted by name, as `[name, value]` pairs. Only the path is
 * matched, so translations may live on different hosts; unnamed `*` groups are ignored, so a
 * slug that differs per language can be skipped with `*`. Null when the link does not match.
 */
export function storyKeyParts(pattern: string, url: string): [string, string][] | null {
  const compiled = compiledPattern(pattern);
  if (!compiled) return null;
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return null;
  }
  if (pathname.length > STORY_PATH_MAX) return null;
  const groups = compiled.exec({ pathname })?.pathname.groups;
  if (!groups?.key) return null;
  return Object.entries(groups)
    .filter(([name]) => name !== "lang" && !/^\d+$/.test(name))
    .map(([name, value]): [string, string] => [name, decodeSafely(value ?? "")])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function decodeSafely(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * The story group a source's declared mapping gives a link: `g` + 16 hex digits of
 * SHA-256(scope, newline, key parts), so every source of one scope whose links carry the same
 * key lands in one group. A canonical URL never contains a newline, so these groups never
 * coincide with the URL-derived ones of `storyGroup`. Null when the link does not match;
 * the caller then falls back to `storyGroup`. When it matches, the declared group wins over
 * the URL-derived one: the source has said how its stories correspond.
 */
export function declaredStoryGroup(url: string | null, mapping: StoryMapping | null): string | null {
  if (!url || !mapping) return null;
  const parts = storyKeyParts(mapping.pattern, url);
  return parts ? `g${sha256Hex(`${mapping.scope}\n${JSON.stringify(parts)}`).slice(0, 16)}` : null;
}

/** URL path segment from a title: letters and digits of any script, hyphen-separated. */
export function slugify(title: string): string {
  const slug = title
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
  const bounded = [...slug].slice(0, 80).join("").replace(/-+$/, "");
  return bounded || "article";
}
