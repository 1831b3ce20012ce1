import { Hono } from "hono";
import type { AppEnv } from "../env";
import { HTML_CONTENT_TYPE, HTML_DOCUMENT_HEADERS } from "../http/headers";
import { DOCUMENT_CACHE_CONTROL, generatedAsset } from "./openapi";

/** `/docs`: the OpenAPI document rendered for people (at build time: docs-page.ts), with an example for every endpoint. */
export function docsRoutes() {
  return new Hono<AppEnv>().get("/docs", async (c) => {
    const page = await generatedAsset(c.env, "docs.html");
    c.header("cache-control", DOCUMENT_CACHE_CONTROL);
    c.header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'");
    return c.body(page, 200, { "content-type": HTML_CONTENT_TYPE, ...HTML_DOCUMENT_HEADERS });
  });
}
