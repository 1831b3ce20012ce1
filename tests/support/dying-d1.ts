/**
 * A D1 binding whose runtime "dies" at a chosen batch: that batch (dieOnBatch), or every call
 * after it (dieAfterBatch), throws, as when the process is killed mid-refresh. Batches are
 * numbered in the order they are called; once the kill point is passed, nothing more reaches
 * the real database, whatever the call: a batch, or a statement prepared before the kill and
 * run after it. What a killed run leaves behind is then what a real kill would leave.
 */
export function dyingD1(real: D1Database, plan: { dieOnBatch?: number; dieAfterBatch?: number }): D1Database {
  let batches = 0;
  let dead = false;
  const killed = () => new Error("the runtime was killed");
  const unwrapped = new WeakMap<object, D1PreparedStatement>();
  // A statement keeps asking whether the runtime is alive when it runs, not when it was made.
  const statement = (inner: D1PreparedStatement): D1PreparedStatement => {
    const alive = <T>(run: () => Promise<T>) => (dead ? Promise.reject(killed()) : run());
    const wrapped = {
      bind: (...values: unknown[]) => (dead ? wrapped : statement(inner.bind(...values))),
      run: () => alive(() => inner.run()),
      all: () => alive(() => inner.all()),
      first: (column?: string) => alive(() => (column === undefined ? inner.first() : inner.first(column))),
      raw: (options?: { columnNames?: boolean }) => alive(() => inner.raw(options as { columnNames: true })),
    };
    unwrapped.set(wrapped, inner);
    return wrapped as unknown as D1PreparedStatement;
  };
  const db = {
    prepare: (sql: string) => statement(real.prepare(sql)),
    batch: async (statements: D1PreparedStatement[]) => {
      // This batch's own number: others may be called while it is in flight.
      const number = ++batches;
      if (dead || number === plan.dieOnBatch || (plan.dieAfterBatch !== undefined && number > plan.dieAfterBatch)) {
        dead = true;
        throw killed();
      }
      const results = await real.batch(statements.map((s) => unwrapped.get(s) ?? s));
      if (number === plan.dieAfterBatch) dead = true;
      return results;
    },
    exec: () => Promise.reject(killed()),
    withSession: () => {
      throw killed();
    },
  };
  return db as unknown as D1Database;
}
