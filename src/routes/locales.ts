import { Hono } from "hono";
import type { AppEnv } from "../env";
import { LOCALES } from "../i18n/locales";

export const localesRoutes = new Hono<AppEnv>().get("/", (c) => {
  c.header("cache-control", "public, max-age=86400, stale-while-revalidate=604800");
  return c.json({ data: LOCALES, meta: { locale: c.get("locale") } });
});
