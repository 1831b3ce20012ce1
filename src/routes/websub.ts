import { Hono } from "hono";
import type { AppEnv } from "../env";
import { invalidParameters, Problem } from "../errors/problem";
import { parseParams, queryObject } from "../http/params";
import { verifyIntent } from "../ingest/websub/intent";
import { PUSH_MAX_BYTES, receivePush } from "../ingest/websub/push";
import { websubVerifyQuery } from "./websub.input";

/** Callback ids are 32 hex digits (ingest/websub/hub.ts); anything else names no subscription. */
const CALLBACK_ID = /^[0-9a-f]{32}$/;

const refused = () => new Problem({ status: 404, code: "not_found", title: "Not found", detail: "no subscription for this topic at this callback is waiting for verification" });

/** The WebSub callback (`/websub/{id}`): hubs verify subscriptions and deliver content here. */
export const websubRoutes = new Hono<AppEnv>()
  .get("/:id", async (c) => {
    c.header("cache-control", "no-store");
    const q = parseParams(websubVerifyQuery, queryObject(new URL(c.req.url)));
    if (q["hub.mode"] === "subscribe" && q["hub.challenge"] === undefined) {
      throw invalidParameters([{ path: "hub.challenge", message: "is required with hub.mode=subscribe" }]);
    }
    const id = c.req.param("id");
    if (!CALLBACK_ID.test(id)) throw refused();
    const confirmed = await verifyIntent(c.env, id, {
      mode: q["hub.mode"],
      topic: q["hub.topic"],
      challenge: q["hub.challenge"],
      leaseSeconds: q["hub.lease_seconds"],
      reason: q["hub.reason"],
    });
    if (!confirmed) throw refused();
    return c.text(confirmed.echo, 200);
  })
  .post("/:id", async (c) => {
    c.header("cache-control", "no-store");
    const id = c.req.param("id");
    const result = CALLBACK_ID.test(id) ? await receivePush(c.env, id, c.req.raw) : ({ kind: "gone" } as const);
    switch (result.kind) {
      case "stored":
      case "ignored":
        return c.body(null, 202);
      case "unreadable":
        throw new Problem({ status: 400, code: "unreadable_content", title: "Unreadable content", detail: `${result.outcome.error?.code}: ${result.outcome.error?.message}` });
      case "too_large":
        throw new Problem({ status: 413, code: "too_large", title: "Content too large", detail: `the body exceeds ${PUSH_MAX_BYTES} bytes` });
      case "failed":
        throw new Problem({ status: 503, code: "store_failed", title: "Not stored", detail: "the content could not be stored; nothing was written: deliver it again later", headers: { "retry-after": "60" } });
      case "gone":
        throw new Problem({ status: 410, code: "subscription_gone", title: "Subscription gone", detail: "no subscription at this callback" });
    }
  });
