/**
 * A D1 binding whose runtime "dies" at a chosen batch: that batch (or every call after it)
 * throws, as when the process is killed mid-refresh. Statements and batches before it reach
 * the real database, so what a killed run leaves behind is what a real kill would leave.
 */
export function dyingD1(real: D1Database, plan: { dieOnBatch?: number; dieAfterBatch?: number }): D1Database {
  let batches = 0;
  let dead = false;
  const killed = () => new Error("the runtime was killed");
  const deadStatement = {
    bind: () => deadStatement,
    run: () => Promise.reject(killed()),
    all: () => Promise.reject(killed()),
    first: () => Promise.reject(killed()),
    raw: () => Promise.reject(killed()),
  };
  const db = {
    prepare: (sql: string) => (dead ? deadStatement : real.prepare(sql)),
    batch: async (statements: D1PreparedStatement[]) => {
      batches++;
      if (dead || batches === plan.dieOnBatch) {
        dead = true;
        throw killed();
      }
      const results = await real.batch(statements);
      if (batches === plan.dieAfterBatch) dead = true;
      return results;
    },
    exec: () => Promise.reject(killed()),
    withSession: () => {
      throw killed();
    },
  };
  return db as unknown as D1Database;
}
