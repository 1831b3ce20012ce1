import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { acquireLease, releaseLease, renewLease } from "../../src/db/lease";
import { ADMIN, addSource, getJson, refreshNow } from "../support/worker";

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

describe("the refresh lease", () => {
  it("answers 409 with Retry-After while another run holds it, and runs once it lapses", async () => {
    await addSource("lease-en", "/basic/en.xml");
    const now = Date.now();
    await acquireLease(env.DB, "other-run", iso(now), iso(now + 45_000));
    const busy = await SELF.fetch("http://app.test/api/v1/admin/refresh?force=true", { method: "POST", headers: ADMIN });
    expect(busy.status).toBe(409);
    const retryAfter = Number(busy.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(((await busy.json()) as { data: { skipped: string } }).data.skipped).toMatch(/in progress/);

    // A holder that stopped renewing: its lease lapses and the next refresh goes ahead.
    await env.DB.prepare("UPDATE app_state SET expires_at = ? WHERE key = 'refresh-lease'").bind(iso(Date.now() - 1000)).run();
    const { status, report } = await refreshNow();
    expect(status).toBe(200);
    expect(report).toMatchObject({ status: "finished" });
    expect((await getJson("/api/v1/admin/runs", { headers: ADMIN })).body.data[0]).toMatchObject({ id: report.id, status: "finished" });
  });

  it("is renewed only by the run holding it, and released only by it", async () => {
    const now = Date.now();
    expect(await acquireLease(env.DB, "run-a", iso(now), iso(now + 60_000))).toEqual({ acquired: true });
    expect(await acquireLease(env.DB, "run-b", iso(now), iso(now + 60_000))).toMatchObject({ acquired: false, expiresAt: iso(now + 60_000) });
    expect(await renewLease(env.DB, "run-a", iso(now + 120_000))).toBe(true);
    expect(await renewLease(env.DB, "run-b", iso(now + 120_000))).toBe(false);
    await releaseLease(env.DB, "run-b");
    expect(await acquireLease(env.DB, "run-b", iso(now + 61_000), iso(now + 121_000))).toMatchObject({ acquired: false });
    await releaseLease(env.DB, "run-a");
    expect(await acquireLease(env.DB, "run-b", iso(now), iso(now + 60_000))).toEqual({ acquired: true });
    await releaseLease(env.DB, "run-b");
  });
});
