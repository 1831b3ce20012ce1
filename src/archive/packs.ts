/**
 * Archived bodies live in R2 in packs: one object per archival slice, its bodies one JSON line
 * each. A slice costs one write however many bodies it holds (R2 writes are billed per
 * operation and count toward a Worker's subrequests), and a reader fetches only its body's
 * bytes with a ranged read. An article's row keeps the address: "<key> <offset> <length>".
 */

/** One archived body as its pack stores it; `content_hash` ties it to the row it came from. */
export interface PackedBody {
  id: string;
  content_hash: string;
  content_html: string;
  content_text: string;
}

const encoder = new TextEncoder();

export class ArchiveWriteError extends Error {}

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

/**
 * Writes the bodies as one pack and returns each one's address, only once R2 has the object
 * whole: R2 checks the body against the MD5 sent with it, and the stored size and checksum are
 * compared again from a fresh read of the object's metadata. Anything else throws, and the
 * caller keeps every body in D1.
 */
export async function writePack(bucket: R2Bucket, key: string, bodies: readonly PackedBody[]): Promise<string[]> {
  const lines = bodies.map((b) => encoder.encode(`${JSON.stringify(b)}\n`));
  const size = lines.reduce((n, l) => n + l.length, 0);
  const data = new Uint8Array(size);
  const refs: string[] = [];
  let offset = 0;
  for (const line of lines) {
    data.set(line, offset);
    refs.push(`${key} ${offset} ${line.length - 1}`);
    offset += line.length;
  }
  const md5 = await crypto.subtle.digest("MD5", data);
  await bucket.put(key, data, { md5, httpMetadata: { contentType: "application/x-ndjson" }, customMetadata: { bodies: String(bodies.length) } });
  const stored = await bucket.head(key);
  const storedMd5 = stored?.checksums.md5;
  if (!stored || stored.size !== size || !storedMd5 || hex(storedMd5) !== hex(md5)) {
    throw new ArchiveWriteError(`archive pack ${key} did not verify after writing`);
  }
  return refs;
}

export class ArchiveReadError extends Error {}

/** The body at `ref`, checked to be the one archived from a row with `contentHash`. */
export async function readPackedBody(bucket: R2Bucket, ref: string, contentHash: string): Promise<PackedBody> {
  const [key, offset, length] = ref.split(" ");
  const object = key && offset && length ? await bucket.get(key, { range: { offset: Number(offset), length: Number(length) } }) : null;
  if (!object) throw new ArchiveReadError(`archived body ${ref} is missing`);
  const body = JSON.parse(await object.text()) as PackedBody;
  if (body.content_hash !== contentHash) throw new ArchiveReadError(`archived body ${ref} is not the article's content`);
  return body;
}

const decoder = new TextDecoder();

/**
 * Several bodies of one pack with one ranged read spanning them (a reindex reads the bodies of
 * a slice's archived rows; one read per pack instead of one per body). Each is checked as
 * `readPackedBody` checks one; a body that fails the check is its error in the result. Throws
 * ArchiveReadError when the pack is gone, and R2's own error when R2 cannot be read.
 */
export async function readPackedBodies(
  bucket: R2Bucket,
  key: string,
  rows: readonly { id: string; content_hash: string; body_ref: string }[],
): Promise<Map<string, PackedBody | ArchiveReadError>> {
  const out = new Map<string, PackedBody | ArchiveReadError>();
  const spans = [];
  for (const row of rows) {
    const [, offset = NaN, length = NaN] = row.body_ref.split(" ").map(Number);
    if (Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length > 0) spans.push({ row, offset, length });
    else out.set(row.id, new ArchiveReadError(`archived body ${row.body_ref} is no address`));
  }
  if (!spans.length) return out;
  const start = Math.min(...spans.map((s) => s.offset));
  const end = Math.max(...spans.map((s) => s.offset + s.length));
  const object = await bucket.get(key, { range: { offset: start, length: end - start } });
  if (!object) throw new ArchiveReadError(`archive pack ${key} is missing`);
  const bytes = new Uint8Array(await object.arrayBuffer());
  for (const { row, offset, length } of spans) {
    try {
      const body = JSON.parse(decoder.decode(bytes.subarray(offset - start, offset - start + length))) as PackedBody;
      out.set(row.id, body.content_hash === row.content_hash ? body : new ArchiveReadError(`archived body ${row.body_ref} is not the article's content`));
    } catch {
      out.set(row.id, new ArchiveReadError(`archived body ${row.body_ref} is not readable`));
    }
  }
  return out;
}
