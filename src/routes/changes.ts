import type { Context } from "hono";
import { type ContentChange, contentChanged } from "../cache/version";
import type { AppEnv } from "../env";

/** Reports what an admin write changed; publishing the new versions to KV finishes after the answer. */
export function reportChange(c: Context<AppEnv>, change: ContentChange): Promise<void> {
  return contentChanged(c.env, change, Date.now(), (publication) => c.executionCtx.waitUntil(publication));
}
