import * as z from "zod/mini";
import { listingQuery } from "../http/params";
import { STORY_KEY_MAX, STORY_SCOPE_RE, storyKeyProblem } from "../ingest/identity";

// What the source routes accept, kept apart from their documentation (sources.contract.ts),
// which only the build-time OpenAPI generator reads.

const name = z.string().check(z.minLength(1), z.maxLength(200));
const url = z.string().check(z.maxLength(2048));
const language = z.string().check(z.regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, "must be a BCP 47 language tag like en or zh-Hans"));
const homepage = z.nullable(z.url({ protocol: /^https?$/ }));
// The descriptions of these strings in the API document are registered by sources.contract.ts.
/** Sources that publish translations of each other declare the same scope. */
export const storyScopeText = z.string().check(z.regex(STORY_SCOPE_RE, "must be 1-64 characters a-z, 0-9, . _ -"));
const storyScope = z.nullable(storyScopeText);
/** URLPattern pathname pattern with a `:key` group, limited to a backtracking-safe subset. */
export const storyKeyText = z.string().check(
  z.maxLength(STORY_KEY_MAX, `must be at most ${STORY_KEY_MAX} characters`),
  z.superRefine((pattern, ctx) => {
    const problem = storyKeyProblem(pattern);
    if (problem) ctx.addIssue({ code: "custom", message: problem, input: pattern });
  }),
);
const storyKey = z.nullable(storyKeyText);
/** GET /sources `q`. */
export const sourcePrefix = z.string().check(z.minLength(1, "must be 1 to 100 characters"), z.maxLength(100, "must be at most 100 characters"));

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

/**
 * GET /sources: paged like the listing (at most 100 a page, and the first 10,000 matches), in
 * id order so a client walking the pages sees every source once.
 */
export const sourcesQuery = z.object({
  page: listingQuery.shape.page,
  per_page: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 50),
  lang: listingQuery.shape.lang,
  q: z.optional(sourcePrefix),
  enabled: z.optional(z.enum(["true", "false"])),
  locale: listingQuery.shape.locale,
});

export const deleteQuery = z.object({ purge: z.optional(z.enum(["true", "false"])) });
