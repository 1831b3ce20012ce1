import { readFailures, readHeaders, readParameters, type RouteContract } from "../http/openapi";

export const docsContract: RouteContract[] = [
  {
    method: "get",
    path: "/api/docs",
    operation: {
      operationId: "docs",
      summary: "This document for people: every endpoint with its examples",
      parameters: readParameters,
      responses: {
        200: { description: "HTML documentation", headers: readHeaders, content: { "text/html": { schema: { type: "string" }, example: '<!doctype html><html lang="en">…</html>' } } },
        ...readFailures,
      },
    },
  },
];
