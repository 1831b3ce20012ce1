import { Hono } from "hono";
import type { AppEnv } from "./env";
const app = new Hono<AppEnv>();
app.get("/healthz", (c) => c.json({ status: "ok" }));
export default { fetch: app.fetch } satisfies ExportedHandler<AppEnv["Bindings"]>;
