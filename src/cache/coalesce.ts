/**
 * Request collapsing in the isolate (RFC 9111 §4): concurrent misses of one memory key wait for
 * the first one (the leader) and are answered from the entry it files in memory, so N readers
 * of a cold address cost one build. serve.ts decides who leads and what a follower is answered
 * with; this module only keeps the flights.
 *
 * Why each follower makes its own promise, resolved by the leader: the runtime runs a
 * continuation in the request that created the promise, and cancels it once that request has
 * ended. A follower that awaited a promise made by the leader would hang if the leader's client
 * went away first; one made by itself is only ever resolved from elsewhere, which is allowed.
 */
export interface Flight {
  /** Wakes the followers; null until the first one waits (a lone miss allocates no list). */
  waiters: (() => void)[] | null;
  /** The leader's `Cache-Status`, set before it lands: what its followers' answers report. */
  status: string | null;
}

const flights = new Map<string, Flight>();

/**
 * How long a follower waits at most. The leader lands in a `finally`, but a request whose client
 * went away is cancelled without running it; then its followers, and the next request, must not
 * wait for it forever. A build takes milliseconds to a second; past this the follower builds its
 * own answer, as it did before collapsing existed.
 */
const FOLLOW_MAX_MS = 5_000;

/** The flight building `key` in this isolate, if any: the one Map lookup a lone miss pays. */
export function flightOf(key: string): Flight | undefined {
  return flights.get(key);
}

/**
 * Starts a flight for `key`. The caller lands it with its answer's status as soon as that answer
 * is filed, and again in a `finally` (with null), so it lands whatever happens: only the first
 * call counts.
 */
export function lead(key: string): (status: string | null) => void {
  const flight: Flight = { waiters: null, status: null };
  flights.set(key, flight);
  let landed = false;
  return (status) => {
    if (landed) return;
    landed = true;
    flight.status = status;
    land(key, flight);
  };
}

/** Removes the flight, so a later request starts afresh, and wakes whoever waits for it. */
function land(key: string, flight: Flight): void {
  if (flights.get(key) === flight) flights.delete(key);
  const waiters = flight.waiters ?? [];
  flight.waiters = null;
  for (const wake of waiters) wake();
}

/**
 * Resolves when the flight's leader has landed, or after FOLLOW_MAX_MS (the flight is then
 * dropped). The follower clears its timer itself, after waking: a timer belongs to the request
 * that set it, and the leader wakes it from another.
 */
export async function follow(key: string, flight: Flight): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await new Promise<void>((resolve) => {
    timer = setTimeout(() => land(key, flight), FOLLOW_MAX_MS);
    (flight.waiters ??= []).push(resolve);
  });
  clearTimeout(timer);
}
