/** Sends one writer's statements (one source's store batch), resolving with their results. */
export type SendBatch = (statements: D1PreparedStatement[], bytes: number) => Promise<D1Result[]>;

/** The plain way: one D1 batch per writer. */
export const sendAlone = (db: D1Database): SendBatch => (statements) => db.batch(statements);

interface Waiting {
  statements: D1PreparedStatement[];
  bytes: number;
  resolve: (results: D1Result[]) => void;
  reject: (err: unknown) => void;
}

/** A merged batch stays well under what one D1 request should carry. */
const MERGED_MAX_BYTES = 4_000_000;
const MERGED_MAX_WRITERS = 8;

/**
 * Batches of several writers that are ready together go to D1 as ONE batch: while one batch is
 * in flight the next ones wait and then leave together. A refresh stores sources faster than
 * D1 takes round trips (each is a transaction and a commit), so this saves most of them. A
 * D1 batch is one transaction, so a merged batch lands in full or not at all; if it fails,
 * each writer's batch is sent again on its own, and only the one at fault fails.
 */
export function coalescingSender(db: D1Database): SendBatch {
  const queue: Waiting[] = [];
  let flushing = false;
  const sendGroup = async (group: Waiting[]) => {
    if (group.length === 1) {
      await db.batch(group[0]!.statements).then(group[0]!.resolve, group[0]!.reject);
      return;
    }
    let results: D1Result[];
    try {
      results = await db.batch(group.flatMap((w) => w.statements));
    } catch {
      await Promise.all(group.map((w) => db.batch(w.statements).then(w.resolve, w.reject)));
      return;
    }
    let at = 0;
    for (const w of group) {
      w.resolve(results.slice(at, at + w.statements.length));
      at += w.statements.length;
    }
  };
  const flush = async () => {
    flushing = true;
    while (queue.length) {
      const group = [queue.shift()!];
      let bytes = group[0]!.bytes;
      while (queue.length && group.length < MERGED_MAX_WRITERS && bytes + queue[0]!.bytes <= MERGED_MAX_BYTES) {
        bytes += queue[0]!.bytes;
        group.push(queue.shift()!);
      }
      await sendGroup(group);
    }
    flushing = false;
  };
  return (statements, bytes) =>
    new Promise<D1Result[]>((resolve, reject) => {
      queue.push({ statements, bytes, resolve, reject });
      if (!flushing) void flush();
    });
}
