/**
 * What an OPML import does with each outline, decided before anything is written: the same
 * rules as POST /sources (URL and host checks, field formats, derived ids), plus matching to
 * the sources already stored so that importing a file twice changes nothing the second time.
 */
import * as z from "zod/mini";
import type { SourceListing } from "../db/source-import";
import { truncateText } from "../ingest/normalize";
import { checkUpstreamUrl } from "../ingest/upstream-url";
import type { Outline, OutlineAttrs } from "./opml-format";
import { idFromName } from "./source-id";
import { sourceCreate } from "./sources.input";

export type RefusalCode = "not_a_feed" | "missing_url" | "bad_url" | "private_host" | "duplicate_url" | "duplicate_id" | "invalid_attribute";

export interface OutlineResult {
  outline: number;
  folders: string[];
  title: string | null;
  xml_url: string | null;
  status: "added" | "updated" | "unchanged" | "refused";
  /** The source the outline became or matched; absent when refused. */
  id?: string;
  code?: RefusalCode;
  message?: string;
}

export interface ImportPlan {
  results: OutlineResult[];
  /** Full rows to upsert: the added and the updated sources. */
  writes: SourceListing[];
}

const FEED_TYPES = new Set(["rss", "atom"]);
const NAME_MAX = 200;
/** Where each field of a source comes from in an outline, to name it in a refusal. */
const ATTRIBUTE_OF: Record<string, string> = {
  id: "edge:id",
  name: "text",
  url: "xmlUrl",
  homepage: "htmlUrl",
  language: "language",
  story_scope: "edge:storyScope",
  story_key: "edge:storyKey",
};

class Refusal extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
  }
}

/** Text for a name: no control characters, runs of white space as one space, bounded. */
function cleanTitle(raw: string | undefined): string | null {
  const text = raw
    ?.replace(/[\u0000-\u001f\u007f]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return text ? truncateText(text, NAME_MAX - 1) : null;
}

/** The feed URL as stored, or why it is refused (the host rules are those of POST /sources). */
function feedUrl(raw: string, allowPrivate: boolean): URL {
  if (raw.length > 2048) throw new Refusal("bad_url", "xmlUrl is longer than 2048 characters");
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new Refusal("bad_url", "xmlUrl is not an absolute URL");
  }
  const check = checkUpstreamUrl(raw, allowPrivate);
  if (check.ok) return check.url;
  const hostProblem = (parsed.protocol === "http:" || parsed.protocol === "https:") && !parsed.username && !parsed.password;
  throw new Refusal(hostProblem ? "private_host" : "bad_url", `xmlUrl: ${check.reason}`);
}

function checkedEnabled(raw: string | undefined, current: boolean | undefined): boolean {
  if (raw === undefined) return current ?? true;
  if (raw === "true" || raw === "false") return raw === "true";
  throw new Refusal("invalid_attribute", "edge:enabled: must be true or false");
}

/** The row as it will be stored: attributes the outline has win, the others keep what is stored. */
function merged(id: string, url: string, attrs: OutlineAttrs, host: string, current: SourceListing | undefined): SourceListing {
  const title = cleanTitle(attrs.text) ?? cleanTitle(attrs.title);
  const mapping = attrs.storyScope !== undefined || attrs.storyKey !== undefined;
  const row: SourceListing = {
    id,
    name: title ?? current?.name ?? host,
    url,
    homepage: attrs.htmlUrl ?? current?.homepage ?? null,
    language: attrs.language ?? current?.language ?? null,
    storyScope: mapping ? (attrs.storyScope ?? null) : (current?.storyScope ?? null),
    storyKey: mapping ? (attrs.storyKey ?? null) : (current?.storyKey ?? null),
    enabled: checkedEnabled(attrs.enabled, current?.enabled),
  };
  const input = { id, name: row.name, url, homepage: row.homepage, language: row.language, story_scope: row.storyScope, story_key: row.storyKey };
  const parsed = z.safeParse(sourceCreate, input);
  const faults = (parsed.error?.issues ?? []).map((i) => `${ATTRIBUTE_OF[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`);
  if ((row.storyScope === null) !== (row.storyKey === null)) faults.push("edge:storyScope and edge:storyKey: are set together or not at all");
  if (faults.length) throw new Refusal("invalid_attribute", faults.join("; "));
  return row;
}

const same = (a: SourceListing, b: SourceListing) =>
  a.name === b.name &&
  a.url === b.url &&
  a.homepage === b.homepage &&
  a.language === b.language &&
  a.storyScope === b.storyScope &&
  a.storyKey === b.storyKey &&
  a.enabled === b.enabled;

/**
 * Decides every outline in document order. An outline is matched to a stored source by its
 * `edge:id` when it has one, else by its feed URL; an unmatched one gets the id POST /sources
 * would derive from its title (from its host when the title gives none), with `-2`, `-3`…
 * appended when that id is taken, so two feeds both titled "World" both arrive.
 */
export function planImport(outlines: readonly Outline[], existing: readonly SourceListing[], allowPrivate: boolean): ImportPlan {
  const byId = new Map(existing.map((s) => [s.id, s]));
  const byUrl = new Map(existing.map((s) => [s.url, s]));
  // Ids outlines ask for by name are not handed out to outlines that derive theirs.
  const taken = new Set([...byId.keys(), ...outlines.flatMap((o) => (o.attrs.id ? [o.attrs.id] : []))]);
  const urlsSeen = new Map<string, number>();
  const idsSeen = new Map<string, number>();
  const results: OutlineResult[] = [];
  const writes: SourceListing[] = [];

  for (const outline of outlines) {
    const { attrs } = outline;
    const type = attrs.type?.toLowerCase();
    const isFeed = attrs.xmlUrl !== undefined;
    // A folder: its outlines are read in their own turn.
    if (!isFeed && outline.hasChildren) continue;
    const base = { outline: outline.position, folders: outline.folders, title: cleanTitle(attrs.text) ?? cleanTitle(attrs.title), xml_url: attrs.xmlUrl ?? null };
    try {
      if (type !== undefined && !FEED_TYPES.has(type)) throw new Refusal("not_a_feed", `type="${attrs.type}" is not a feed (only rss and atom outlines are imported)`);
      if (!isFeed) {
        throw attrs.url !== undefined ? new Refusal("not_a_feed", "the outline has a url but no xmlUrl: a link, not a feed") : new Refusal("missing_url", "the outline has no xmlUrl");
      }
      const url = feedUrl(attrs.xmlUrl!, allowPrivate);
      const firstWithUrl = urlsSeen.get(url.href);
      if (firstWithUrl !== undefined) throw new Refusal("duplicate_url", `the same xmlUrl as outline ${firstWithUrl}`);
      const owner = byUrl.get(url.href);
      if (attrs.id !== undefined && owner && owner.id !== attrs.id) {
        throw new Refusal("duplicate_url", `xmlUrl is already the URL of source ${owner.id}, not of ${attrs.id}`);
      }
      const id = attrs.id ?? owner?.id ?? freshId(base.title ?? "", url.hostname, taken);
      const firstWithId = idsSeen.get(id);
      if (firstWithId !== undefined) throw new Refusal("duplicate_id", `source ${id} is already set by outline ${firstWithId}`);
      const current = byId.get(id);
      const row = merged(id, url.href, attrs, url.hostname, current);
      urlsSeen.set(url.href, outline.position);
      idsSeen.set(id, outline.position);
      taken.add(id);
      const status = !current ? "added" : same(current, row) ? "unchanged" : "updated";
      if (status !== "unchanged") writes.push(row);
      results.push({ ...base, status, id });
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      results.push({ ...base, status: "refused", code: error.code, message: error.message });
    }
  }
  return { results, writes };
}

function freshId(title: string, host: string, taken: ReadonlySet<string>): string {
  const stem = (title && idFromName(title)) || idFromName(host) || "source";
  if (!taken.has(stem)) return stem;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${stem.slice(0, 64 - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}
