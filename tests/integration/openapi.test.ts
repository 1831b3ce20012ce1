import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
// Every documented operation is called with its example, registering a period included.
import "../support/period-databases";
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as z from "zod/mini";
import { createApp } from "../../src/app";
import type { Bindings } from "../../src/env";
import { openApiDocument, ROUTE_CONTRACTS } from "../../src/contracts";
import generated from "../../assets/openapi.json";
import { docsPage, type Document as RenderedDocument } from "../../src/routes/docs-page";
import * as schemas from "../../src/routes/schemas";
import { ADMIN, addSource, getJson, runCron } from "../support/worker";

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: object;
  example?: unknown;
}
interface Media {
  schema?: object;
  example?: unknown;
}
interface Operation {
  operationId: string;
  summary: string;
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { $ref?: string; description?: string; content?: Record<string, Media> }>;
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object>; responses: Record<string, { description: string; content?: Record<string, Media> }>; securitySchemes: object };
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
let doc: Document;

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));

/** Every `$ref` in a value, with where it was found. */
function refs(value: unknown, at = "#"): [string, string][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => refs(v, `${at}/${i}`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => (k === "$ref" && typeof v === "string" ? [[at, v] as [string, string]] : refs(v, `${at}/${k}`)));
  }
  return [];
}

const resolve = (pointer: string): unknown =>
  pointer
    .replace(/^#\//, "")
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], doc);

beforeAll(async () => {
  await addSource("edu-en", "/basic/en.xml");
  await addSource("edu-fr", "/basic/fr.atom");
  await runCron();
  const res = await SELF.fetch("http://app.test/api/v1/openapi.json");
  expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
  doc = (await res.json()) as Document;
});

describe("the generated OpenAPI document", () => {
  it("is what the route contracts describe now (else run `npm run openapi`)", () => {
    // The Worker serves the file written at build time; a contract changed since is caught here.
    expect(generated, "assets/openapi.json is out of date: run `npm run openapi`").toStrictEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it("is rendered for people as the documentation page serves it (else run `npm run openapi`)", async () => {
    const page = await (await SELF.fetch("http://app.test/api/docs")).text();
    expect(page, "assets/docs.html is out of date: run `npm run openapi`").toBe(await docsPage(openApiDocument() as unknown as RenderedDocument));
  });

  it("is served with this origin as its server and nothing else added", () => {
    expect(doc).toStrictEqual({ ...generated, servers: [{ url: "http://app.test" }] });
    expect(Object.keys(doc)).toEqual(["openapi", "info", "servers", "components", "paths"]);
  });
});

describe("the generated documents when the asset store fails", () => {
  it("answer a 503 problem with Retry-After, then the documents once the store answers again", async () => {
    vi.resetModules();
    const worker = (await import("../../src/index")).default;
    let failing = true;
    const assets = { fetch: (req: RequestInfo | URL) => (failing ? Promise.reject(new Error("asset store unreachable")) : env.ASSETS.fetch(req)) };
    const call = async (path: string) => {
      const ctx = createExecutionContext();
      const res = await worker.fetch!(new Request(`http://app.test${path}`), { ...(env as Bindings), ASSETS: assets as unknown as Fetcher }, ctx);
      await waitOnExecutionContext(ctx);
      return res;
    };
    for (const path of ["/api/v1/openapi.json", "/api/docs"]) {
      const res = await call(path);
      expect(res.status, path).toBe(503);
      expect(res.headers.get("retry-after"), path).toBeTruthy();
      expect(await res.json(), path).toMatchObject({ status: 503, code: "storage_unavailable" });
    }
    failing = false;
    const json = await call("/api/v1/openapi.json");
    expect(json.status).toBe(200);
    expect(((await json.json()) as Document).paths).toEqual(doc.paths);
    const page = await call("/api/docs");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('id="get-/api/v1/articles"');
  });
});

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 with info, a server for this origin, and paths", () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();
    expect(doc.servers[0]?.url).toBe("http://app.test");
    expect(Object.keys(doc.paths).every((p) => p.startsWith("/"))).toBe(true);
  });

  it("documents every endpoint of the contract", () => {
    const documented = operations().map(({ path, method }) => `${method.toUpperCase()} ${path}`);
    for (const endpoint of [
      "GET /api/v1/articles",
      "GET /api/v1/articles/{id}",
      "GET /api/v1/search",
      "GET /api/v1/sources",
      "POST /api/v1/sources",
      "PATCH /api/v1/sources/{id}",
      "DELETE /api/v1/sources/{id}",
      "GET /api/v1/locales",
      "GET /api/v1/openapi.json",
      "POST /api/v1/admin/refresh",
      "GET /api/v1/admin/runs",
      "GET /feeds/{file}",
      "GET /api/docs",
      "GET /healthz",
    ]) {
      expect(documented).toContain(endpoint);
    }
  });

  it("resolves every $ref inside the document", () => {
    const found = refs(doc);
    expect(found.length).toBeGreaterThan(10);
    for (const [at, ref] of found) {
      expect(ref.startsWith("#/"), at).toBe(true);
      expect(resolve(ref), `${at} -> ${ref}`).toBeDefined();
    }
  });

  it("gives every operation a unique id, a summary, described responses and well-formed parameters", () => {
    const ids = new Set<string>();
    for (const { path, method, op } of operations()) {
      const where = `${method} ${path}`;
      expect(METHODS, where).toContain(method);
      expect(ids.has(op.operationId), where).toBe(false);
      ids.add(op.operationId);
      expect(op.summary, where).toBeTruthy();
      const statuses = Object.keys(op.responses);
      expect(statuses.some((s) => s.startsWith("2")), where).toBe(true);
      for (const [status, response] of Object.entries(op.responses)) {
        expect(status, where).toMatch(/^[1-5]\d\d$/);
        const resolved = (response.$ref ? resolve(response.$ref) : response) as { description?: string };
        expect(resolved.description, `${where} ${status}`).toBeTruthy();
      }
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const inPath = (op.parameters ?? []).filter((p) => p.in === "path");
      expect(inPath.map((p) => p.name).sort(), where).toEqual([...templated].sort());
      for (const p of op.parameters ?? []) {
        expect(["query", "path", "header", "cookie"], `${where} ${p.name}`).toContain(p.in);
        expect(p.schema, `${where} ${p.name}`).toBeTypeOf("object");
        if (p.in === "path") expect(p.required, `${where} ${p.name}`).toBe(true);
      }
      if (op.security) expect(Object.keys(doc.components.securitySchemes)).toContain(Object.keys(op.security[0] as object)[0]);
    }
  });

  it("has an example for every parameter, request body and response body", () => {
    for (const { path, method, op } of operations()) {
      for (const p of op.parameters ?? []) expect(p.example, `${method} ${path} ${p.name}`).toBeDefined();
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) expect(media.example, `${method} ${path} body ${type}`).toBeDefined();
      for (const [status, response] of Object.entries(op.responses)) {
        const resolved = (response.$ref ? resolve(response.$ref) : response) as { content?: Record<string, Media> };
        for (const [type, media] of Object.entries(resolved.content ?? {})) expect(media.example, `${method} ${path} ${status} ${type}`).toBeDefined();
      }
    }
  });

  it("answers every documented operation with one of its documented statuses", async () => {
    const real = (await getJson("/api/v1/articles?per_page=1")).body.data[0].id;
    for (const { path, method, op } of operations()) {
      const params = op.parameters ?? [];
      let target = path.replace(/\{(\w+)\}/g, (_m, name: string) => String(name === "id" && path.includes("articles") ? real : params.find((p) => p.name === name)?.example));
      const query = new URLSearchParams();
      for (const p of params.filter((p) => p.in === "query")) {
        for (const value of [p.example].flat()) query.append(p.name, String(value));
      }
      // A refresh must not reach the example's (real) upstream.
      if (op.operationId === "refresh") query.set("source", "none-such");
      if (query.size) target += `?${query}`;
      // The first documented body, as its media type says: JSON, or text as written (OPML).
      const [type, media] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
      const example = media?.example;
      const body = example === undefined ? undefined : type === "application/json" ? JSON.stringify(example) : String(example);
      const res = await SELF.fetch(`http://app.test${target}`, {
        method: method.toUpperCase(),
        headers: { ...(op.security ? ADMIN : {}), ...(type && body !== undefined ? { "content-type": type } : {}) },
        body,
      });
      await res.arrayBuffer();
      expect(Object.keys(op.responses), `${method} ${target} answered ${res.status}`).toContain(String(res.status));
      // A WebSub callback exists only once a hub-declaring feed was subscribed (tests/integration/
      // websub.test.ts): the example id names none, and the documented refusal is the answer.
      expect(res.status, `${method} ${target}`).toBeLessThan(op.operationId.startsWith("websub") ? 500 : 300);
    }
  });

  it("describes the bodies the API really returns", async () => {
    const article = z.extend(schemas.articleSummary, {});
    const listing = z.object({ data: z.array(article), meta: schemas.pageMeta, links: schemas.pageLinks });
    const { body } = await getJson("/api/v1/articles?per_page=100");
    expect(listing.safeParse(body).error).toBeUndefined();
    const detail = await getJson(`/api/v1/articles/${body.data[0].id}`);
    expect(z.object({ data: schemas.articleDetail }).safeParse(detail.body).error).toBeUndefined();
    const search = await getJson("/api/v1/search?q=school");
    expect(z.object({ data: z.array(schemas.searchHit), meta: schemas.pageMeta, links: schemas.pageLinks }).safeParse(search.body).error).toBeUndefined();
    const sources = await getJson("/api/v1/sources");
    expect(z.object({ data: z.array(schemas.sourceHealth) }).safeParse(sources.body).error).toBeUndefined();
    const runs = await getJson("/api/v1/admin/runs", { headers: ADMIN });
    expect(z.object({ data: z.array(schemas.runReport) }).safeParse(runs.body).error).toBeUndefined();
    const problem = await getJson("/api/v1/articles?per_page=0");
    expect(schemas.problem.safeParse(problem.body).error).toBeUndefined();
  });
});

/** `/api/v1/articles/:id` as OpenAPI writes it: `/api/v1/articles/{id}`. */
const template = (path: string) => path.replace(/:(\w+)(\{[^}]*\})?\??/g, "{$1}");
/** The reader pages (HTML under `/` and `/{locale}/`) are for people, not part of the API. */
const isReaderPage = (path: string) => path === "/" || path.startsWith("/:locale");

describe("the OpenAPI document covers the app", () => {
  const served = () =>
    createApp()
      .routes.filter((r) => r.method !== "ALL" && !isReaderPage(r.path))
      .map((r) => `${r.method.toLowerCase()} ${template(r.path)}`);

  it("documents every route the app serves outside the reader pages, and no other", () => {
    const documented = operations().map(({ path, method }) => `${method} ${path}`);
    expect(served().length).toBeGreaterThan(10);
    expect([...new Set(served())].sort()).toEqual([...documented].sort());
  });

  it("documents every query parameter of each route's validating schema", () => {
    let checked = 0;
    for (const route of ROUTE_CONTRACTS) {
      const op = doc.paths[route.path]?.[route.method];
      const names = (op?.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
      for (const key of Object.keys(route.query?.shape ?? {})) {
        expect(names, `${route.method} ${route.path} ?${key}`).toContain(key);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it("has each handler validate the parameters it documents: an invalid value is a 400 naming it", async () => {
    /** A value the documented schema refuses, or undefined when it accepts every string. */
    const invalid = (schema: Record<string, unknown>): string | undefined => {
      if (schema.type === "integer" || schema.type === "number") return "not-a-number";
      if (Array.isArray(schema.enum)) return "not-a-choice";
      if (schema.type === "array") return invalid(schema.items as Record<string, unknown>);
      if (typeof schema.pattern === "string") return "!!";
      if (typeof schema.maxLength === "number") return "x".repeat(schema.maxLength + 1);
      return undefined;
    };
    let probed = 0;
    for (const { path, method, op } of operations()) {
      const params = op.parameters ?? [];
      const target = path.replace(/\{(\w+)\}/g, (_m, name: string) => String(params.find((p) => p.name === name)?.example));
      // `locale` is read by the locale middleware, which negotiates instead when it is unknown.
      for (const p of params.filter((p) => p.in === "query" && p.name !== "locale")) {
        const value = invalid(p.schema as Record<string, unknown>);
        if (value === undefined) continue;
        const res = await SELF.fetch(`http://app.test${target}?${new URLSearchParams({ [p.name]: value })}`, { method: method.toUpperCase(), headers: op.security ? ADMIN : {} });
        const body = (await res.json()) as { errors?: { path: string }[] };
        expect(res.status, `${method} ${path} ?${p.name}=${value}`).toBe(400);
        expect(body.errors?.map((e) => e.path), `${method} ${path} ?${p.name}`).toContain(p.name);
        probed++;
      }
    }
    expect(probed).toBeGreaterThan(20);
  });

  it("documents a query parameter only where a schema validates it", () => {
    for (const route of ROUTE_CONTRACTS) {
      const names = (doc.paths[route.path]?.[route.method]?.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
      expect(names.sort(), `${route.method} ${route.path}`).toEqual(Object.keys(route.query?.shape ?? {}).sort());
    }
  });
});

describe("the documentation page", () => {
  it("shows every operation with its examples, in a page that loads nothing from elsewhere", async () => {
    const res = await SELF.fetch("http://app.test/api/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.startsWith("<!doctype html>")).toBe(true);
    for (const { path, method } of operations()) expect(html).toContain(`id="${method}-${path}"`);
    expect(html).toContain("/api/v1/openapi.json");
    expect((html.match(/<pre>/g) ?? []).length).toBeGreaterThanOrEqual(operations().length);
    expect(html).not.toMatch(/<script|<link /);
  });
});
