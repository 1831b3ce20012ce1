// The local runtime killed in the middle of a forced refresh, then started again on the same
// database, as `npm start` would be: nothing lost or duplicated, the killed run visible as
// interrupted, and refreshing works again once its short lease lapses (no ten-minute wait).
// A publisher of this test's own holds one feed open, so the kill lands mid-run.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM module shared with `npm start`, typed by its JSDoc
import { startStack } from "../../scripts/stack.mjs";
import { freePort } from "./free-port";

type Stack = { base: string; adminToken: string; stop: () => Promise<void> };

const FAST = ["kill-01", "kill-02", "kill-03", "kill-04", "kill-05", "kill-06"];
const GATE = "kill-00-gate";
const ITEMS = 5;

function feed(id: string): string {
  const items = Array.from({ length: ITEMS }, (_, i) =>
    `<item><title>Story ${i} of ${id}</title><guid>${id}-${i}</guid><link>https://kill.example.org/${id}/${i}</link>` +
    `<pubDate>Mon, 16 Nov 2026 10:0${i}:00 GMT</pubDate><description>Text ${i} of ${id}.</description></item>`).join("");
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${id}</title><link>https://kill.example.org/</link><language>en</language>${items}</channel></rss>`;
}

/** A publisher whose gate feed hangs until opened; tells when the gate was first asked for. */
async function publisher() {
  let open = false;
  let gateHit: () => void = () => {};
  const hit = new Promise<void>((resolve) => (gateHit = resolve));
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const id = /^\/feed\/([\w-]+)\.xml$/.exec(req.url ?? "")?.[1];
    if (!id) return void res.writeHead(404).end();
    if (id === GATE && !open) return void gateHit();
    res.writeHead(200, { "content-type": "application/rss+xml" }).end(feed(id));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return {
    origin,
    hit,
    open: () => void (open = true),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

async function until<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

let persistTo = "";
let stack: Stack | null = null;
let upstream: Awaited<ReturnType<typeof publisher>> | null = null;

afterAll(async () => {
  await stack?.stop();
  await upstream?.close();
  if (persistTo) await rm(persistTo, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

describe("the local runtime killed during a forced refresh", () => {
  it("restarts on the same data with nothing lost or duplicated and the run shown as interrupted", async () => {
    persistTo = await mkdtemp(path.join(tmpdir(), "edge-news-kill-"));
    upstream = await publisher();
    stack = (await startStack({ port: await freePort(), persistTo })) as Stack;
    const api = (base: string, method: string, pathname: string, body?: unknown) =>
      fetch(`${base}${pathname}`, {
        method,
        headers: { authorization: `Bearer ${stack!.adminToken}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    for (const id of [GATE, ...FAST]) {
      const res = await api(stack.base, "POST", "/api/v1/sources", { id, name: id, url: `${upstream.origin}/feed/${id}.xml`, language: "en" });
      expect(res.status).toBe(201);
    }

    // A forced refresh starts; the gate feed hangs, so it is still working when the kill comes.
    const base = stack.base;
    void api(base, "POST", "/api/v1/admin/refresh?force=true").catch(() => {});
    await upstream.hit;
    const running = await until(async () => {
      const runs = (await (await api(base, "GET", "/api/v1/admin/runs")).json()) as { data: { id: string; status: string; sources: { id: string }[] }[] };
      const run = runs.data.find((r) => r.status === "running");
      return run && run.sources.some((s) => FAST.includes(s.id)) ? run : undefined;
    }, "a running run with recorded outcomes");
    await stack.stop();
    stack = null;

    // Started again on the same database (the gate now answers): its first cron waits out the
    // dead run's lease, then refreshes.
    upstream.open();
    stack = (await startStack({ port: await freePort(), persistTo })) as Stack;
    const runs = (await (await api(stack.base, "GET", "/api/v1/admin/runs")).json()) as { data: { id: string; status: string; finished_at: string | null; sources: { id: string; status: string; new: number }[] }[] };
    const killed = runs.data.find((r) => r.id === running.id);
    expect(killed).toMatchObject({ status: "interrupted", finished_at: null });
    expect(killed!.sources.some((s) => s.id === GATE)).toBe(false);
    for (const s of killed!.sources.filter((o) => o.status === "ok")) expect(s.new).toBe(ITEMS);

    const again = await api(stack.base, "POST", "/api/v1/admin/refresh?force=true");
    expect(again.status).toBe(200);
    expect(((await again.json()) as { data: { status: string } }).data.status).toBe("finished");
    for (const id of [GATE, ...FAST]) {
      const listed = (await (await fetch(`${stack.base}/api/v1/articles?source=${id}&per_page=100`)).json()) as { data: { url: string }[]; meta: { total: number } };
      expect(listed.meta.total).toBe(ITEMS);
      expect(new Set(listed.data.map((a) => a.url)).size).toBe(ITEMS);
    }
  }, 300_000);
});
