/** How a call to a binding ended: its value, or why there is none. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; fault: "error" | "timeout" };

/**
 * Waits for a binding call at most `ms` (a call that throws at once is an error like any other): a degraded KV or Cache API must cost a request a
 * bounded delay, never the whole request. The call itself is left to finish or fail unobserved.
 * One promise settled by whichever comes first, the call or the timer: every miss makes two or
 * three of these, where a race of three promises was a measurable part of its work.
 */
export function bounded<T>(call: () => Promise<T>, ms: number): Promise<Outcome<T>> {
  return new Promise<Outcome<T>>((resolve) => {
    let settled = false;
    const end = (outcome: Outcome<T>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => end({ ok: false, fault: "timeout" }), ms);
    try {
      Promise.resolve(call()).then(
        (value) => end({ ok: true, value }),
        () => end({ ok: false, fault: "error" }),
      );
    } catch {
      end({ ok: false, fault: "error" });
    }
  });
}
