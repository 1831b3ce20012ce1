// Memory sampler, run in a worker thread so that the load generator busy on the main thread
// cannot delay it: every second, workerd's RSS and (through the inspector) the app isolate's
// used JS heap, posted to the parent until it says stop. Asked for "retained", it takes a heap
// snapshot (V8 runs a full collection first; workerd does not run HeapProfiler.collectGarbage)
// and reports the used heap after it: what the isolate really holds at that moment.
import { parentPort, workerData } from "node:worker_threads";
import { rssBytes } from "./harness.mjs";
import { openSession } from "./inspector.mjs";

const { pid, wsUrl, intervalMs = 1000, maxSamples = 3600 } = workerData;
const session = wsUrl ? await openSession(wsUrl).catch(() => null) : null;
const t0 = Date.now();
let stopped = false;
let busy = Promise.resolve();
parentPort.on("message", (m) => {
  if (m === "stop") stopped = true;
  else if (m?.type === "retained") {
    busy = busy.then(async () => {
      let heap = null;
      if (session) {
        try {
          await session.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
          heap = (await session.send("Runtime.getHeapUsage")).usedSize;
        } catch {}
      }
      parentPort.postMessage({ type: "retained", tag: m.tag, heap });
    });
  }
});

async function sample() {
  await busy;
  const [rss, heap] = await Promise.all([
    rssBytes(pid),
    session ? session.send("Runtime.getHeapUsage").then((r) => r.usedSize, () => null) : null,
  ]);
  return { t: (Date.now() - t0) / 1000, rss, heap };
}

parentPort.postMessage({ type: "ready", heap: !!session });
for (let i = 0; i < maxSamples && !stopped; i++) {
  const started = Date.now();
  parentPort.postMessage({ type: "sample", sample: await sample() });
  await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (Date.now() - started))));
}
session?.close();
parentPort.postMessage({ type: "done" });
