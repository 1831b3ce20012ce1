import type { ArchivedRow } from "../db/reindex";
import { ArchiveReadError, readPackedBodies } from "./packs";
import { archiveUnavailable } from "./read";

/**
 * The body text of archived articles, for the reindex: a rebuilt search entry holds every word
 * of the body, as the entry archival left in place did. Rows are read one pack at a time (one
 * ranged R2 read covering the pack's rows asked for), each body checked against its row's
 * content hash. A body gone from R2 (or no longer the article's) is logged and left out: the
 * article is then indexed by its title and summary. R2 not answering is a 503 to retry; the
 * reindex resumes from its cursor.
 */
export function archivedTexts(bucket: R2Bucket) {
  return async (rows: readonly ArchivedRow[]): Promise<Map<string, string>> => {
    const texts = new Map<string, string>();
    const byPack = new Map<string, ArchivedRow[]>();
    for (const r of rows) {
      const key = r.body_ref.split(" ")[0]!;
      byPack.set(key, [...(byPack.get(key) ?? []), r]);
    }
    for (const [key, group] of byPack) {
      let bodies;
      try {
        bodies = await readPackedBodies(bucket, key, group);
      } catch (err) {
        if (!(err instanceof ArchiveReadError)) throw archiveUnavailable();
        console.error(JSON.stringify({ level: "error", msg: "archived bodies unreadable; indexing title and summary", pack: key, error: err.message }));
        continue;
      }
      for (const [id, body] of bodies) {
        if (body instanceof ArchiveReadError) {
          console.error(JSON.stringify({ level: "error", msg: "archived body unreadable; indexing title and summary", article: id, error: body.message }));
        } else texts.set(id, body.content_text);
      }
    }
    return texts;
  };
}
