import * as z from "zod/mini";
import { listingQuery } from "../http/params";
import { STORY_KEY_MAX, STORY_SCOPE_RE, storyKeyProblem } from "../ingest/identity";

// What the source routes accept, kept apart from their documentation (sources.contract.ts),
// which only the build-time OpenAPI generator reads.

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

/**
 * GET /sources: paged like the listing (at most 100 a page, and the first 10,000 matches), in
 * id order so a client walking the pages sees every source once.
 */
export const sourcesQuery = z.object({
  page: listingQuery.shape.page,
  per_page: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 50),
  lang: listingQuery.shape.lang,
  q: z.optional(
    z.string().check(z.minLength(1, "must be 1 to 100 characters"), z.maxLength(100, "must be at most 100 characters"), z.describe("A prefix of the source's id or name, without regard to ASCII case")),
  ),
  enabled: z.optional(z.enum(["true", "false"])),
  locale: listingQuery.shape.locale,
});

export const deleteQuery = z.object({ purge: z.optional(z.enum(["true", "false"])) });
