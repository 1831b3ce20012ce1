import { adminFailures, adminSecurity, envelope, header, jsonResponse, pathParameter, problemExample, problemResponse, sharedResponse, type RouteContract } from "../http/openapi";
import { websubVerifyQuery } from "./websub.input";

const callbackId = pathParameter("id", "3f9c2a7d41e08b6c5d2e9f1a0b7c4d83", { type: "string", pattern: "^[0-9a-f]{32}$" });
const noStore = { "Cache-Control": header("`no-store`") };
const topic = "https://news.example.org/feed.xml";

const subscription = {
  type: "object",
  properties: {
    source_id: { type: "string" },
    hub: { type: "string", format: "uri" },
    topic: { type: "string", format: "uri" },
    state: { type: "string", enum: ["pending", "active", "denied", "failed", "expired"] },
    lease_seconds: { type: "integer" },
    requested_at: { type: "string", format: "date-time" },
    verified_at: { type: ["string", "null"], format: "date-time" },
    lease_expires_at: { type: ["string", "null"], format: "date-time" },
    retry_at: { type: ["string", "null"], format: "date-time" },
    last_error: { type: ["string", "null"] },
    last_push_at: { type: ["string", "null"], format: "date-time" },
  },
};
const subscriptionExample = {
  source_id: "un-news-en",
  hub: "https://hub.example.org/",
  topic,
  state: "active",
  lease_seconds: 864000,
  requested_at: "2026-05-02T09:00:00Z",
  verified_at: "2026-05-02T09:00:02Z",
  lease_expires_at: "2026-05-12T09:00:02Z",
  retry_at: null,
  last_error: null,
  last_push_at: "2026-05-02T10:14:09Z",
};

export const websubContract: RouteContract[] = [
  {
    method: "get",
    path: "/websub/{id}",
    query: websubVerifyQuery,
    queryExamples: { "hub.mode": "subscribe", "hub.topic": topic, "hub.challenge": "k3q9x2", "hub.lease_seconds": 864000, "hub.reason": "not allowed" },
    operation: {
      operationId: "websubVerify",
      summary: "WebSub callback: a hub verifies a subscription (or reports a denial)",
      description:
        "Called by a WebSub hub, not by clients. `hub.mode=subscribe` is confirmed (the challenge echoed) only for a subscription this Worker asked for at this callback, pending or active, with the same `hub.topic`; the lease starts then. `hub.mode=denied` is recorded and the source stays polled. Anything else, including `unsubscribe` (never asked for), is refused with 404.",
      parameters: [callbackId],
      responses: {
        200: { description: "Confirmed: the body is `hub.challenge` (empty after a denial)", headers: noStore, content: { "text/plain": { schema: { type: "string" }, example: "k3q9x2" } } },
        400: sharedResponse("BadRequest"),
        404: problemResponse("No such subscription, another topic, or not a subscription we want", problemExample(404, "not_found", "Not found", "no pending subscription for this topic at this callback", "/websub/3f9c2a7d41e08b6c5d2e9f1a0b7c4d83")),
      },
    },
  },
  {
    method: "post",
    path: "/websub/{id}",
    operation: {
      operationId: "websubDeliver",
      summary: "WebSub callback: a hub delivers new content of a subscribed feed",
      description:
        "Called by a WebSub hub, not by clients. The body (the feed document with the new entries, at most 2 MiB) must carry `X-Hub-Signature: sha256=<hex>` (or sha1, sha384, sha512): the HMAC of the raw body keyed with the subscription's secret. Valid: the entries are stored as if the feed had been fetched, recorded as a run with trigger `push`. As WebSub §8 requires, a missing or wrong signature is also answered 202 and the content ignored; so is a body already received (recognized by its digest). A removed or disabled source's callback answers 410.",
      parameters: [callbackId, { name: "X-Hub-Signature", in: "header", required: true, schema: { type: "string" }, example: "sha256=6f1ed002ab5595859014ebf0951522d9..." }],
      requestBody: { required: true, content: { "application/atom+xml": { schema: { type: "string" }, example: `<feed xmlns="http://www.w3.org/2005/Atom">…</feed>` } } },
      responses: {
        202: { description: "Received (stored, or ignored: bad signature, replay)", headers: noStore },
        400: problemResponse("Signed, but not a feed that could be read; recorded as a failed push run", problemExample(400, "unreadable_content", "Unreadable content", "parse_unrecognized_format: Body is not an RSS, RDF, Atom or JSON feed", "/websub/3f9c2a7d41e08b6c5d2e9f1a0b7c4d83")),
        410: problemResponse("No such subscription (any more): the hub should stop delivering", problemExample(410, "subscription_gone", "Subscription gone", "no subscription at this callback", "/websub/3f9c2a7d41e08b6c5d2e9f1a0b7c4d83")),
        413: problemResponse("Body larger than 2 MiB", problemExample(413, "too_large", "Content too large", "the body exceeds 2097152 bytes", "/websub/3f9c2a7d41e08b6c5d2e9f1a0b7c4d83")),
        503: problemResponse(
          "The content could not be stored (nothing was written); the hub should deliver it again",
          problemExample(503, "store_failed", "Not stored", "the content could not be stored; nothing was written: deliver it again later", "/websub/3f9c2a7d41e08b6c5d2e9f1a0b7c4d83"),
          { "Retry-After": header("Seconds to wait before delivering again") },
        ),
      },
    },
  },
  {
    method: "get",
    path: "/api/v1/admin/subscriptions",
    operation: {
      operationId: "listSubscriptions",
      summary: "WebSub subscriptions of the sources and their state (admin)",
      security: adminSecurity,
      responses: { 200: jsonResponse("One per source whose feed declares a hub", envelope({ type: "array", items: subscription }, false), { data: [subscriptionExample] }, noStore), ...adminFailures },
    },
  },
];
