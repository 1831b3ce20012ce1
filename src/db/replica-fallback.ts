import type { D1Reader } from "./client";

/**
 * A read replica slower than this is given up on for the statement at hand, which is run again
 * at the primary. Generous: a broad search on a large corpus is legitimately slow, and running
 * it twice costs more than waiting a little.
 */
const REPLICA_READ_TIMEOUT_MS = 2_000;

const EXECUTE = new Set(["all", "first", "run", "raw"]);

type Statement = D1PreparedStatement;

interface Recorded {
  sql: string;
  params: unknown[];
}

const PASSED_OVER: unique symbol = Symbol("replica passed over");

/**
 * Runs `call` against the replica; if it fails or has not answered in time, `again` at the
 * primary, whose answer (or failure) stands.
 */
async function withDeadline<T>(call: () => Promise<T>, again: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<typeof PASSED_OVER>((resolve) => {
    timer = setTimeout(() => resolve(PASSED_OVER), REPLICA_READ_TIMEOUT_MS);
  });
  try {
    const first = new Promise<T>((resolve) => resolve(call())).catch((): typeof PASSED_OVER => PASSED_OVER);
    const winner: T | typeof PASSED_OVER = await Promise.race([first, late]);
    return winner === PASSED_OVER ? await again() : winner;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The reads of a D1 session, each bounded in time: a statement the replica fails or does not
 * answer within REPLICA_READ_TIMEOUT_MS is run again at the primary (`primary()` opens that session on
 * first use). Statements remember their SQL and parameters so they can be prepared again.
 */
export function withPrimaryFallback(replica: D1Reader, primary: () => D1Reader): D1Reader {
  const recorded = new WeakMap<Statement, Recorded>();
  const real = new WeakMap<Statement, Statement>();
  const atPrimary = ({ sql, params }: Recorded) => primary().prepare(sql).bind(...params);

  const wrap = (statement: Statement, record: Recorded): Statement => {
    const wrapped = new Proxy(statement, {
      get(target, name) {
        const value = Reflect.get(target, name);
        if (typeof value !== "function") return value;
        if (name === "bind") return (...params: unknown[]) => wrap(value.apply(target, params), { sql: record.sql, params });
        if (typeof name === "string" && EXECUTE.has(name)) {
          return (...args: unknown[]) =>
            withDeadline(
              () => value.apply(target, args),
              () => {
                const again = atPrimary(record);
                return (Reflect.get(again, name) as (...a: unknown[]) => Promise<unknown>).apply(again, args);
              },
            );
        }
        return value.bind(target);
      },
    });
    recorded.set(wrapped, record);
    real.set(wrapped, statement);
    return wrapped;
  };

  return {
    prepare: (sql: string) => wrap(replica.prepare(sql), { sql, params: [] }),
    batch: <T>(statements: Statement[]) =>
      withDeadline(
        () => replica.batch<T>(statements.map((s) => real.get(s) ?? s)),
        () => primary().batch<T>(statements.map((s) => (recorded.has(s) ? atPrimary(recorded.get(s)!) : s))),
      ),
  };
}
