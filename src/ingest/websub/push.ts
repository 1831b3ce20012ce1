import { contentChanged } from "../../cache/version";
import { finishRunStatement, recordOutcome, startRun } from "../../db/runs";
import { getSource } from "../../db/sources";
import { SOURCE_GONE, storeArticles } from "../../db/store";
import { deliverySeen, recordDelivery, type Subscription, subscriptionById } from "../../db/websub";
import type { RefreshRunReport, SourceOutcome } from "../../domain";
import type { Bindings } from "../../env";
import { readBounded } from "../fetch";
import { normalizeFeed } from "../normalize";
import { FeedParseError, parseFeed } from "../parse";
import { iso } from "../schedule";

/** Largest pushed body read; a hub delivers the new entries, not the archive. */
export const PUSH_MAX_BYTES = 2 * 1024 * 1024;

export type PushResult =
  /** Stored through the refresh pipeline and recorded as a `push` run. */
  | { kind: "stored"; outcome: SourceOutcome }
  /** Authentic but not a feed: recorded as a failed `push` run, nothing stored. */
  | { kind: "unreadable"; outcome: SourceOutcome }
  /** Answered 2xx and otherwise ignored (WebSub §8): a bad signature, or a replay. */
  | { kind: "ignored"; reason: "bad_signature" | "replay" }
  /** Our fault (D1): nothing written, the hub should deliver again. */
  | { kind: "failed" }
  | { kind: "gone" }
  | { kind: "too_large" };

const ALGORITHMS: Record<string, string> = { sha1: "SHA-1", sha256: "SHA-256", sha384: "SHA-384", sha512: "SHA-512" };

function fromHex(text: string): Uint8Array | null {
  if (!/^(?:[0-9a-f]{2})+$/i.test(text)) return null;
  return Uint8Array.from(text.match(/../g)!, (h) => parseInt(h, 16));
}

/**
 * `X-Hub-Signature: {method}={hex HMAC of the raw body}` with the subscription's secret.
 * crypto.subtle.verify compares the MAC in constant time.
 */
export async function signatureValid(header: string | null, body: Uint8Array, secret: string): Promise<boolean> {
  const m = /^\s*(sha1|sha256|sha384|sha512)=([0-9a-f]+)\s*$/i.exec(header ?? "");
  const hash = m ? ALGORITHMS[m[1]!.toLowerCase()] : undefined;
  const mac = m ? fromHex(m[2]!) : null;
  if (!hash || !mac) return false;
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash }, false, ["verify"]);
  return crypto.subtle.verify("HMAC", key, mac, body);
}

async function digestOf(body: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
  return [...hash].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Content distribution (WebSub §8) at the callback `id`: the body is read up to PUSH_MAX_BYTES,
 * its signature checked, a body already received is recognized by its digest and costs nothing,
 * and a new one goes through the refresh pipeline (decode, parse, normalize, store) as if the
 * feed had been fetched, recorded as a run with trigger `push`.
 */
export async function receivePush(env: Bindings, id: string, request: Request): Promise<PushResult> {
  const sub = await subscriptionById(env.DB, id);
  if (!sub) {
    await request.body?.cancel();
    return { kind: "gone" };
  }
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > PUSH_MAX_BYTES) {
    await request.body?.cancel();
    return { kind: "too_large" };
  }
  const body = await readBounded(request.body, PUSH_MAX_BYTES);
  if (!body) return { kind: "too_large" };
  if (!(await signatureValid(request.headers.get("x-hub-signature"), body, sub.secret))) {
    console.warn(JSON.stringify({ level: "warn", msg: "websub delivery with a missing or wrong signature ignored", source: sub.sourceId }));
    return { kind: "ignored", reason: "bad_signature" };
  }
  const digest = await digestOf(body);
  if (await deliverySeen(env.DB, sub.id, digest)) return { kind: "ignored", reason: "replay" };
  const outcome = await storePush(env, sub, body, request.headers.get("content-type"));
  if (outcome.error?.code === "store_failed") return { kind: "failed" };
  await recordDelivery(env.DB, sub.id, digest, iso(Date.now()));
  return outcome.status === "ok" ? { kind: "stored", outcome } : { kind: "unreadable", outcome };
}

async function storePush(env: Bindings, sub: Subscription, body: Uint8Array, contentType: string | null): Promise<SourceOutcome> {
  const started = Date.now();
  const report: RefreshRunReport = { id: crypto.randomUUID(), started_at: iso(started), finished_at: null, trigger: "push", status: "running", sources: [] };
  await startRun(env.DB, report, iso(started + 60_000));
  const outcome = (o: Omit<SourceOutcome, "id" | "duration_ms">): SourceOutcome => ({ id: sub.sourceId, ...o, duration_ms: Date.now() - started });
  let result: SourceOutcome;
  const source = await getSource(env.DB, sub.sourceId);
  if (!source) {
    result = outcome({ status: "skipped", http_status: null, new: 0, updated: 0, unchanged: 0, error: { code: "source_gone", message: "the source was removed" } });
  } else {
    try {
      const feed = parseFeed(body, { url: sub.topic, contentType });
      const items = await normalizeFeed(feed, { id: source.id, url: sub.topic, language: source.language, storyScope: source.storyScope, storyKey: source.storyKey });
      // The polled feed's validators, schedule and health are kept: a push says nothing about them.
      const { queries: _, languages: _languages, warnings, sourceGone, ...counts } = await storeArticles(env.DB, items, { sourceId: source.id, status: "pushed" }, iso(Date.now()), { periods: env });
      const ok = outcome({ status: "ok", http_status: null, ...counts, error: null });
      // Deleted between the look-up above and the store: the store wrote nothing.
      if (sourceGone) result = outcome({ status: "skipped", http_status: null, new: 0, updated: 0, unchanged: 0, error: { ...SOURCE_GONE } });
      else result = warnings.length ? { ...ok, warnings } : ok;
    } catch (err) {
      const code = err instanceof FeedParseError ? `parse_${err.code}` : "store_failed";
      const message = err instanceof FeedParseError ? err.message : "the items could not be stored; nothing was written";
      if (!(err instanceof FeedParseError)) console.error(JSON.stringify({ level: "error", msg: "push store failed", source: sub.sourceId, error: String(err) }));
      result = outcome({ status: "error", http_status: null, new: 0, updated: 0, unchanged: 0, error: { code, message } });
    }
  }
  report.sources.push(result);
  report.finished_at = iso(Date.now());
  report.status = "finished";
  await recordOutcome(env.DB, report.id, result);
  await finishRunStatement(env.DB, report).run();
  await contentChanged(env, { kind: "articles", stored: result.new + result.updated });
  return result;
}
