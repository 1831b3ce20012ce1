import { Hono } from "hono";
import { reportChange } from "./changes";
import { type PeriodFault, purgePeriods } from "../db/shard-purge";
import { deleteSource, getSource, getSourceHealth, insertSource, listSourcesPage, type SourceChanges, updateSource } from "../db/sources";
import { spanning } from "../db/shard-read";
import type { AppEnv } from "../env";
import { invalidParameters, notFound, Problem } from "../errors/problem";
import { checkUpstreamUrl } from "../ingest/upstream-url";
import { PUBLIC_CACHE_CONTROL } from "../http/headers";
import { readJson } from "../http/json-body";
import { paginate, publicUrl } from "../http/pagination";
import { parseParams, queryObject, toPage } from "../http/params";
import { requireAdmin } from "./middleware";
import { idFromName } from "./source-id";
import { deleteQuery, sourceCreate, sourcePatch, sourcesQuery } from "./sources.input";

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

/**
 * A purge that reached the live database but not every period database: the source and its
 * live articles are gone, the named periods still hold some of its articles. Repeating the
 * request finishes it (it purges periods even once the source is gone), so an admin can rely
 * on a 204 meaning nothing of the source is left anywhere.
 */
function purgeIncomplete(id: string, existed: boolean, failed: PeriodFault[]): Problem {
  const periods = failed.map((f) => `${f.period} (${f.binding}: ${f.reason})`).join(", ");
  return new Problem({
    status: 503,
    code: "purge_incomplete",
    title: "Purge incomplete",
    detail: `${existed ? `Source ${id} and its articles in the live database are deleted` : `Source ${id} was already deleted`}, but period database${failed.length > 1 ? "s" : ""} ${periods} still hold${failed.length > 1 ? "" : "s"} some of its articles: repeat this request until it answers 204.`,
    headers: { "retry-after": "60" },
  });
}

export const sourcesRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const url = publicUrl(c.req.url, c.env.PUBLIC_BASE_URL);
    const query = parseParams(sourcesQuery, queryObject(url));
    const filter = { lang: query.lang, prefix: query.q ?? null, enabled: query.enabled === undefined ? null : query.enabled === "true" };
    const result = await listSourcesPage(spanning(c.var.session(), c.env), filter, toPage(query));
    const { meta, links, headers } = paginate(result, url);
    const echo = { ...(query.lang.length ? { lang: query.lang } : {}), ...(query.q ? { q: query.q } : {}), ...(query.enabled ? { enabled: query.enabled } : {}) };
    c.header("cache-control", PUBLIC_CACHE_CONTROL);
    return c.json({ data: result.items, meta: { ...meta, locale: c.get("locale"), query: echo }, links }, 200, headers);
  })
  .post("/", requireAdmin(), async (c) => {
    const input = parseParams(sourceCreate, await readJson(c));
    const id = input.id ?? idFromName(input.name);
    if (!id) throw invalidParameters([{ path: "id", message: "required when the name has no latin letters or digits" }]);
    const created = await insertSource(c.var.session(), {
      id,
      name: input.name,
      url: checkedUrl(input.url, c.env.ALLOW_PRIVATE_UPSTREAMS === "true"),
      language: input.language ?? null,
      homepage: input.homepage ?? null,
      ...checkedMapping(input.story_scope ?? null, input.story_key ?? null),
    });
    if (!created) throw new Problem({ status: 409, code: "conflict", title: "Conflict", detail: `A source with id ${id} already exists.` });
    await reportChange(c, { kind: "source-created", id });
    c.header("location", `/api/v1/sources/${id}`);
    return c.json({ data: await getSourceHealth(spanning(c.var.session(), c.env), id) }, 201);
  })
  .patch("/:id", requireAdmin(), async (c) => {
    const { story_scope, story_key, ...input } = parseParams(sourcePatch, await readJson(c));
    const id = c.req.param("id");
    let mapping: SourceChanges = {};
    if (story_scope !== undefined || story_key !== undefined) {
      // The pair is checked as it will be stored: a PATCH may change one half of it.
      const current = await getSource(c.var.session(), id);
      if (!current) throw notFound(`No source with id ${id}.`);
      mapping = checkedMapping(story_scope === undefined ? current.storyScope : story_scope, story_key === undefined ? current.storyKey : story_key);
    }
    const changes = { ...input, ...mapping, ...(input.url !== undefined ? { url: checkedUrl(input.url, c.env.ALLOW_PRIVATE_UPSTREAMS === "true") } : {}) };
    if (!(await updateSource(c.var.session(), id, changes))) throw notFound(`No source with id ${id}.`);
    await reportChange(c, { kind: "source-updated", id, fields: Object.keys(input) });
    return c.json({ data: await getSourceHealth(spanning(c.var.session(), c.env), id) });
  })
  .delete("/:id", requireAdmin(), async (c) => {
    const id = c.req.param("id");
    const purge = parseParams(deleteQuery, queryObject(new URL(c.req.url))).purge === "true";
    // Live first: once the source is gone no refresh adds to it, and anything the mover moves
    // before this batch is in a period database by the time the periods are purged below.
    const live = await deleteSource(c.var.session(), id, purge);
    const periods = purge ? await purgePeriods(c.env, id) : { removed: 0, failed: [] };
    if (!live.source && !live.articles && !periods.removed && !periods.failed.length) throw notFound(`No source with id ${id}.`);
    if (live.source || live.articles || periods.removed) await reportChange(c, { kind: "source-deleted", id });
    if (periods.failed.length) throw purgeIncomplete(id, live.source, periods.failed);
    return c.body(null, 204);
  });
