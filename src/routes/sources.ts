import { Hono } from "hono";
import * as z from "zod/mini";
import { database } from "../db/client";
import { deleteSource, getSourceHealth, insertSource, listSources, updateSource } from "../db/sources";
import type { AppEnv } from "../env";
import { invalidParameters, notFound, Problem } from "../errors/problem";
import { checkUpstreamUrl } from "../ingest/upstream-url";
import { slugify } from "../ingest/identity";
import { readJson } from "./json-body";
import { requireAdmin } from "./middleware";
import { parseParams } from "./params";

const name = z.string().check(z.minLength(1), z.maxLength(200));
const url = z.string().check(z.maxLength(2048));
const language = z.string().check(z.regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, "must be a BCP 47 language tag like en or zh-Hans"));
const homepage = z.nullable(z.url({ protocol: /^https?$/ }));

export const sourceCreate = z.object({
  id: z.optional(z.string().check(z.regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "must be 1-64 characters a-z, 0-9, . _ -"))),
  name,
  url,
  language: z.optional(z.nullable(language)),
  homepage: z.optional(homepage),
});

export const sourcePatch = z.object({
  name: z.optional(name),
  url: z.optional(url),
  language: z.optional(z.nullable(language)),
  homepage: z.optional(homepage),
  enabled: z.optional(z.boolean()),
});

function checkedUrl(raw: string, allowPrivate: boolean): string {
  const check = checkUpstreamUrl(raw, allowPrivate);
  if (!check.ok) throw invalidParameters([{ path: "url", message: check.reason }]);
  return check.url.href;
}

export const sourcesRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    c.header("cache-control", "public, max-age=60");
    return c.json({ data: await listSources(database(c.env.DB)), meta: { locale: c.get("locale") } });
  })
  .post("/", requireAdmin(), async (c) => {
    const input = parseParams(sourceCreate, await readJson(c));
    const id = input.id ?? slugify(input.name).replace(/[^a-z0-9._-]/g, "").slice(0, 64);
    if (!id) throw invalidParameters([{ path: "id", message: "required when the name has no latin letters or digits" }]);
    const created = await insertSource(database(c.env.DB), {
      id,
      name: input.name,
      url: checkedUrl(input.url, c.env.ALLOW_PRIVATE_UPSTREAMS === "true"),
      language: input.language ?? null,
      homepage: input.homepage ?? null,
    });
    if (!created) throw new Problem({ status: 409, code: "conflict", title: "Conflict", detail: `A source with id ${id} already exists.` });
    c.header("location", `/api/v1/sources/${id}`);
    return c.json({ data: await getSourceHealth(database(c.env.DB), id) }, 201);
  })
  .patch("/:id", requireAdmin(), async (c) => {
    const input = parseParams(sourcePatch, await readJson(c));
    const id = c.req.param("id");
    const changes = { ...input, ...(input.url !== undefined ? { url: checkedUrl(input.url, c.env.ALLOW_PRIVATE_UPSTREAMS === "true") } : {}) };
    if (!(await updateSource(database(c.env.DB), id, changes))) throw notFound(`No source with id ${id}.`);
    return c.json({ data: await getSourceHealth(database(c.env.DB), id) });
  })
  .delete("/:id", requireAdmin(), async (c) => {
    const id = c.req.param("id");
    const purge = c.req.query("purge") === "true";
    if (!(await deleteSource(database(c.env.DB), id, purge))) throw notFound(`No source with id ${id}.`);
    return c.body(null, 204);
  });
