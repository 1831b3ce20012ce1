import { Hono } from "hono";
import type { AppEnv } from "../env";
import { publicUrl } from "../http/pagination";
import generated from "./openapi.generated.json";

/**
 * The OpenAPI 3.1 document without its `servers`, generated from the route contracts when the
 * bundle is built (`npm run openapi`, src/contracts.ts): the zod-to-JSON-Schema converter and
 * the contracts that built it at run time cost the Worker more (gzipped) than the document.
 */
export const OPENAPI_DOCUMENT = generated;

/** The API description changes only with a deployment. */
export const DOCUMENT_CACHE_CONTROL = "public, max-age=3600, stale-while-revalidate=86400";

/** The document as served at the given origin. */
export const documentFor = (origin: string) => {
  const { openapi, info, ...rest } = OPENAPI_DOCUMENT;
  return { openapi, info, servers: [{ url: origin }], ...rest };
};

/** `/openapi.json`; serialised once per origin and isolate. */
export function openApiRoutes() {
  const built = new Map<string, string>();
  return new Hono<AppEnv>().get("/openapi.json", (c) => {
    const origin = publicUrl(c.req.url, c.env.PUBLIC_BASE_URL).origin;
    let text = built.get(origin);
    if (text === undefined) {
      if (built.size >= 8) built.clear();
      text = JSON.stringify(documentFor(origin));
      built.set(origin, text);
    }
    c.header("cache-control", DOCUMENT_CACHE_CONTROL);
    return c.body(text, 200, { "content-type": "application/json; charset=utf-8" });
  });
}
