/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";

/**
 * The layers of src/, highest first. A module may import its own folder and any lower layer,
 * never a higher one, and never a neighbour in its own layer (routes, pages and feeds are
 * separate front doors; what they share lives lower, in http/).
 *
 * - index.ts: the Worker (fetch, scheduled and queue handlers).
 * - app.ts: the app's wiring (registers routers, middleware and error renderers); contracts.ts:
 *   every route's documentation, gathered into the OpenAPI document at build time.
 * - routes/, pages/, feeds/: the API, the reader pages, the feeds out.
 * - ingest/: the refresh pipeline; it drops cached answers after a refresh, so sits over cache/.
 * - cache/: response caching and its key schema.
 * - archive/: article bodies in R2 (writing, reading back) and the cron's upkeep of D1's size.
 * - db/: all SQL.
 * - http/: neutral HTTP helpers (query parameters, pagination, paging and document headers).
 * - errors/: the problem+json type and the app-wide handler.
 * - search/, i18n/, domain.ts: pure modules; they may use one another.
 *
 * env.ts declares the Worker's types and is imported from every layer; it may only
 * `import type` (checked below), so it adds no runtime edge.
 */
const LAYERS: string[][] = [
  ["index.ts"],
  ["app.ts", "contracts.ts"],
  ["routes", "pages", "feeds"],
  ["ingest"],
  ["cache"],
  ["archive"],
  ["db"],
  ["http"],
  ["errors"],
  ["search", "i18n", "domain.ts"],
];
const BASE = LAYERS.length - 1;

const sources = import.meta.glob<string>(["../../src/**/*.ts", "../../src/**/*.tsx"], { query: "?raw", import: "default", eager: true });

/** `src/routes/articles.ts` for a glob key. */
const srcPath = (key: string) => key.replace(/^(\.\.\/)+/, "");

/** The top-level part of src/ a path belongs to: a folder name or a root file name. */
function unitOf(path: string): string {
  const [, first] = path.split("/");
  return first!;
}

function layerOf(unit: string): number {
  const index = LAYERS.findIndex((layer) => layer.includes(unit));
  if (index < 0) throw new Error(`src/${unit} is in no layer: add it to LAYERS`);
  return index;
}

function resolve(from: string, specifier: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const segment of specifier.split("/")) {
    if (segment === "..") parts.pop();
    else if (segment !== ".") parts.push(segment);
  }
  return parts.join("/");
}

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

function importsOf(path: string, text: string): Edge[] {
  const edges: Edge[] = [];
  for (const match of text.matchAll(/^(?:import|export)(\s+type)?\s[^;]*?from\s+"(\.[^"]+)"/gms)) {
    const to = resolve(path, match[2]!);
    // Files outside src/ (wrangler.toml, bundled as text for the settings it holds) are
    // configuration, not code of any layer.
    if (!to.startsWith("src/")) continue;
    edges.push({ from: path, to, typeOnly: Boolean(match[1]) });
  }
  return edges;
}

const edges = Object.entries(sources).flatMap(([key, text]) => importsOf(srcPath(key), text));

function violations(edges: Edge[]): string[] {
  const found: string[] = [];
  for (const edge of edges) {
    const from = unitOf(edge.from);
    const to = unitOf(edge.to.endsWith(".ts") ? edge.to : `${edge.to}.ts`);
    if (from === "env.ts" || to === "env.ts" || from === to) continue;
    const [high, low] = [layerOf(from), layerOf(to)];
    const ok = high < low || (high === low && high === BASE);
    if (!ok) found.push(`${edge.from} imports ${edge.to}`);
  }
  return found;
}

describe("layers of src/", () => {
  it("reads every source file", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(50);
    expect(edges.length).toBeGreaterThan(100);
  });

  it("has no import against the layers", () => {
    expect(violations(edges)).toEqual([]);
  });

  it("flags an import that runs back up or across a layer", () => {
    const back = { from: "src/errors/handler.ts", to: "src/pages/page-errors", typeOnly: false };
    const across = { from: "src/pages/routes.tsx", to: "src/routes/params", typeOnly: false };
    const down = { from: "src/routes/articles.ts", to: "src/db/articles", typeOnly: false };
    expect(violations([back, across, down])).toEqual(["src/errors/handler.ts imports src/pages/page-errors", "src/pages/routes.tsx imports src/routes/params"]);
  });

  it("lets env.ts import types only", () => {
    expect(edges.filter((e) => e.from === "src/env.ts" && !e.typeOnly)).toEqual([]);
  });
});
