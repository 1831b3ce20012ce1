import { Hono } from "hono";
import { cors } from "hono/cors";
import { etag, RETAINED_304_HEADERS } from "hono/etag";
import { methodNotAllowed } from "hono/method-not-allowed";
import { responseCache } from "./cache/response-cache";
import { BOOKMARK_HEADER } from "./db/client";
import type { AppEnv } from "./env";
import { errorHandler, onNotFound } from "./errors/handler";
import { adminRoutes } from "./routes/admin";
import { articlesRoutes } from "./routes/articles";
import { docsRoutes } from "./routes/docs";
import { feedLocale, feedsRoutes } from "./feeds/routes";
import { healthRoutes } from "./routes/health";
import { localesRoutes } from "./routes/locales";
import { apiLocale, d1Session, jsonCharset, methodNotAllowedProblem, rateLimit, requestId, securityHeaders } from "./routes/middleware";
import { openApiRoutes } from "./routes/openapi";
import { opmlRoutes } from "./routes/opml";
import { listingQuery, searchQuery } from "./http/params";
import { searchRoutes } from "./routes/search";
import { sourcesQuery } from "./routes/sources.input";
import { sourcesRoutes } from "./routes/sources";
import { websubRoutes } from "./routes/websub";
import { onPageError } from "./pages/page-errors";
import { isReaderPath } from "./pages/reader-headers";
import { pagesRoutes } from "./pages/routes";
import { sitemapRoutes } from "./pages/sitemaps/routes";

/** Public reads may be called from any web page; these headers are readable cross-origin. */
const publicCors = cors({
  origin: "*",
  allowMethods: ["GET", "HEAD"],
  // Last-Modified and Content-Language are CORS-safelisted response headers: readable already.
  exposeHeaders: ["Link", "X-Total-Count", "X-Total-Pages", "ETag", "Retry-After", BOOKMARK_HEADER],
  maxAge: 86400,
});

export function createApp() {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  // Headers set by a route (the HTML pages' own CSP, say) win over these defaults; JSON and
  // feeds get a policy that lets them load nothing and be framed by nobody, and `nosniff` so
  // they are never read as anything but their type. Only headers a current client acts on for
  // that kind of response are sent: every header is paid for on every cached hit (see
  // BENCHMARKS.md). X-XSS-Protection, X-Download-Options, X-DNS-Prefetch-Control,
  // X-Permitted-Cross-Domain-Policies and Origin-Agent-Cluster address legacy browsers,
  // plugins or defaults browsers now apply anyway. X-Frame-Options, Cross-Origin-Opener-Policy,
  // Referrer-Policy and HSTS are about documents (a JSON body makes no requests, sends no
  // referrer, and a browser learns HSTS for the host from the pages): HTML adds them
  // (HTML_DOCUMENT_HEADERS). Cross-Origin-Resource-Policy is left out: CORS (`*`) already
  // lets any page read public answers, which is all `cross-origin` would have allowed.
  app.use(securityHeaders());
  app.use(methodNotAllowed({ app, onMethodNotAllowed: (_c, methods) => Promise.reject(methodNotAllowedProblem(methods)) }));
  // A 304 keeps what a cross-origin reader needs to use it, besides the defaults RFC 9110 lists.
  app.use(etag({ retainedHeaders: [...RETAINED_304_HEADERS, "access-control-allow-origin", "access-control-expose-headers", "content-language"] }));
  app.use(jsonCharset());
  app.use("/api/v1/*", (c, next) => (c.req.path.startsWith("/api/v1/admin/") ? next() : publicCors(c, next)));
  app.use("/feeds/*", publicCors);
  app.use(rateLimit());
  app.use(d1Session());

  const api = new Hono<AppEnv>();
  api.use(apiLocale());
  api.use("/articles/*", responseCache({ params: Object.keys(listingQuery.shape) }));
  api.use("/search", responseCache({ params: Object.keys(searchQuery.shape) }));
  api.use("/sources", responseCache({ params: Object.keys(sourcesQuery.shape) }));
  api.route("/articles", articlesRoutes);
  api.route("/search", searchRoutes);
  api.route("/", opmlRoutes);
  api.route("/sources", sourcesRoutes);
  api.route("/locales", localesRoutes);
  api.route("/admin", adminRoutes);
  api.route("/", openApiRoutes());

  // A feed reads the listing's parameters, and `q` when it is a saved search.
  app.use("/feeds/*", feedLocale(), responseCache({ params: [...Object.keys(listingQuery.shape), "q"] }));
  app.route("/feeds", feedsRoutes);
  app.route("/", healthRoutes);
  app.route("/websub", websubRoutes);
  app.route("/api/v1", api);
  app.route("/api", docsRoutes());
  app.route("/", sitemapRoutes);
  app.route("/", pagesRoutes);
  app.notFound(onNotFound);
  app.onError(errorHandler([{ claims: isReaderPath, render: onPageError }]));
  return app;
}
