import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** A field-level fault reported in `errors` (RFC 9457 extension member). */
export interface FieldError {
  path: string;
  message: string;
}

export interface ProblemInit {
  status: ContentfulStatusCode;
  /** Stable machine-readable code, e.g. `invalid_parameter`, `not_found`. */
  code: string;
  title: string;
  detail?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
}

/** RFC 9457 problem details body as the API contract shapes it. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  errors?: FieldError[];
}

/**
 * The one error type the app throws for anything a client can cause. It carries what the
 * error handler needs to render `application/problem+json`; `instance` is filled in there,
 * from the request, so throwing code needs no Hono context.
 */
export class Problem extends HTTPException {
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;

  constructor(init: ProblemInit) {
    super(init.status, { message: init.detail ?? init.title });
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail ?? init.title;
    this.errors = init.errors;
    this.headers = init.headers;
  }

  body(instance: string, title = this.title): ProblemBody {
    return {
      type: `/problems/${this.code.replace(/_/g, "-")}`,
      title,
      status: this.status,
      detail: this.detail,
      instance,
      code: this.code,
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }

  toResponse(instance: string, title?: string): Response {
    return new Response(JSON.stringify(this.body(instance, title)), {
      status: this.status,
      headers: {
        "content-type": "application/problem+json; charset=utf-8",
        "cache-control": "no-store",
        ...this.headers,
      },
    });
  }
}

export const invalidParameters = (errors: FieldError[]) =>
  new Problem({
    status: 400,
    code: "invalid_parameter",
    title: "Invalid request parameters",
    detail: errors.map((e) => `${e.path}: ${e.message}`).join("; "),
    errors,
  });

export const notFound = (detail: string) =>
  new Problem({ status: 404, code: "not_found", title: "Not found", detail });
