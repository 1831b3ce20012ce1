import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import type { Bindings } from "../../src/env";
import worker from "../../src/index";
import { faultyD1, type Switch } from "../support/faults";
import { counters, countRows, matches, moveNovember, P1, P2, resetToNovember, seedSource, versions } from "../support/shard-rows";
import { readEverywhere } from "../support/shards";
import { ADMIN } from "../support/worker";

/** DELETE /api/v1/sources/{id}?purge=true through the Worker, with some bindings replaced. */
async function purge(id: string, over: Partial<Bindings> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const req = new Request(`http://app.test/api/v1/sources/${id}?purge=true`, { method: "DELETE", headers: ADMIN });
  const res = await worker.fetch!(req as Request<unknown, IncomingRequestCfProperties>, { ...env, ...over }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const sourcesOf = async () => [...new Set((await readEverywhere()).map((r) => r.id))].length;
const ofSource = (source: string) => `source_id = '${source}'`;

describe("purging a source whose articles moved to period databases", () => {
  beforeEach(async () => {
    await resetToNovember();
    await env.DB.prepare("DELETE FROM sources").run();
  });

  it("removes them from every period database with their search entries and counters, and bumps those periods' versions", async () => {
    await seedSource("purged", [{ day: 2, word: "anemometer" }, { day: 10, word: "barograph" }, { day: 20, word: "chronometer" }]);
    await seedSource("kept", [{ day: 3, word: "dipstick" }]);
    expect(await moveNovember()).toMatchObject({ moved: 3 });
    expect(await sourcesOf()).toBe(4);
    const before = await versions();

    expect((await purge("purged")).status).toBe(204);
    const left = await readEverywhere();
    expect(left).toHaveLength(1);
    expect([await countRows(env.DB), await countRows(env.SHARD_1), await countRows(env.SHARD_2)]).toEqual([0, 1, 0]);
    expect([await counters(env.SHARD_1), await counters(env.SHARD_2)]).toEqual([1, 0]);
    expect([await matches(env.SHARD_1, "anemometer"), await matches(env.SHARD_2, "barograph"), await matches(env.SHARD_1, "dipstick")]).toEqual([0, 0, 1]);
    expect(await versions()).toEqual({ [P1.name]: before[P1.name]! + 1, [P2.name]: before[P2.name]! + 1 });
    // Nothing of it is left anywhere: a repeat finds nothing.
    expect((await purge("purged")).status).toBe(404);
  });

  it("with a period database down, deletes the rest, names that period in a 503, and a repeat finishes it", async () => {
    await seedSource("halfway", [{ day: 2, word: "eyepiece" }, { day: 11, word: "fathometer" }, { day: 21, word: "gyroscope" }]);
    await moveNovember();
    const before = await versions();

    const down: Switch = { fault: "error" };
    const res = await purge("halfway", { SHARD_2: faultyD1(env.SHARD_2, down) });
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await res.json()) as { code: string; detail: string };
    expect(problem.code).toBe("purge_incomplete");
    expect(problem.detail).toContain(`${P2.name} (${P2.binding}`);
    expect(problem.detail).toContain("repeat this request");
    // Done live and in the period that answered; the other still holds its article.
    expect([await countRows(env.DB), await countRows(env.SHARD_1), await countRows(env.SHARD_2, ofSource("halfway"))]).toEqual([0, 0, 1]);
    expect(await versions()).toEqual({ [P1.name]: before[P1.name]! + 1, [P2.name]: before[P2.name] });

    expect((await purge("halfway")).status).toBe(204);
    expect(await countRows(env.SHARD_2)).toBe(0);
    expect(await matches(env.SHARD_2, "fathometer")).toBe(0);
    expect(await versions()).toEqual({ [P1.name]: before[P1.name]! + 1, [P2.name]: before[P2.name]! + 1 });
    expect(await readEverywhere()).toEqual([]);
  });

  it("says so when a period's binding is missing from the deploy, and keeps nothing live", async () => {
    await seedSource("unbound", [{ day: 12, word: "hygrometer" }, { day: 22, word: "inclinometer" }]);
    await moveNovember();
    const res = await purge("unbound", { SHARD_2: undefined } as Partial<Bindings>);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { detail: string }).detail).toContain("no D1 database bound as SHARD_2");
    expect(await countRows(env.DB)).toBe(0);
    expect((await purge("unbound")).status).toBe(204);
  });

  it("leaves no orphan when the purge lands between a row's copy to its period and the mover's live batch", async () => {
    await seedSource("orphaned", [{ day: 2, word: "jackstaff" }, { day: 3, word: "kedge" }]);
    await seedSource("survivor", [{ day: 4, word: "lanyard" }]);
    let purged = false;
    // The purge runs, end to end, after the mover read the slice and before its copy lands.
    const late = new Proxy(env.SHARD_1, {
      get(target, name) {
        if (name !== "batch") return Reflect.get(target, name).bind(target);
        return async (statements: D1PreparedStatement[]) => {
          if (!purged) {
            purged = true;
            expect((await purge("orphaned")).status).toBe(204);
          }
          return target.batch(statements);
        };
      },
    });
    const report = await moveNovember({ SHARD_1: late });
    // The first slice's live batch rolled back (its rows went); the next slice swept the orphans first.
    expect(report).toMatchObject({ moved: 1, superseded: 3, orphans: 2, done: true });
    expect(await countRows(env.SHARD_1)).toBe(1);
    expect(await counters(env.SHARD_1)).toBe(1);
    expect(await matches(env.SHARD_1, "jackstaff")).toBe(0);
    const everywhere = await readEverywhere();
    expect(everywhere).toHaveLength(1);
    expect(everywhere[0]!.place).toBe(P1.name);
  });
});
