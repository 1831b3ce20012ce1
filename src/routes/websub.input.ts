import * as z from "zod/mini";

// What the WebSub callback accepts; its documentation is websub.contract.ts.

/** The hub's verification of intent (WebSub §5.3) or its denial (§5.2). */
export const websubVerifyQuery = z.object({
  "hub.mode": z.enum(["subscribe", "unsubscribe", "denied"]),
  "hub.topic": z.string().check(z.minLength(1, "is required"), z.maxLength(4096, "must be at most 4096 characters")),
  "hub.challenge": z.optional(z.string().check(z.minLength(1, "must not be empty"), z.maxLength(1024, "must be at most 1024 characters"))),
  "hub.lease_seconds": z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(31_536_000))),
  "hub.reason": z.optional(z.string().check(z.maxLength(1000, "must be at most 1000 characters"))),
});
