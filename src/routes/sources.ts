import { Hono } from "hono";
import * as z from "zod/mini";
import { contentChanged } from "../cache/version";
import { database } from "../db/client";
import { deleteSource, getSource, getSourceHealth, insertSource, listSources, type SourceChanges, updateSource } from "../db/sources";
import type { AppEnv } from "../env";
import { invalidParameters, notFound, Problem } from "../errors/problem";
import { checkUpstreamUrl } from "../ingest/upstream-url";
import { slugify, STORY_KEY_MAX, STORY_SCOPE_RE, storyKeyProblem } from "../ingest/identity";
import { PUBLIC_CACHE_CONTROL } from "./articles";
import { readJson } from "./json-body";
import { requireAdmin } from "./middleware";
import { parseParams } from "./params";

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

/** A translation mapping needs both its scope and its key pattern: the missing one is named. */
function checkedMapping(scope: string | null, key: string | null): { storyScope: string | null; storyKey: string | null } {
  if (scope !== null && key === null) throw invalidParameters([{ path: "story_key", message: "is required when story_scope is set" }]);
  if (key !== null && scope === null) throw invalidParameters([{ path: "story_scope", message: "is required when story_key is set" }]);
  return { storyScope: scope, storyKey: key };
}

function checkedUrl(raw: string, allowPrivate: boolean): string {
  const check = checkUpstreamUrl(raw, allowPrivate);
  if (!check.ok) throw invalidParameters([{ path: "url", message: check.reason }]);
  return check.url.href;
}

export const sourcesRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    c.header("cache-control", PUBLIC_CACHE_CONTROL);
    return c.json({ data: await listSources(database(c.var.session())), meta: { locale: c.get("locale") } });
  })
  .post("/", requireAdmin(), async (c) => {
    const input = parseParams(sourceCreate, await readJson(c));
    const id = input.id ?? slugify(input.name).replace(/[^a-z0-9._-]/g, "").slice(0, 64);
    if (!id) throw invalidParameters([{ path: "id", message: "required when the name has no latin letters or digits" }]);
    const created = await insertSource(database(c.var.session()), {
      id,
      name: input.name,
      url: checkedUrl(input.url, c.env.ALLOW_PRIVATE_UPSTREAMS === "true"),
      language: input.language ?? null,
      homepage: input.homepage ?? null,
      ...checkedMapping(input.story_scope ?? null, input.story_key ?? null),
    });
    if (!created) throw new Problem({ status: 409, code: "conflict", title: "Conflict", detail: `A source with id ${id} already exists.` });
    c.header("location", `/api/v1/sources/${id}`);
    return c.json({ data: await getSourceHealth(database(c.var.session()), id) }, 201);
  })
  .patch("/:id", requireAdmin(), async (c) => {
    const { story_scope, story_key, ...input } = parseParams(sourcePatch, await readJson(c));
    const id = c.req.param("id");
    let mapping: SourceChanges = {};
    if (story_scope !== undefined || story_key !== undefined) {
      // The pair is checked as it will be stored: a PATCH may change one half of it.
      const current = await getSource(database(c.var.session()), id);
      if (!current) throw notFound(`No source with id ${id}.`);
      mapping = checkedMapping(story_scope === undefined ? current.storyScope : story_scope, story_key === undefined ? current.storyKey : story_key);
    }
    const changes = { ...input, ...mapping, ...(input.url !== undefined ? { url: checkedUrl(input.url, c.env.ALLOW_PRIVATE_UPSTREAMS === "true") } : {}) };
    if (!(await updateSource(database(c.var.session()), id, changes))) throw notFound(`No source with id ${id}.`);
    await contentChanged(c.env, { kind: "source-updated", id, fields: Object.keys(input) });
    return c.json({ data: await getSourceHealth(database(c.var.session()), id) });
  })
  .delete("/:id", requireAdmin(), async (c) => {
    const id = c.req.param("id");
    const purge = c.req.query("purge") === "true";
    if (!(await deleteSource(database(c.var.session()), id, purge))) throw notFound(`No source with id ${id}.`);
    await contentChanged(c.env, { kind: "source-deleted", id });
    return c.body(null, 204);
  });
