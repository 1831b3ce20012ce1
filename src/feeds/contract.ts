import { header, pathParameter, readFailures, readHeaders, readParameters, sharedResponse, type RouteContract } from "../http/openapi";
import { feedQuery } from "./input";
import { LOCALES } from "../i18n/locales";

const examples = {
  rss: '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Edge News (English)</title><link>https://api.example.org/en/</link><description>Latest stories from the news clearinghouse</description><item><title>250 million children still out of school</title><link>https://api.example.org/en/news/3f2a9c0d4b1e7a65/250-million-children-still-out-of-school</link><guid isPermaLink="false">urn:edge-news:article:3f2a9c0d4b1e7a65</guid></item></channel></rss>',
  atom: '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><id>https://api.example.org/feeds/en.atom</id><title>Edge News (English)</title><updated>2026-11-27T09:00:00Z</updated><entry><id>urn:edge-news:article:3f2a9c0d4b1e7a65</id><title>250 million children still out of school</title><updated>2026-11-27T09:00:00Z</updated><author><name>UN News (English)</name></author></entry></feed>',
  jsonFeed: {
    version: "https://jsonfeed.org/version/1.1",
    title: "Edge News (English)",
    home_page_url: "https://api.example.org/en/",
    feed_url: "https://api.example.org/feeds/en.json",
    items: [{ id: "urn:edge-news:article:3f2a9c0d4b1e7a65", url: "https://api.example.org/en/news/3f2a9c0d4b1e7a65/250-million-children-still-out-of-school", title: "250 million children still out of school", content_text: "A new report finds that 250 million children and youth are still out of school worldwide.", date_published: "2026-11-27T09:00:00Z" }],
  },
};

export const feedsContract: RouteContract[] = [
  {
    method: "get",
    path: "/feeds/{file}",
    query: feedQuery,
    queryExamples: { lang: ["en"], source: ["un-news-en"], from: "2026-11-01", to: "2026-11-30", per_page: 30, q: "education" },
    operation: {
      operationId: "feed",
      summary: "The listing (or a saved search with q) as RSS 2.0, Atom 1.0 or JSON Feed 1.1",
      parameters: [pathParameter("file", "en.rss", { type: "string", pattern: `^(${LOCALES.map((l) => l.code).join("|")})\\.(rss|atom|json)$` }), ...readParameters],
      responses: {
        200: {
          description: "The feed",
          headers: { ...readHeaders, "Last-Modified": header("Publication time of the newest item") },
          content: {
            "application/rss+xml": { schema: { type: "string" }, example: examples.rss },
            "application/atom+xml": { schema: { type: "string" }, example: examples.atom },
            "application/feed+json": { schema: { type: "object" }, example: examples.jsonFeed },
          },
        },
        400: sharedResponse("BadRequest"),
        404: sharedResponse("NotFound"),
        ...readFailures,
      },
    },
  },
];
