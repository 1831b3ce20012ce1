import * as z from "zod/mini";
import { adminFailures, adminSecurity, envelope, header, jsonResponse, jsonSchema, pathParameter, problemExample, problemResponse, readFailures, readParameters, ref, sharedResponse, type RouteContract } from "../http/openapi";
import { localeQuery } from "../http/params";
import { STORY_KEY_MAX, STORY_SCOPE_RE, storyKeyProblem } from "../ingest/identity";
import { examples as ex } from "./schemas";

const name = z.string().check(z.minLength(1), z.maxLength(200));
const url = z.string().check(z.maxLength(2048));
const language = z.string().check(z.regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, "must be a BCP 47 language tag like en or zh-Hans"));
const homepage = z.nullable(z.url({ protocol: /^https?$/ }));
/** Sources that publish translations of each other declare the same scope. */
const storyScope = z.nullable(
  z.string().check(
    z.regex(STORY_SCOPE_RE, "must be 1-64 characters a-z, 0-9, . _ -"),
    z.describe("Sources that publish translations of each other declare the same scope; set together with story_key."),
  ),
);
/** URLPattern pathname pattern with a `:key` group, limited to a backtracking-safe subset. */
const storyKey = z.nullable(
  z.string().check(
    z.maxLength(STORY_KEY_MAX, `must be at most ${STORY_KEY_MAX} characters`),
    z.superRefine((pattern, ctx) => {
      const problem = storyKeyProblem(pattern);
      if (problem) ctx.addIssue({ code: "custom", message: problem, input: pattern });
    }),
    z.describe(
      "URLPattern pathname pattern applied to each item link, e.g. /:lang/story/:year/:month/:key. Its :key group and other named groups except :lang identify the story across the sources of the scope. Literal text, :name segments (one per path segment) and at most one * only.",
    ),
  ),
);

export const sourceCreate = z.object({
  id: z.optional(z.string().check(z.regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "must be 1-64 characters a-z, 0-9, . _ -"))),
  name,
  url,
  language: z.optional(z.nullable(language)),
  homepage: z.optional(homepage),
  story_scope: z.optional(storyScope),
  story_key: z.optional(storyKey),
});

export const sourcePatch = z.object({
  name: z.optional(name),
  url: z.optional(url),
  language: z.optional(z.nullable(language)),
  homepage: z.optional(homepage),
  enabled: z.optional(z.boolean()),
  story_scope: z.optional(storyScope),
  story_key: z.optional(storyKey),
});

export const deleteQuery = z.object({ purge: z.optional(z.enum(["true", "false"])) });

const created = { ...ex.source, last_fetched_at: null, last_status: null, next_fetch_at: null, article_count: 0 };

export const sourcesContract: RouteContract[] = [
  {
    method: "get",
    path: "/api/v1/sources",
    query: localeQuery,
    queryExamples: { locale: "fr" },
    operation: {
      operationId: "listSources",
      summary: "Upstream sources and their ingestion health",
      parameters: readParameters,
      responses: { 200: jsonResponse("All sources", envelope({ type: "array", items: ref("SourceHealth") }, false), { data: [ex.source], meta: { locale: "en" } }), ...readFailures },
    },
  },
  {
    method: "post",
    path: "/api/v1/sources",
    operation: {
      operationId: "createSource",
      summary: "Add a source (admin)",
      security: adminSecurity,
      requestBody: { required: true, content: { "application/json": { schema: jsonSchema(sourceCreate, "input"), example: ex.sourceInput } } },
      responses: {
        201: jsonResponse("Created", envelope(ref("SourceHealth"), false), { data: created }, { Location: header("The new source") }),
        400: sharedResponse("BadRequest"),
        ...adminFailures,
        409: problemResponse("The id is taken.", problemExample(409, "conflict", "Conflict", "A source with id un-news-en already exists.", "/api/v1/sources")),
        413: problemResponse("Body over 64 KB.", problemExample(413, "body_too_large", "Request body too large", "The body must be at most 65536 bytes.", "/api/v1/sources")),
        415: problemResponse("Body not JSON.", problemExample(415, "unsupported_media_type", "Unsupported media type", "Send the body as application/json.", "/api/v1/sources")),
      },
    },
  },
  {
    method: "patch",
    path: "/api/v1/sources/{id}",
    operation: {
      operationId: "updateSource",
      summary: "Change a source (admin)",
      security: adminSecurity,
      parameters: [pathParameter("id", "un-news-en")],
      requestBody: { required: true, content: { "application/json": { schema: jsonSchema(sourcePatch, "input"), example: { enabled: false } } } },
      responses: {
        200: jsonResponse("Changed", envelope(ref("SourceHealth"), false), { data: { ...ex.source, enabled: false } }, {}),
        400: sharedResponse("BadRequest"),
        ...adminFailures,
        404: sharedResponse("NotFound"),
      },
    },
  },
  {
    method: "delete",
    path: "/api/v1/sources/{id}",
    query: deleteQuery,
    queryExamples: { purge: "false" },
    operation: {
      operationId: "deleteSource",
      summary: "Remove a source (admin); its articles stay unless purge=true",
      security: adminSecurity,
      parameters: [pathParameter("id", "un-news-en")],
      responses: { 204: { description: "Removed" }, 400: sharedResponse("BadRequest"), ...adminFailures, 404: sharedResponse("NotFound") },
    },
  },
];
