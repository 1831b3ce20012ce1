import type { Context } from "hono";
import { invalidParameters, Problem } from "../errors/problem";

const MAX_BODY_BYTES = 64 * 1024;

/** Reads a JSON request body: 415 unless JSON, 413 past 64 KB, 400 if it does not parse. */
export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/([a-z.+-]+\+)?json\b/i.test(type)) {
    throw new Problem({ status: 415, code: "unsupported_media_type", title: "Unsupported media type", detail: "Send the body as application/json." });
  }
  const text = await c.req.text();
  if (new TextEncoder().encode(text).byteLength > MAX_BODY_BYTES) {
    throw new Problem({ status: 413, code: "body_too_large", title: "Request body too large", detail: `The body must be at most ${MAX_BODY_BYTES} bytes.` });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw invalidParameters([{ path: "body", message: "is not valid JSON" }]);
  }
}
