import type { D1Reader } from "./client";

/**
 * A read replica slower than this is given up on for the statement at hand, which is run again
 * at the primary. Generous: a broad search on a large corpus is legitimately slow, and running
 * it twice costs more than waiting a little.
 */
const REPLICA_READ_TIMEOUT_MS = 2_000;

type Statement = D1PreparedStatement;

/**
 * Runs `call` against the replica; if it fails or has not answered in time, `again` at the
 * primary, whose answer (or failure) stands. One promise and one timer, settled by whichever
 * comes first: this runs for every D1 statement of a miss, where a race of three promises and
 * their reactions was a measurable part of the isolate's work (BENCHMARKS.md).
 */
function withDeadline<T>(call: () => Promise<T>, again: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const atPrimary = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      try {
        again().then(resolve, reject);
      } catch (err) {
        reject(err);
      }
    };
    const timer = setTimeout(atPrimary, REPLICA_READ_TIMEOUT_MS);
    let first: Promise<T>;
    try {
      first = call();
    } catch {
      atPrimary();
      return;
    }
    Promise.resolve(first).then((value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    }, atPrimary);
  });
}

/**
 * A statement of the replica session that remembers its SQL and parameters, so it can be
 * prepared again at the primary. A plain class rather than a Proxy of the runtime's statement:
 * every property read through a Proxy trap cost a miss CPU for nothing.
 */
class FallbackStatement {
  constructor(
    readonly replica: Statement,
    private readonly sql: string,
    private readonly params: unknown[],
    private readonly primary: () => D1Reader,
  ) {}

  /** The same statement, prepared at the primary. */
  atPrimary(): Statement {
    return this.primary().prepare(this.sql).bind(...this.params);
  }

  bind(...params: unknown[]): Statement {
    return new FallbackStatement(this.replica.bind(...params), this.sql, params, this.primary) as unknown as Statement;
  }

  first<T>(column?: string): Promise<T | null> {
    const run = (s: Statement) => (column === undefined ? s.first<T>() : s.first<T>(column));
    return withDeadline(
      () => run(this.replica),
      () => run(this.atPrimary()),
    );
  }

  run<T>(): Promise<D1Result<T>> {
    return withDeadline(
      () => this.replica.run<T>(),
      () => this.atPrimary().run<T>(),
    );
  }

  all<T>(): Promise<D1Result<T>> {
    return withDeadline(
      () => this.replica.all<T>(),
      () => this.atPrimary().all<T>(),
    );
  }

  raw<T>(options?: { columnNames?: false }): Promise<T[]> {
    return withDeadline(
      () => this.replica.raw<T>(options),
      () => this.atPrimary().raw<T>(options),
    );
  }
}

/**
 * The reads of a D1 session, each bounded in time: a statement the replica fails or does not
 * answer within REPLICA_READ_TIMEOUT_MS is run again at the primary (`primary()` opens that session on
 * first use). Statements remember their SQL and parameters so they can be prepared again.
 */
export function withPrimaryFallback(replica: D1Reader, primary: () => D1Reader): D1Reader {
  const real = (s: Statement) => (s instanceof FallbackStatement ? s.replica : s);
  const again = (s: Statement) => (s instanceof FallbackStatement ? s.atPrimary() : s);
  return {
    prepare: (sql: string) => new FallbackStatement(replica.prepare(sql), sql, [], primary) as unknown as Statement,
    batch: <T>(statements: Statement[]) =>
      withDeadline(
        () => replica.batch<T>(statements.map(real)),
        () => primary().batch<T>(statements.map(again)),
      ),
  };
}
