/**
 * Bindings that fail on command, for fault-injection tests: each wraps the real binding and,
 * while its switch says so, throws as the binding does when it is unavailable, or never answers.
 */
export type Fault = "none" | "error" | "hang";

export interface Switch {
  fault: Fault;
}

const never = () => new Promise<never>(() => {});

function failing<T extends object>(target: T, when: Switch, error: () => Error, methods: ReadonlySet<string>): T {
  return new Proxy(target, {
    get(object, name, receiver) {
      const value = Reflect.get(object, name, receiver);
      if (typeof value !== "function") return value;
      if (typeof name !== "string" || !methods.has(name)) return value.bind(object);
      return (...args: unknown[]) => {
        if (when.fault === "error") return Promise.reject(error());
        if (when.fault === "hang") return never();
        return value.apply(object, args);
      };
    },
  });
}

/** A KV namespace that fails its reads and writes as a degraded KV does. */
export function faultyKv(kv: KVNamespace, when: Switch): KVNamespace {
  return failing(kv, when, () => new Error("KV operation failed: 503 Service Unavailable"), new Set(["get", "getWithMetadata", "put", "delete", "list"]));
}

/** The location's Cache API, failing `match` and `put` on command (restore with the returned function). */
export function faultyEdgeCache(when: Switch): () => void {
  const cache = caches.default;
  const match = cache.match.bind(cache);
  const put = cache.put.bind(cache);
  const fail = <A extends unknown[], R>(real: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => (when.fault === "error" ? Promise.reject(new Error("Cache API: network error")) : when.fault === "hang" ? never() : real(...args));
  Object.defineProperty(cache, "match", { value: fail(match), configurable: true });
  Object.defineProperty(cache, "put", { value: fail(put), configurable: true });
  return () => {
    delete (cache as { match?: unknown }).match;
    delete (cache as { put?: unknown }).put;
  };
}

/**
 * A D1 database whose queries fail as D1 does when the database or its replica is unreachable.
 * Sessions are wrapped too: reads go through `withSession`. `primary` governs the database
 * itself and sessions that start at the primary; `replica`, every other session.
 */
export function faultyD1(db: D1Database, replica: Switch, primary: Switch = replica): D1Database {
  const error = () => new Error("D1_ERROR: Network connection lost.");
  const statements = new Set(["all", "first", "run", "raw"]);
  // The real batch takes only real statements: it is handed back the ones wrapped here.
  const real = new WeakMap<object, D1PreparedStatement>();
  const statement = (s: D1PreparedStatement, when: Switch): D1PreparedStatement => {
    const wrapped = new Proxy(s, {
      get(object, name) {
        const value = Reflect.get(object, name);
        if (typeof value !== "function") return value;
        if (name === "bind") return (...args: unknown[]) => statement(value.apply(object, args), when);
        if (typeof name === "string" && statements.has(name)) {
          return (...args: unknown[]) => (when.fault === "error" ? Promise.reject(error()) : when.fault === "hang" ? never() : value.apply(object, args));
        }
        return value.bind(object);
      },
    });
    real.set(wrapped, s);
    return wrapped;
  };
  const reader = <T extends D1Database | D1DatabaseSession>(target: T, when: Switch): T =>
    new Proxy(target, {
      get(object, name) {
        const value = Reflect.get(object, name);
        if (typeof value !== "function") return value;
        if (name === "prepare") return (sql: string) => statement(value.call(object, sql), when);
        if (name === "withSession") return (constraint?: string) => reader(value.call(object, constraint), constraint === "first-primary" ? primary : replica);
        if (name === "batch") {
          return (list: D1PreparedStatement[]) =>
            when.fault === "error" ? Promise.reject(error()) : when.fault === "hang" ? never() : value.call(object, list.map((s) => real.get(s) ?? s));
        }
        if (name === "exec") {
          return (...args: unknown[]) => (when.fault === "error" ? Promise.reject(error()) : when.fault === "hang" ? never() : value.apply(object, args));
        }
        return value.bind(object);
      },
    });
  return reader(db, primary);
}

/** An R2 bucket whose reads and writes fail as R2 does when it cannot be reached. */
export function faultyR2(bucket: R2Bucket, when: Switch): R2Bucket {
  return failing(bucket, when, () => new Error("R2 operation failed: 503 Service Unavailable"), new Set(["get", "head", "put", "delete", "list"]));
}
