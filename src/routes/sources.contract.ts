import * as z from "zod/mini";
import { adminFailures, adminSecurity, envelope, header, jsonResponse, jsonSchema, listHeaders, pathParameter, problemExample, problemResponse, readFailures, readParameters, ref, sharedResponse, type RouteContract } from "../http/openapi";
import { MAX_OPML_BYTES, MAX_OUTLINES, OPML_NS } from "./opml-format";
import { examples as ex } from "./schemas";
import { deleteQuery, sourceCreate, sourcePatch, sourcePrefix, sourcesQuery, storyKeyText, storyScopeText } from "./sources.input";

// What the document says of these inputs; registered here, where only the document is built.
z.globalRegistry.add(storyScopeText, { description: "Sources that publish translations of each other declare the same scope; set together with story_key." });
z.globalRegistry.add(storyKeyText, {
  description:
    "URLPattern pathname pattern applied to each item link, e.g. /:lang/story/:year/:month/:key. Its :key group and other named groups except :lang identify the story across the sources of the scope. Literal text, :name segments (one per path segment) and at most one * only.",
});
z.globalRegistry.add(sourcePrefix, { description: "A prefix of the source's id or name, without regard to ASCII case" });

/** What POST /sources/import answers: counts, then one entry per outline that is not a folder. */
export const importReport = z.object({
  added: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  refused: z.number(),
  outlines: z.array(
    z.object({
      outline: z.number().check(z.describe("1-based position among the file's outline elements, folders included")),
      folders: z.array(z.string()).check(z.describe("Titles of the enclosing folders, outermost first")),
      title: z.nullable(z.string()),
      xml_url: z.nullable(z.string()),
      status: z.enum(["added", "updated", "unchanged", "refused"]),
      id: z.optional(z.string()),
      code: z.optional(z.enum(["not_a_feed", "missing_url", "bad_url", "private_host", "duplicate_url", "duplicate_id", "invalid_attribute"])),
      message: z.optional(z.string()),
    }),
  ),
  warnings: z.array(z.string()).check(z.describe("What the parser recovered from, e.g. an unescaped &")),
});

const opmlExample = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0" xmlns:edge="${OPML_NS}">
  <head><title>Feeds</title></head>
  <body>
    <outline text="World">
      <outline type="rss" text="UN News (English)" xmlUrl="https://news.example.org/feed/en.xml" htmlUrl="https://news.example.org/en/" language="en" edge:id="un-news-en" edge:storyScope="news-example" edge:storyKey="/:lang/story/:year/:month/:key"/>
    </outline>
  </body>
</opml>
`;

const importExample = {
  added: 1,
  updated: 0,
  unchanged: 0,
  refused: 0,
  outlines: [{ outline: 2, folders: ["World"], title: "UN News (English)", xml_url: "https://news.example.org/feed/en.xml", status: "added", id: "un-news-en" }],
  warnings: [],
} satisfies z.infer<typeof importReport>;

const created = { ...ex.source, last_fetched_at: null, last_status: null, next_fetch_at: null, article_count: 0 };

export const sourcesContract: RouteContract[] = [
  {
    method: "get",
    path: "/api/v1/sources",
    query: sourcesQuery,
    queryExamples: { page: 1, per_page: 50, lang: ["en"], q: "un-news", enabled: "true", locale: "fr" },
    operation: {
      operationId: "listSources",
      summary: "Upstream sources and their ingestion health, a page at a time",
      description:
        "Sources in id order, paged like the article listing (`Link`, `X-Total-Count`). `lang` keeps sources whose language tag starts with one of the codes (`zh` matches `zh-Hans`). Answers are cached: a new, changed or removed source, a refresh that stored articles, and a refresh in which some source failed or recovered or was fetched for the first time show at once; the fetch times of sources whose refresh found nothing new may lag until then.",
      parameters: readParameters,
      responses: {
        200: jsonResponse(
          "One page of sources",
          envelope({ type: "array", items: ref("SourceHealth") }, true),
          {
            data: [ex.source],
            meta: { page: 1, per_page: 50, total: 1, total_pages: 1, locale: "en", query: { q: "un-news" } },
            links: { self: "https://api.example.org/api/v1/sources?q=un-news", first: "https://api.example.org/api/v1/sources?q=un-news", prev: null, next: null, last: "https://api.example.org/api/v1/sources?q=un-news" },
          },
          listHeaders,
        ),
        400: sharedResponse("BadRequest"),
        ...readFailures,
      },
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
    method: "get",
    path: "/api/v1/sources.opml",
    operation: {
      operationId: "exportSourcesOpml",
      summary: "All sources as an OPML 2.0 file (admin)",
      description: `One \`type="rss"\` outline per source, in id order: \`text\` and \`title\` (name), \`xmlUrl\`, \`htmlUrl\` (homepage), \`language\`, and in the namespace \`${OPML_NS}\` the \`id\`, \`storyScope\`, \`storyKey\`, and \`enabled="false"\` for a disabled source. Importing the file elsewhere recreates the same sources.`,
      security: adminSecurity,
      responses: {
        200: {
          description: "The OPML document",
          headers: { "Content-Disposition": header("`attachment`, named sources.opml"), "Cache-Control": header("`no-store`") },
          content: { "text/x-opml": { schema: { type: "string" }, example: opmlExample } },
        },
        ...adminFailures,
      },
    },
  },
  {
    method: "post",
    path: "/api/v1/sources/import",
    operation: {
      operationId: "importSourcesOpml",
      summary: "Add or update sources from an OPML file (admin)",
      description: `Folders are flattened. Each feed outline is matched to a source by its \`edge:id\` (namespace \`${OPML_NS}\`) or else its \`xmlUrl\`; a new one gets the id POST /sources derives from its title (from its host without a title), with \`-2\`, \`-3\`… when taken. The rules of POST /sources apply to every outline; an outline that breaks one is refused with a code and message, the others are written in one transaction. Attributes an outline lacks leave the stored values as they are, so importing the same file twice reports every outline \`unchanged\` the second time. At most ${MAX_OUTLINES} outlines.`,
      security: adminSecurity,
      requestBody: {
        required: true,
        content: Object.fromEntries(["text/x-opml", "application/xml", "application/octet-stream"].map((type) => [type, { schema: { type: "string" }, example: opmlExample }])),
      },
      responses: {
        200: jsonResponse("What happened to each outline", { type: "object", required: ["data"], properties: { data: jsonSchema(importReport) } }, { data: importExample }, { "Cache-Control": header("`no-store`") }),
        400: problemResponse("Not a readable OPML document; nothing was written.", problemExample(400, "invalid_opml", "Not a readable OPML document", "The root element is <html>, not <opml>.", "/api/v1/sources/import")),
        ...adminFailures,
        413: problemResponse(
          `Body over ${MAX_OPML_BYTES} bytes, or more than ${MAX_OUTLINES} outlines.`,
          problemExample(413, "too_many_outlines", "Too many outlines", `An import may hold at most ${MAX_OUTLINES} outlines; split the file.`, "/api/v1/sources/import"),
        ),
        415: problemResponse("Body not OPML.", problemExample(415, "unsupported_media_type", "Unsupported media type", "Send the OPML document as text/x-opml or application/xml.", "/api/v1/sources/import")),
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
      description:
        "With `purge=true` the source's articles are removed from the live database and from every period database (their periods' `version` goes up). " +
        "The live database goes first, in one transaction with the source. If a period database cannot be reached (or this deploy lacks its binding), the answer is a 503 `purge_incomplete` problem naming each such period: " +
        "the source and its live articles are deleted, those periods still hold some of its articles, and repeating the request (it purges the periods even once the source is gone) finishes the job. " +
        "A 204 means nothing of the source is left anywhere; a 404, that there was nothing to remove.",
      security: adminSecurity,
      parameters: [pathParameter("id", "un-news-en")],
      responses: {
        204: { description: "Removed" },
        400: sharedResponse("BadRequest"),
        ...adminFailures,
        404: sharedResponse("NotFound"),
        503: problemResponse(
          "The purge reached the live database but not every period database; repeat the request until it answers 204.",
          problemExample(
            503,
            "purge_incomplete",
            "Purge incomplete",
            "Source un-news-en and its articles in the live database are deleted, but period database 2026-11a (SHARD_1: its database could not be reached) still holds some of its articles: repeat this request until it answers 204.",
            "/api/v1/sources/un-news-en",
          ),
        ),
      },
    },
  },
];
