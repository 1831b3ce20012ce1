import { Hono, type Context } from "hono";
import { reportChange } from "./changes";
import { listSourceListings, upsertSources } from "../db/source-import";
import type { AppEnv } from "../env";
import { Problem } from "../errors/problem";
import { decodeFeedBody } from "../ingest/decode";
import { requireAdmin } from "./middleware";
import { MAX_OPML_BYTES, readOpml, renderOpml } from "./opml-format";
import { planImport } from "./opml-import";

/**
 * The types OPML travels under: its own unofficial one, generic XML, any `+xml`, and the
 * octet-stream a browser sends for a file whose extension it has no type for.
 */
const OPML_TYPE = /^(text\/x-opml|text\/xml|application\/xml|[a-z]+\/[a-z0-9.+-]+\+xml|application\/octet-stream)\s*(;|$)/i;

const tooLarge = () =>
  new Problem({ status: 413, code: "body_too_large", title: "Request body too large", detail: `The body must be at most ${MAX_OPML_BYTES} bytes.` });

/** The OPML body as text: 415 unless an XML type, 413 past the limit, decoded as its XML declaration says. */
async function readOpmlBody(c: Context<AppEnv>): Promise<string> {
  const type = c.req.header("content-type") ?? "";
  if (!OPML_TYPE.test(type)) {
    throw new Problem({ status: 415, code: "unsupported_media_type", title: "Unsupported media type", detail: "Send the OPML document as text/x-opml or application/xml." });
  }
  // A declared length over the limit is refused before the body is read at all.
  if (Number(c.req.header("content-length") ?? 0) > MAX_OPML_BYTES) throw tooLarge();
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.byteLength > MAX_OPML_BYTES) throw tooLarge();
  return decodeFeedBody(bytes, type);
}

export const opmlRoutes = new Hono<AppEnv>()
  .get("/sources.opml", requireAdmin(), async (c) => {
    const rows = await listSourceListings(c.var.session());
    c.header("content-type", "text/x-opml; charset=utf-8");
    c.header("content-disposition", 'attachment; filename="sources.opml"');
    return c.body(renderOpml(rows, new Date()));
  })
  .post("/sources/import", requireAdmin(), async (c) => {
    const document = readOpml(await readOpmlBody(c));
    const session = c.var.session();
    const plan = planImport(document.outlines, await listSourceListings(session), c.env.ALLOW_PRIVATE_UPSTREAMS === "true");
    await upsertSources(session, plan.writes);
    const count = (status: string) => plan.results.filter((r) => r.status === status).length;
    // Listings and feeds show a source's name: cached copies of them may now be stale.
    await reportChange(c, { kind: "sources-imported", updated: count("updated"), added: count("added") });
    return c.json({
      data: { added: count("added"), updated: count("updated"), unchanged: count("unchanged"), refused: count("refused"), outlines: plan.results, warnings: document.warnings },
    });
  });
