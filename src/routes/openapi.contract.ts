import { jsonResponse, readFailures, readParameters, type RouteContract } from "../http/openapi";

export const openApiContract: RouteContract[] = [
  {
    method: "get",
    path: "/api/v1/openapi.json",
    operation: {
      operationId: "openApi",
      summary: "This document",
      parameters: readParameters,
      responses: { 200: jsonResponse("OpenAPI 3.1", { type: "object" }, { openapi: "3.1.0", info: { title: "Edge News API", version: "1.0.0" }, paths: {} }), ...readFailures },
    },
  },
];
