import type { ParsedFeed } from "../types";

/** A hub and the topic URL to subscribe to at it. */
export interface HubLink {
  hub: string;
  topic: string;
}

/**
 * The links of an HTTP `Link` header (RFC 8288) whose `rel` list names `rel`. Written here
 * because it is only this: `<uri-reference>` then `;`-separated parameters, entries separated
 * by commas (a comma inside `<...>` or a quoted value does not split).
 */
export function linksWithRel(header: string | null, rel: string, base: string): string[] {
  if (!header) return [];
  const found: string[] = [];
  for (const m of header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,=\s]+(?:\s*=\s*(?:"[^"]*"|[^;,\s]*))?)*)/g)) {
    const params = m[2] ?? "";
    const relParam = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]*))/i.exec(params);
    const rels = (relParam?.[1] ?? relParam?.[2] ?? "").toLowerCase().split(/\s+/);
    if (!rels.includes(rel)) continue;
    try {
      found.push(new URL(m[1]!.trim(), base).href);
    } catch {
      // An unusable reference is no link.
    }
  }
  return found;
}

/**
 * WebSub discovery: the HTTP `Link` header first, then the feed's own links (WebSub §4).
 * The topic is the `self` URL the publisher declares, else the URL the feed was fetched from.
 */
export function discoverHub(linkHeader: string | null, feed: Pick<ParsedFeed, "hub" | "self">, fetchedUrl: string): HubLink | null {
  const headerHub = linksWithRel(linkHeader, "hub", fetchedUrl)[0];
  const headerSelf = linksWithRel(linkHeader, "self", fetchedUrl)[0];
  const hub = headerHub ?? feed.hub;
  if (!hub) return null;
  const topic = (headerHub ? headerSelf : null) ?? feed.self ?? headerSelf ?? fetchedUrl;
  return { hub, topic };
}
