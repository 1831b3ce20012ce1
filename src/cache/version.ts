import { CONTENT_VERSION_KEY } from "./keys";

/** The content version every cached response is keyed under ("0" before any refresh). */
export async function contentVersion(kv: KVNamespace): Promise<string> {
  return (await kv.get(CONTENT_VERSION_KEY)) ?? "0";
}

/** Called by a refresh that changed content: older cached responses become unreachable. */
export async function bumpContentVersion(kv: KVNamespace, now = Date.now()): Promise<string> {
  const version = now.toString(36);
  await kv.put(CONTENT_VERSION_KEY, version);
  return version;
}
