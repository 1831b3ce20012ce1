import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../env";
import { problemTitle } from "../i18n/problems";
import { notFound, Problem } from "./problem";
import { storageUnavailable } from "./storage";

function instanceOf(c: Context<AppEnv>): string {
  return new URL(c.req.url).pathname;
}

function render(c: Context<AppEnv>, problem: Problem): Response {
  return problem.toResponse(instanceOf(c), problemTitle(problem.code, c.get("locale"), problem.title));
}

/** Another way to render failures, on the paths it claims (the reader pages answer in HTML). */
export interface ErrorRenderer {
  claims(pathname: string): boolean;
  render: ErrorHandler<AppEnv>;
}

/**
 * Renders every failure as problem+json, except on paths a registered renderer claims (the
 * app registers the reader pages' HTML one, so a 429 from the rate limiter, which runs before
 * the pages' own routes, looks like theirs). Storage failures are a 503 with Retry-After.
 * Faults we did not anticipate become a bare 500 with a request id to quote; the message and
 * stack go to the log only.
 */
export function errorHandler(renderers: ErrorRenderer[] = []): ErrorHandler<AppEnv> {
  return (caught, c) => {
    // D1 being unavailable is temporary, and a client can be told when to come back.
    const err = storageUnavailable(caught) ?? caught;
    const renderer = renderers.find((r) => r.claims(c.req.path));
    return renderer ? renderer.render(err, c) : renderProblem(err, c);
  };
}

function renderProblem(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof Problem) return render(c, err);
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const code = status === 413 ? "body_too_large" : status === 415 ? "unsupported_media_type" : "http_error";
    return render(c, new Problem({ status, code, title: err.message || "Request failed", detail: err.message }));
  }
  console.error(JSON.stringify({ level: "error", msg: "unhandled", requestId: c.get("requestId"), error: String(err), stack: (err as Error)?.stack }));
  return render(
    c,
    new Problem({
      status: 500,
      code: "internal_error",
      title: "Internal error",
      detail: `An unexpected error occurred; quote request id ${c.get("requestId") ?? "unknown"} when reporting it.`,
    }),
  );
}

export const onNotFound: NotFoundHandler<AppEnv> = (c) =>
  render(c, notFound(`No resource at ${instanceOf(c)}.`));
