import { clearArchivedBodies, readUnarchived, type BodyRow } from "../db/archive";
import { writePack } from "./packs";

export interface ArchiveOptions {
  /** Bodies of articles published before this instant move to R2. */
  before: string;
  /** Articles per slice (one R2 pack and one D1 batch each). */
  sliceSize: number;
  /** Slices in this call at most: each is 2 D1 queries (a read, a batch of updates) and 2 R2 operations. */
  slices: number;
}

export interface ArchiveReport {
  /** Bodies moved out of D1 by this call. */
  archived: number;
  /** Bodies written to R2 but left in D1 because their article changed meanwhile. */
  superseded: number;
  /** True when nothing older than `before` still holds its body. */
  done: boolean;
}

const packKey = (rows: readonly BodyRow[], now: string) =>
  `bodies/${now.slice(0, 10)}/${rows[0]!.pk}-${rows[rows.length - 1]!.pk}-${crypto.randomUUID().slice(0, 8)}.ndjson`;

/**
 * One slice: the oldest bodies still in D1 are written to R2 as one pack, verified there, and
 * only then cleared from D1 (db/archive.ts, guarded by each row's content hash). A failure at
 * any step leaves the bodies in D1: at worst a pack no row points at remains in R2. Rerunning
 * after a failure picks up the same rows, so the work is resumable and idempotent.
 */
export async function archiveSlice(db: D1Database, bucket: R2Bucket, before: string, size: number, now: string): Promise<ArchiveReport> {
  const rows = await readUnarchived(db, before, size);
  if (!rows.length) return { archived: 0, superseded: 0, done: true };
  const refs = await writePack(
    bucket,
    packKey(rows, now),
    rows.map((r) => ({ id: r.id, content_hash: r.content_hash, content_html: r.content_html, content_text: r.content_text })),
  );
  const archived = await clearArchivedBodies(db, rows.map((r, i) => ({ id: r.id, content_hash: r.content_hash, ref: refs[i]! })));
  return { archived, superseded: rows.length - archived, done: rows.length < size };
}

/** Slices until nothing is due or the call's share is spent. */
export async function archiveBodies(db: D1Database, bucket: R2Bucket, options: ArchiveOptions, now: string): Promise<ArchiveReport> {
  const total: ArchiveReport = { archived: 0, superseded: 0, done: false };
  for (let i = 0; i < options.slices && !total.done; i++) {
    const slice = await archiveSlice(db, bucket, options.before, options.sliceSize, now);
    total.archived += slice.archived;
    total.superseded += slice.superseded;
    total.done = slice.done;
  }
  return total;
}
