// `npm start`: the Worker on 127.0.0.1:$PORT (default 8787) with live demo content loaded
// through the real refresh pipeline (see scripts/stack.mjs). Ctrl-C stops everything.
import { startStack } from "./stack.mjs";

const port = Number(process.env.PORT ?? 8787);
let stack;

async function shutdown(code) {
  await stack?.stop();
  process.exit(code);
}
process.on("SIGINT", () => {
  console.log("\nstopping…");
  void shutdown(0);
});
process.on("SIGTERM", () => void shutdown(0));

try {
  stack = await startStack({
    port,
    log: (line) => console.log(line),
    progress: (done, total) => process.stdout.write(`\r  first refresh: ${done}/${total} demo sources fetched`),
    inheritWorkerOutput: true,
  });
  process.stdout.write("\n");
  const loaded = stack.sources.reduce((n, s) => n + s.article_count, 0);
  const failed = stack.sources.filter((s) => s.last_status === "error");
  console.log(`\n  News API running at ${stack.base}`);
  console.log(`  loaded ${loaded} articles from ${stack.sources.length - failed.length} of ${stack.sources.length} sources through the refresh pipeline`);
  for (const s of failed) console.log(`  ! ${s.id}: ${s.last_error}`);
  console.log(`  try ${stack.base}/api/v1/articles · ${stack.base}/healthz`);
  console.log(`  the cron handler fires on its schedule (${stack.cron}); press Ctrl-C to stop.\n`);
  setInterval(() => stack.fireCron().catch((err) => console.error(`cron: ${err.message}`)), stack.intervalMs);
} catch (err) {
  console.error(`\nnpm start failed: ${err.message}`);
  process.exit(1);
}
