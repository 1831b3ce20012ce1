import { Problem } from "./problem";

/** D1 recovers from these within seconds (a replica restarting, a network blip, overload). */
const RETRY_AFTER_SECONDS = 5;

/**
 * Failures of D1 itself, as its errors word them: unreachable, overloaded, timed out, reset.
 * Errors in a statement (SQLITE_ codes: a constraint, a syntax error) are faults of this code,
 * not of the storage, and stay 500s.
 */
const UNAVAILABLE = /D1_ERROR|D1 DB|network connection lost|storage operation exceeded timeout|overloaded/i;
const STATEMENT_FAULT = /SQLITE_[A-Z]+/;

function messages(err: unknown): string[] {
  const out: string[] = [];
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) out.push(e.message);
  return out;
}

/** The 503 to answer for a storage failure, or null when `err` is something else. */
export function storageUnavailable(err: unknown): Problem | null {
  if (err instanceof Problem) return null;
  const said = messages(err);
  if (!said.some((m) => UNAVAILABLE.test(m)) || said.some((m) => STATEMENT_FAULT.test(m))) return null;
  return unavailableProblem();
}

/** The 503 of storage that cannot answer for the moment (D1, or the asset store). */
export function unavailableProblem(): Problem {
  return new Problem({
    status: 503,
    code: "storage_unavailable",
    title: "Service unavailable",
    detail: `Storage is unavailable for the moment; retry after ${RETRY_AFTER_SECONDS} seconds.`,
    headers: { "retry-after": String(RETRY_AFTER_SECONDS) },
  });
}
