import type { FieldError } from "../errors/problem";
import type { Locale } from "../i18n/locales";
import type { Messages, ParamName } from "../i18n/messages";
import { homePath } from "./urls";

export type ErrorKind = "not_found" | "bad_request" | "busy" | "server";

interface ErrorProps {
  locale: Locale;
  t: Messages;
  kind: ErrorKind;
  /** For a bad request: the parameters at fault. */
  errors?: FieldError[];
}

export function errorTitle(t: Messages, kind: ErrorKind): string {
  return { not_found: t.errors.notFoundTitle, bad_request: t.errors.badRequestTitle, busy: t.errors.busyTitle, server: t.errors.serverTitle }[kind];
}

function paramHint(t: Messages, path: string): string {
  return path in t.errors.params ? t.errors.params[path as ParamName] : t.errors.otherParam;
}

/** 404, 400, 429 and 500 in the reader's language; a 400 names each faulty query parameter. */
export function ErrorPage({ locale, t, kind, errors = [] }: ErrorProps) {
  const text = { not_found: t.errors.notFoundText, bad_request: t.errors.badRequestText, busy: t.errors.busyText, server: t.errors.serverText }[kind];
  const fields = [...new Set(errors.map((e) => e.path))];
  return (
    <>
      <h1>{errorTitle(t, kind)}</h1>
      <p>{text}</p>
      {kind === "bad_request" && fields.length > 0 && (
        <ul class="problems">
          {fields.map((path) => (
            <li data-param={path}>
              <code dir="ltr">{path}</code> — {paramHint(t, path)}
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href={homePath(locale)}>{t.errors.home}</a>
      </p>
    </>
  );
}
