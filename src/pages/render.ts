import type { Context } from "hono";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../env";
import { HTML_CONTENT_TYPE } from "../http/headers";

/** A full HTML document response from a rendered page tree. */
export async function htmlPage(c: Context<AppEnv>, page: JSX.Element, status: ContentfulStatusCode = 200): Promise<Response> {
  const body = `<!doctype html>${String(await page)}`;
  return c.body(body, status, { "content-type": HTML_CONTENT_TYPE });
}
