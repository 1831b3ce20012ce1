/**
 * URL resolution for feed links. Only http(s) results are returned: a feed is not allowed to
 * hand readers javascript:, data: or file: links, and relative links need a real base.
 */
export function resolveUrl(ref: string | null | undefined, base: string | null): string | null {
  if (ref == null) return null;
  const trimmed = ref.trim();
  if (trimmed.length === 0 || trimmed.length > 4096) return null;
  let url: URL;
  try {
    url = base ? new URL(trimmed, base) : new URL(trimmed);
  } catch {
    return null;
  }
  return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
}

/** Whether a GUID is usable as a permalink when the feed did not say. */
export function looksLikeUrl(s: string): boolean {
  return /^https?:\/\/[^\s/]+\.[^\s/]+/i.test(s);
}
