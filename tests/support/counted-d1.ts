/**
 * A D1 database that counts its round trips: each statement run (`all`, `first`, `run`, `raw`)
 * and each `batch` is one. Sessions are wrapped too: reads go through `withSession`.
 */
export function countedD1(db: D1Database): { db: D1Database; trips: () => number } {
  let trips = 0;
  const runs = new Set(["all", "first", "run", "raw"]);
  // The real batch takes only real statements: it is handed back the ones wrapped here.
  const real = new WeakMap<object, D1PreparedStatement>();
  const statement = (s: D1PreparedStatement): D1PreparedStatement => {
    const wrapped = new Proxy(s, {
      get(object, name) {
        const value = Reflect.get(object, name);
        if (typeof value !== "function") return value;
        if (name === "bind") return (...args: unknown[]) => statement(value.apply(object, args));
        if (typeof name === "string" && runs.has(name)) return (...args: unknown[]) => (trips++, value.apply(object, args));
        return value.bind(object);
      },
    });
    real.set(wrapped, s);
    return wrapped;
  };
  const reader = <T extends D1Database | D1DatabaseSession>(target: T): T =>
    new Proxy(target, {
      get(object, name) {
        const value = Reflect.get(object, name);
        if (typeof value !== "function") return value;
        if (name === "prepare") return (sql: string) => statement(value.call(object, sql));
        if (name === "withSession") return (constraint?: string) => reader(value.call(object, constraint));
        if (name === "batch") return (list: D1PreparedStatement[]) => (trips++, value.call(object, list.map((s) => real.get(s) ?? s)));
        if (name === "exec") return (...args: unknown[]) => (trips++, value.apply(object, args));
        return value.bind(object);
      },
    });
  return { db: reader(db), trips: () => trips };
}
