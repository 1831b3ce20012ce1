import { envelope, jsonResponse, readFailures, readParameters, type RouteContract } from "../http/openapi";
import { localeQuery } from "../http/params";

export const localesContract: RouteContract[] = [
  {
    method: "get",
    path: "/api/v1/locales",
    query: localeQuery,
    queryExamples: { locale: "fr" },
    operation: {
      operationId: "listLocales",
      summary: "The seven UI locales",
      parameters: readParameters,
      responses: {
        200: jsonResponse(
          "Locales",
          envelope({ type: "array", items: { type: "object", required: ["code", "name", "dir"], properties: { code: { type: "string" }, name: { type: "string" }, dir: { enum: ["ltr", "rtl"] } } } }, false),
          { data: [{ code: "en", name: "English", dir: "ltr" }, { code: "ar", name: "العربية", dir: "rtl" }], meta: { locale: "en" } },
        ),
        ...readFailures,
      },
    },
  },
];
