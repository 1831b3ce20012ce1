import { Hono } from "hono";
import type { AppEnv, Bindings } from "../env";
import { unavailableProblem } from "../errors/storage";
import { publicUrl } from "../http/pagination";

/** The API description changes only with a deployment. */
export const DOCUMENT_CACHE_CONTROL = "public, max-age=3600, stale-while-revalidate=86400";

/**
 * The OpenAPI document (without `servers`) and its page for people are built from the route
 * contracts with the bundle (`npm run openapi`: assets/openapi.json and assets/docs.html) and
 * deployed as static assets. Built in the Worker they cost it the zod-to-JSON-Schema converter
 * and the contracts; carried in it as a module, the document alone was 10 KB of its 150 KB
 * gzip budget, read by almost no request.
 */
const loaded = new Map<string, string>();

/** A generated file, fetched from the asset store once per isolate (the text, never a pending fetch, is shared across requests). */
export async function generatedAsset(env: Bindings, file: "openapi.json" | "docs.html"): Promise<string> {
  const cached = loaded.get(file);
  if (cached !== undefined) return cached;
  let res: Response | null = null;
  try {
    res = await env.ASSETS.fetch(`https://assets.invalid/${file}`);
  } catch {
    // Unreachable, or a binding that is missing (a harness that runs the bare bundle): a 503.
  }
  if (!res?.ok) {
    await res?.body?.cancel();
    throw unavailableProblem();
  }
  const text = await res.text();
  loaded.set(file, text);
  return text;
}

/** `/openapi.json`: the generated document with this origin as its server; serialised once per origin and isolate. */
export function openApiRoutes() {
  const built = new Map<string, string>();
  return new Hono<AppEnv>().get("/openapi.json", async (c) => {
    const origin = publicUrl(c.req.url, c.env.PUBLIC_BASE_URL).origin;
    let text = built.get(origin);
    if (text === undefined) {
      const { openapi, info, ...rest } = JSON.parse(await generatedAsset(c.env, "openapi.json")) as Record<string, unknown>;
      if (built.size >= 8) built.clear();
      text = JSON.stringify({ openapi, info, servers: [{ url: origin }], ...rest });
      built.set(origin, text);
    }
    c.header("cache-control", DOCUMENT_CACHE_CONTROL);
    return c.body(text, 200, { "content-type": "application/json; charset=utf-8" });
  });
}
