import type { ErrorHandler } from "hono";
import type { AppEnv } from "../env";
import { Problem } from "../errors/problem";
import { messages } from "../i18n/messages";
import { ErrorPage, errorTitle, type ErrorKind } from "./error-page";
import { Layout } from "./layout";
import { applyPageHeaders, pathLocale } from "./reader-headers";
import { htmlPage } from "./render";
import { homePath } from "./urls";

/**
 * Readers get errors as pages in their language, not problem+json: the same status codes
 * and the same named parameters, explained. Unexpected faults are logged and shown as 500.
 * The app registers it with the app-wide handler (errors/handler.ts) for every reader path, so failures before
 * routing (the rate limiter's 429) look the same as the pages' own.
 */
export const onPageError: ErrorHandler<AppEnv> = async (err, c) => {
  const locale = c.get("locale") ?? pathLocale(c.req.path);
  let status = 500;
  let kind: ErrorKind = "server";
  if (err instanceof Problem) {
    status = err.status;
    kind = status === 404 ? "not_found" : status === 429 ? "busy" : status < 500 ? "bad_request" : "server";
  } else {
    console.error(JSON.stringify({ level: "error", msg: "page failed", requestId: c.get("requestId"), error: String(err), stack: (err as Error)?.stack }));
  }
  const t = messages(locale);
  const res = await htmlPage(
    c,
    <Layout locale={locale} t={t} title={errorTitle(t, kind)} switchTo={homePath}>
      <ErrorPage locale={locale} t={t} kind={kind} errors={err instanceof Problem ? err.errors : undefined} />
    </Layout>,
    status as 400,
  );
  // What the problem tells clients (Retry-After of a 429, Allow of a 405) holds for readers too.
  if (err instanceof Problem) for (const [name, value] of Object.entries(err.headers ?? {})) res.headers.set(name, value);
  applyPageHeaders(res.headers, locale, status);
  return res;
};
