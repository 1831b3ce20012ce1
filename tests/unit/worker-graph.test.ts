/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";

/**
 * What the Worker bundles is what src/index.ts reaches through runtime imports. The API's
 * documentation (route contracts, the OpenAPI helpers and their zod-to-JSON-Schema converter,
 * the response schemas and examples, the docs page renderer) is built into assets/ by
 * `npm run openapi` and must stay out of it: imported from a handler, it would add about 30 KB
 * to the gzipped bundle without any test noticing otherwise.
 */
const sources = import.meta.glob<string>(["../../src/**/*.ts", "../../src/**/*.tsx"], { query: "?raw", import: "default", eager: true });
const files = new Map(Object.entries(sources).map(([key, text]) => [key.replace(/^(\.\.\/)+/, ""), text]));

const DOCUMENTATION_ONLY = [/\.contract\.ts$/, /^src\/contracts\.ts$/, /^src\/http\/openapi\.ts$/, /^src\/routes\/schemas\.ts$/, /^src\/routes\/docs-page\.ts$/];

function resolve(from: string, specifier: string): string | null {
  const parts = from.split("/").slice(0, -1);
  for (const segment of specifier.split("/")) {
    if (segment === "..") parts.pop();
    else if (segment !== ".") parts.push(segment);
  }
  const base = parts.join("/");
  return [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`].find((p) => files.has(p)) ?? null;
}

/** Files reachable from `entry` through imports that survive compilation (not `import type`). */
function reachable(entry: string): Set<string> {
  const seen = new Set([entry]);
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    for (const m of files.get(file)!.matchAll(/^(?:import|export)(\s+type)?\s[^;]*?from\s+"(\.[^"]+)"/gms)) {
      if (m[1]) continue;
      const to = resolve(file, m[2]!);
      if (to && !seen.has(to)) {
        seen.add(to);
        queue.push(to);
      }
    }
  }
  return seen;
}

const documentationOnly = (graph: Set<string>) => [...graph].filter((f) => DOCUMENTATION_ONLY.some((re) => re.test(f)));

/**
 * Files of `graph` that import the ORM at runtime. Queries are raw SQL (src/db/client.ts says
 * why); its table definitions in src/db/schema.ts are for generating migrations only.
 */
const ormImporters = (graph: Set<string>) =>
  [...graph].filter((f) => [...files.get(f)!.matchAll(/^(?:import|export)(\s+type)?\s[^;]*?from\s+"drizzle-orm(\/[^"]*)?"/gms)].some((m) => !m[1]));

describe("the Worker's import graph", () => {
  it("reaches the app's modules", () => {
    const graph = reachable("src/index.ts");
    expect(graph.size).toBeGreaterThan(100);
    expect(graph).toContain("src/routes/sources.input.ts");
  });

  it("holds none of the documentation, which is built into assets/ instead", () => {
    const graph = reachable("src/index.ts");
    expect(documentationOnly(graph)).toEqual([]);
    expect([...graph].filter((f) => files.get(f)!.includes("toJSONSchema"))).toEqual([]);
  });

  it("holds no drizzle-orm, whose queries cost about 19 KB gzipped and are raw SQL instead", () => {
    const graph = reachable("src/index.ts");
    expect(ormImporters(graph)).toEqual([]);
    expect(graph).not.toContain("src/db/schema.ts");
  });

  it("would notice a module importing drizzle-orm", () => {
    expect(ormImporters(new Set(["src/db/schema.ts"]))).toEqual(["src/db/schema.ts"]);
  });

  it("would notice a handler importing a contract", () => {
    // The generator's entry reaches them all; so would the Worker through one such import.
    expect(documentationOnly(reachable("src/contracts.ts"))).toEqual(expect.arrayContaining(["src/http/openapi.ts", "src/routes/sources.contract.ts", "src/routes/schemas.ts"]));
  });
});
