import { header, jsonResponse, readFailures, type RouteContract } from "../http/openapi";
import { examples } from "./schemas";

export const healthContract: RouteContract[] = [
  {
    method: "get",
    path: "/healthz",
    operation: {
      operationId: "health",
      summary: "Liveness and the last refresh",
      responses: { 200: jsonResponse("Alive", { type: "object" }, examples.health, { "Cache-Control": header("`no-store`") }), ...readFailures },
    },
  },
];
