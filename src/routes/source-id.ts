import { slugify } from "../ingest/identity";

/**
 * The id a source gets from its name when none is given (POST /sources, OPML import): its
 * slug, kept to the id alphabet and length. Empty when the name has no latin letters or digits.
 */
export function idFromName(name: string): string {
  return slugify(name)
    .replace(/[^a-z0-9._-]/g, "")
    .replace(/^[._-]+/, "")
    .slice(0, 64);
}
