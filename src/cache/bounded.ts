/** How a call to a binding ended: its value, or why there is none. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; fault: "error" | "timeout" };

/**
 * Waits for a binding call at most `ms` (a call that throws at once is an error like any other): a degraded KV or Cache API must cost a request a
 * bounded delay, never the whole request. The call itself is left to finish or fail unobserved.
 */
export async function bounded<T>(call: () => Promise<T>, ms: number): Promise<Outcome<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Outcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, fault: "timeout" }), ms);
  });
  try {
    const work = new Promise<T>((resolve) => resolve(call()));
    return await Promise.race([work.then((value): Outcome<T> => ({ ok: true, value }), (): Outcome<T> => ({ ok: false, fault: "error" })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
