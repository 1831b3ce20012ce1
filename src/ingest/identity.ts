/** Stable identities: the dedupe key of an item, the public article id, the story group. */

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
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
export async function dedupeKey(item: { guid: string | null; url: string | null; title: string; content: string }): Promise<string> {
  if (item.guid?.trim()) return `guid:${item.guid.trim()}`;
  if (item.url) return `url:${canonicalUrl(item.url)}`;
  return `hash:${(await sha256Hex(`${item.title}\n${item.content}`)).slice(0, 32)}`;
}

/** Public id: 16 hex digits of SHA-256(source id, dedupe key); the same item always maps here. */
export async function articleId(sourceId: string, key: string): Promise<string> {
  return (await sha256Hex(`${sourceId}\n${key}`)).slice(0, 16);
}

export async function contentHash(parts: readonly (string | null)[]): Promise<string> {
  return (await sha256Hex(parts.map((p) => p ?? "").join("\u0000"))).slice(0, 32);
}

/**
 * Items that are one story in several languages link to each other (hreflang alternates) or
 * share a link target. The group key is derived from the smallest canonical URL among an
 * item's own link and its alternates: reciprocal alternates, or the same link published by
 * two sources, give every sibling the same key. An item without any link has no group.
 */
export async function storyGroup(url: string | null, alternates: readonly string[]): Promise<string | null> {
  const urls = [url, ...alternates].filter((u): u is string => !!u).map(canonicalUrl).sort();
  return urls[0] ? `g${(await sha256Hex(urls[0])).slice(0, 16)}` : null;
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
