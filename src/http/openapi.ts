import * as z from "zod/mini";
import { PUBLIC_CACHE_CONTROL } from "./headers";

/**
 * The pieces of the OpenAPI document that every resource uses. Each resource declares its
 * routes as `RouteContract`s beside its handlers; src/contracts.ts assembles them when the
 * bundle is built (the Worker never imports this module). Query parameters are never written
 * by hand: they are read off the zod schema the handler validates with.
 */
export type JsonSchema = Record<string, unknown>;
export type Method = "get" | "post" | "patch" | "delete";

export interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  schema: JsonSchema;
  example: unknown;
  style?: string;
  explode?: boolean;
}

/** An OpenAPI operation without its query parameters, which come from `RouteContract.query`. */
export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  security?: Record<string, string[]>[];
  /** Path and header parameters. */
  parameters?: Parameter[];
  requestBody?: JsonSchema;
  responses: Record<string, JsonSchema>;
}

/** One route: where it is served, the schema that validates its query string, its documentation. */
export interface RouteContract {
  method: Method;
  /** The OpenAPI path template, e.g. `/api/v1/articles/{id}`. */
  path: string;
  /** The schema the handler validates the query with; every key is a documented parameter. */
  query?: z.ZodMiniObject;
  /** One example value per query parameter. */
  queryExamples?: Record<string, unknown>;
  operation: Operation;
}

/** JSON Schema of a zod schema, as OpenAPI 3.1 embeds it (no `$schema`). */
export function jsonSchema(schema: z.ZodMiniType, io: "input" | "output" = "output"): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

/** Query parameters of an operation, read off the zod schema that validates them. */
export function queryParameters(schema: z.ZodMiniObject, examples: Record<string, unknown> = {}): Parameter[] {
  const doc = jsonSchema(schema, "input") as { properties: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(doc.properties).map(([name, property]) => ({
    name,
    in: "query",
    required: doc.required?.includes(name) ?? false,
    schema: property,
    ...(property.type === "array" ? { style: "form", explode: true } : {}),
    example: examples[name],
  }));
}

/** The operation object of a route: path parameters, then its query's, then headers. */
export function operationObject(route: RouteContract): JsonSchema {
  const own = route.operation.parameters ?? [];
  const query = route.query ? queryParameters(route.query, route.queryExamples) : [];
  const parameters = [...own.filter((p) => p.in === "path"), ...query, ...own.filter((p) => p.in !== "path")];
  return { ...route.operation, ...(parameters.length ? { parameters } : {}) };
}

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
/** A shared response of the document's `components.responses` (see src/contracts.ts). */
export const sharedResponse = (name: "BadRequest" | "Unauthorized" | "Forbidden" | "NotFound" | "RateLimited" | "NotModified" | "StorageUnavailable") => ({
  $ref: `#/components/responses/${name}`,
});
export const header = (description: string, schema: JsonSchema = { type: "string" }) => ({ description, schema });

/** Headers of every public read; conditional GETs and the D1 bookmark work the same everywhere. */
export const readHeaders = {
  ETag: header("Validator for If-None-Match"),
  "Cache-Control": header(`\`${PUBLIC_CACHE_CONTROL}\` (longer for static documents)`),
  "Content-Language": header("The resolved UI locale"),
  "x-d1-bookmark": header("D1 session bookmark; send it back for reads at least this fresh"),
  "Cache-Status": header(
    "RFC 9211: `edge-news; hit; detail=memory|edge|kv` when a cache tier answered; `edge-news; hit; fwd=stale; detail=…` when it answered with an entry a change retired less than 5 minutes ago while the entry is rebuilt; `edge-news; fwd=uri-miss; stored` for a miss; `…; collapsed` (RFC 9211 §2.5) for a miss that arrived while the same answer was being built in that isolate, waited for it and got that build's response (the status of that build plus `collapsed`); `…; collapsed=?0` when it waited but that response could not be reused, so it was built again; `edge-news; fwd=miss; …; detail=kv-error|kv-timeout|edge-error|edge-timeout` when a tier failed and the answer came from storage. Each kind of answer has one shared tier: `kv` for listings (pages 1–5), feeds, source lists and sitemaps, `edge` (the location's Cache API) for searches, details and deeper listing pages",
  ),
  "Content-Location": header("Sent when the request carried query parameters the route does not read: they were ignored, and this is the address of the answer"),
};
export const listHeaders = {
  ...readHeaders,
  Link: header("RFC 8288 first/prev/next/last"),
  "X-Total-Count": header("Exact number of results", { type: "integer" }),
  "X-Total-Pages": header("Number of pages", { type: "integer" }),
};
/** Request headers every public read honours. */
export const readParameters: Parameter[] = [
  { name: "If-None-Match", in: "header", required: false, schema: { type: "string" }, example: '"5af29360fb1a88c5198c0c005ac284c88fcd5ed0"' },
  { name: "x-d1-bookmark", in: "header", required: false, schema: { type: "string" }, example: "00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683" },
];
/** The responses every public read can give besides its 200. */
export const readFailures = { 304: sharedResponse("NotModified"), 429: sharedResponse("RateLimited"), 503: sharedResponse("StorageUnavailable") };
export const adminFailures = { 401: sharedResponse("Unauthorized"), 403: sharedResponse("Forbidden") };
export const adminSecurity = [{ bearer: [] }];

export const pathParameter = (name: string, example: string, schema: JsonSchema = { type: "string" }): Parameter => ({
  name,
  in: "path",
  required: true,
  schema,
  example,
});

export const jsonResponse = (description: string, schema: JsonSchema, example: unknown, headers: JsonSchema = readHeaders) => ({
  description,
  headers,
  content: { "application/json": { schema, example } },
});

/** The API's `{ data, meta, links? }` body around a resource or a list of them. */
export const envelope = (data: JsonSchema, paged: boolean) => ({
  type: "object",
  required: ["data", "meta"],
  properties: { data, meta: paged ? ref("PageMeta") : { type: "object" }, ...(paged ? { links: ref("PageLinks") } : {}) },
});

export const problemResponse = (description: string, example: JsonSchema, headers?: JsonSchema) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { "application/problem+json": { schema: ref("Problem"), example } },
});

/** A problem body example, shaped as errors/problem.ts renders it. */
export const problemExample = (status: number, code: string, title: string, detail: string, instance: string) => ({
  type: `/problems/${code.replace(/_/g, "-")}`,
  title,
  status,
  detail,
  instance,
  code,
});
