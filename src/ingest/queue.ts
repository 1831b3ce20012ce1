import { combined, contentChanged, type ArticlesChange } from "../cache/version";
import { claimSources, getSource, type SourceRow } from "../db/sources";
import { coalescingSender } from "../db/write-batches";
import type { RefreshRunReport } from "../domain";
import type { Bindings, RefreshMessage } from "../env";
import { healthChanged } from "./health";
import { forEachPolitely } from "./polite";
import { iso } from "./schedule";
import { fetchLimits, hostOf, Leftovers, pacing, politeness, refreshSource, storedChange } from "./source";

/** How long a source handed to the queue stays claimed (not due) while it waits its turn. */
const QUEUE_CLAIM_MS = 30 * 60_000;
/**
 * Consumers wrangler.toml lets run at once (`max_concurrency`): two may hold messages of one
 * host, so each takes half the per-host cap and the host still sees no more than the cap.
 */
const QUEUE_CONSUMERS = 2;
/** Sources of one host per queue message (ids are short: well under the 128 KB message limit). */
const SOURCES_PER_MESSAGE = 50;

/** Claims `sources` and sends them to the queue, grouped by host so each group is paced together. */
export async function handToQueue(env: Bindings, queue: Queue<RefreshMessage>, report: RefreshRunReport, sources: SourceRow[], force: boolean) {
  // Claimed sources are not due again until their message has had time to run, so the next
  // cron does not enqueue them twice; a lost message only delays a source, never drops it.
  await claimSources(env.DB, sources.map((s) => s.id), iso(Date.now() + QUEUE_CLAIM_MS));
  const byHost = new Map<string, string[]>();
  for (const s of sources) byHost.set(hostOf(s), [...(byHost.get(hostOf(s)) ?? []), s.id]);
  const messages: MessageSendRequest<RefreshMessage>[] = [];
  for (const ids of byHost.values()) {
    for (let i = 0; i < ids.length; i += SOURCES_PER_MESSAGE) messages.push({ body: { runId: report.id, force, sourceIds: ids.slice(i, i + SOURCES_PER_MESSAGE) } });
  }
  for (let i = 0; i < messages.length; i += 100) await queue.sendBatch(messages.slice(i, i + 100));
}

/**
 * Queue consumer: refreshes the sources named in a batch (each message: sources of one host),
 * paced per host, records each outcome under the run that queued it, and reports what the
 * batch changed once (the languages and sources it stored articles in). A message is acked
 * when all its sources are done, retried if storing an outcome failed; redelivery is harmless:
 * storing is idempotent.
 */
export async function refreshFromQueue(env: Bindings, batch: MessageBatch<RefreshMessage>): Promise<void> {
  const limits = fetchLimits(env);
  const changed: ArticlesChange[] = [];
  let health = 0;
  const jobs: { source: SourceRow; message: Message<RefreshMessage> }[] = [];
  const failed = new Set<Message<RefreshMessage>>();
  const left = new Leftovers();
  for (const message of batch.messages) {
    try {
      // Messages sent before sources were grouped by host name one source each.
      const ids = message.body.sourceIds ?? [(message.body as unknown as { sourceId: string }).sourceId];
      for (const id of ids) {
        const source = await getSource(env.DB, id);
        if (source?.enabled) jobs.push({ source, message });
      }
    } catch {
      failed.add(message);
    }
  }
  const hooks = pacing(limits);
  const send = coalescingSender(env.DB);
  await forEachPolitely(
    jobs,
    (job) => hostOf(job.source),
    async (job) => {
      try {
        const { outcome, signal, languages } = await refreshSource(env, job.source, limits, { runId: job.message.body.runId, advancesFinish: true }, send);
        changed.push(storedChange({ outcome, languages }));
        if (healthChanged(job.source, outcome)) health += 1;
        return signal;
      } catch {
        failed.add(job.message);
      }
    },
    politeness(env, QUEUE_CONSUMERS),
    { crawlDelayOf: (host, job) => hooks.crawlDelayOf!(host, job.source), deferred: (job, reason, until) => left.add(job.source, reason, until) },
  );
  await left.parkWaiting(env.DB);
  for (const message of batch.messages) failed.has(message) ? message.retry() : message.ack();
  await contentChanged(env, { ...combined(changed), health });
}
