import { Hono } from "hono";
import { cors } from "hono/cors";
import { etag } from "hono/etag";
import { secureHeaders } from "hono/secure-headers";
import { responseCache } from "./cache/response-cache";
import type { AppEnv } from "./env";
import { onError, onNotFound } from "./errors/handler";
import { adminRoutes } from "./routes/admin";
import { articlesRoutes } from "./routes/articles";
import { feedLocale, feedsRoutes } from "./routes/feeds";
import { healthRoutes } from "./routes/health";
import { docsRoutes } from "./routes/docs";
import { localesRoutes } from "./routes/locales";
import { openApiRoutes } from "./routes/openapi";
import { apiLocale, jsonCharset, requestId } from "./routes/middleware";
import { searchRoutes } from "./routes/search";
import { sourcesRoutes } from "./routes/sources";
import { pagesRoutes } from "./pages/routes";

export function createApp() {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(secureHeaders({ crossOriginResourcePolicy: "cross-origin", xFrameOptions: "DENY" }));
  app.use(etag());
  app.use(jsonCharset());

  const api = new Hono<AppEnv>();
  // Public reads may be called from any web page; admin calls are not offered cross-origin.
  api.use(cors({ origin: "*", allowMethods: ["GET", "HEAD"], exposeHeaders: ["Link", "X-Total-Count", "X-Total-Pages", "ETag", "Content-Language"], maxAge: 86400 }));
  api.use(apiLocale());
  api.use("/articles/*", responseCache());
  api.use("/search", responseCache());
  api.route("/articles", articlesRoutes);
  api.route("/search", searchRoutes);
  api.route("/sources", sourcesRoutes);
  api.route("/locales", localesRoutes);
  api.route("/admin", adminRoutes);
  api.route("/", openApiRoutes);

  app.use("/feeds/*", cors({ origin: "*", allowMethods: ["GET", "HEAD"] }), feedLocale(), responseCache());
  app.route("/feeds", feedsRoutes);
  app.route("/", healthRoutes);
  app.route("/api/v1", api);
  app.route("/api", docsRoutes);
  app.route("/", pagesRoutes);
  app.notFound(onNotFound);
  app.onError(onError);
  return app;
}
