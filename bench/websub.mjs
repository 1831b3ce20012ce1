// Publish-to-listed delay with WebSub push, against the production bundle in workerd. A real
// hub on loopback: the Worker's poll discovers it in the feed and subscribes, the hub verifies
// the intent over HTTP, then "publishes" stories one at a time by delivering a signed Atom
// document to the callback. Each delay runs from the moment the hub starts the delivery until
// the story is first returned by GET /api/v1/articles (reads in a tight loop, through the
// response cache as clients read). Polling alone is arithmetic: a story waits for the next cron
// (every 15 minutes), 7.5 minutes on average, 15 at worst, plus the fetch.
import { createHmac } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { startUpstream } from "../demo/upstream.mjs";
import { ADMIN_TOKEN, applyMigrations, startApp, waitFor } from "./harness.mjs";
import { median } from "./stats.mjs";

/** The callback origin the Worker gives hubs; the hub reaches it at the app's loopback address. */
const CALLBACK_BASE = "http://websub.bench";

const atom = (self, hub, entries) =>
  `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Bench push</title><id>urn:bench:push</id><updated>2026-12-07T08:00:00Z</updated>` +
  `<link rel="self" href="${self}"/><link rel="hub" href="${hub}"/>` +
  entries.map((n) => `<entry><title>Pushed story ${n}</title><id>urn:bench:push:${n}</id><link href="https://push.example.org/${n}"/><updated>2026-12-07T09:00:00Z</updated><summary>Story ${n}, delivered by the hub.</summary></entry>`).join("") +
  `</feed>`;

export async function websubBench({ scriptPath, workDir, stories = 30, log = () => {} }) {
  await rm(workDir, { recursive: true, force: true });
  await mkdir(path.join(workDir, "feeds"), { recursive: true });
  let app;
  let upstream;
  const subscriptions = [];
  try {
    upstream = await startUpstream({
      root: path.join(workDir, "feeds"),
      routes: {
        "/hub": (req, res) => {
          const chunks = [];
          req.on("data", (c) => chunks.push(c));
          req.on("end", () => {
            const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
            subscriptions.push(Object.fromEntries(form));
            res.writeHead(202).end();
          });
        },
      },
    });
    const topic = `${upstream.origin}/feed.atom`;
    await writeFile(path.join(workDir, "feeds", "feed.atom"), atom(topic, `${upstream.origin}/hub`, [0]));
    app = await startApp({ scriptPath, d1Dir: path.join(workDir, "d1"), kvDir: path.join(workDir, "kv"), hello: false, bindings: { WEBSUB_CALLBACK_BASE: CALLBACK_BASE } });
    await applyMigrations(await app.db());
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const created = await fetch(`${app.origin}/api/v1/sources`, { method: "POST", headers: { ...admin, "content-type": "application/json" }, body: JSON.stringify({ id: "bench-push", name: "Bench push", url: topic, language: "en" }) });
    if (created.status !== 201) throw new Error(`registering the source answered ${created.status}`);
    await (await fetch(`${app.origin}/api/v1/admin/refresh?source=bench-push`, { method: "POST", headers: admin })).arrayBuffer();
    const request = await waitFor(() => subscriptions[0]);
    if (!request) throw new Error("the hub received no subscription request");
    const callback = request["hub.callback"].replace(CALLBACK_BASE, app.origin);
    const challenge = "bench-challenge";
    const verified = await fetch(`${callback}?${new URLSearchParams({ "hub.mode": "subscribe", "hub.topic": request["hub.topic"], "hub.challenge": challenge, "hub.lease_seconds": "86400" })}`);
    if ((await verified.text()) !== challenge) throw new Error(`verification answered ${verified.status}`);

    const delays = [];
    const deliveries = [];
    for (let n = 1; n <= stories; n++) {
      const body = atom(topic, `${upstream.origin}/hub`, [n]);
      const signature = `sha256=${createHmac("sha256", request["hub.secret"]).update(body).digest("hex")}`;
      const started = performance.now();
      const res = await fetch(callback, { method: "POST", headers: { "content-type": "application/atom+xml", "x-hub-signature": signature }, body });
      await res.arrayBuffer();
      deliveries.push(performance.now() - started);
      if (res.status !== 202) throw new Error(`delivery ${n} answered ${res.status}`);
      const listed = await waitFor(async () => {
        const page = await (await fetch(`${app.origin}/api/v1/articles?source=bench-push&per_page=1`)).json();
        return page.data?.[0]?.title === `Pushed story ${n}`;
      }, { timeoutMs: 10_000, intervalMs: 0 });
      if (!listed) throw new Error(`story ${n} was not listed within 10 s`);
      delays.push(performance.now() - started);
    }
    const sorted = [...delays].sort((a, b) => a - b);
    const result = {
      stories,
      deliveryMs: { median: median(deliveries) },
      publishToListedMs: { median: median(delays), p95: sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)], max: sorted[sorted.length - 1] },
      pollOnlyMs: { mean: 7.5 * 60_000, worst: 15 * 60_000 },
    };
    log(JSON.stringify(result));
    return result;
  } finally {
    await app?.dispose().catch(() => {});
    await upstream?.close().catch(() => {});
    await rm(workDir, { recursive: true, force: true }).catch(() => {});
  }
}

// `node bench/websub.mjs [stories]` runs this benchmark alone.
if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const { RESULTS_DIR, buildWorker } = await import("./build.mjs");
  const build = await buildWorker(path.join(RESULTS_DIR, ".build", "websub-worker"));
  console.log("websub: publish-to-listed delay through a loopback hub");
  await websubBench({ scriptPath: build.scriptPath, workDir: path.join(RESULTS_DIR, ".build", "websub-work"), stories: Number(process.argv[2] ?? 30), log: console.log });
}
