import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { runRefresh } from "../../src/ingest/run";
import { addSource, upstreamRequests } from "../support/worker";

// A source's fetch slot is released once its body is read: the next fetch to the host goes out
// while the first source is still being stored. Shown with one request at a time per host and
// a D1 that holds the first article write until the upstream has seen the second request.

const FIRST = "/basic/en.xml?overlap=first";
const SECOND = "/basic/fr.atom?overlap=second";

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

describe("a refresh run", () => {
  it("fetches the next source of a host while the previous one is still being stored", async () => {
    await addSource("overlap-first", FIRST);
    await addSource("overlap-second", SECOND);
    let held: boolean | null = null;
    const gated = new Proxy(env.DB, {
      get(target, prop) {
        if (prop !== "batch") {
          const v = Reflect.get(target, prop);
          return typeof v === "function" ? v.bind(target) : v;
        }
        return async (statements: D1PreparedStatement[]) => {
          // The first batch that writes articles (a chunk is 4 statements, plus the source state) waits for the second fetch (or gives up).
          if (held === null && statements.length >= 5) {
            held = await until(async () => (await upstreamRequests()).some((r) => r.path === SECOND), 5_000);
          }
          return target.batch(statements);
        };
      },
    });
    const report = await runRefresh({ ...env, REFRESH_PER_HOST: "1", DB: gated }, { trigger: "manual", force: true });
    expect(held).toBe(true);
    const byId = new Map(report.sources.map((s) => [s.id, s]));
    expect(byId.get("overlap-first")).toMatchObject({ status: "ok", new: 12 });
    expect(byId.get("overlap-second")).toMatchObject({ status: "ok", new: 3 });
  });
});
