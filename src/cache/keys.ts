/**
 * The KV key schema: every key this Worker writes, in one place.
 *
 * | prefix / key                     | value                                  | TTL       |
 * |----------------------------------|----------------------------------------|-----------|
 * | `meta:content-version`           | current content version (base-36 time) | none      |
 * | `resp:{version}:{locale}:{path}` | a cached GET response body; metadata   | 1 day     |
 * |                                  | holds status-defining headers          |           |
 *
 * `{path}` is the URL path plus the query string with parameters sorted, so equivalent
 * requests share an entry. A refresh that changes content writes a new version, which makes
 * every `resp:` entry of older versions unreachable at once (they expire on their own).
 */
export const CONTENT_VERSION_KEY = "meta:content-version";
export const RESPONSE_TTL_SECONDS = 86_400;

export function responseKey(version: string, locale: string, url: URL): string {
  const params = [...url.searchParams.entries()].sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1));
  const query = new URLSearchParams(params).toString();
  return `resp:${version}:${locale}:${url.pathname}${query ? `?${query}` : ""}`;
}
