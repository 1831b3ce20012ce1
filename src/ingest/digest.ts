import { createHash } from "node:crypto";
import type { SourceRow } from "../db/sources";

/**
 * Bump when parsing or normalizing changes what a feed body turns into: stored digests then
 * no longer match, and every feed is read again in full once.
 */
export const PIPELINE_REVISION = 1;

/**
 * Identity of a fetched body and of everything that decides what it is stored as. Many
 * publishers answer every poll with 200 and the same bytes (no validators, or validators that
 * change with each response); a matching digest means the items stored from it last time are
 * still exactly what it holds, so the refresh costs what a 304 costs.
 */
export function bodyDigest(
  body: Uint8Array,
  source: Pick<SourceRow, "url" | "language" | "storyScope" | "storyKey">,
  response: { finalUrl: string; contentType: string | null },
): string {
  const context = JSON.stringify([PIPELINE_REVISION, source.url, source.language, source.storyScope, source.storyKey, response.finalUrl, response.contentType]) + "\n";
  return createHash("sha256").update(context).update(body).digest("hex");
}
