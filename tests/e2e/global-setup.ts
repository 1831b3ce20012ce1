import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
// @ts-expect-error plain ESM module shared with `npm start`, typed by its JSDoc
import { startStack } from "../../scripts/stack.mjs";
import { freePort } from "./free-port";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    adminToken: string;
    /** FETCH_TIMEOUT_MS of the stack: short, so hostile upstreams are cut off quickly. */
    fetchTimeoutMs: number;
  }
}

/** Starts the whole local stack on a fresh database and hands its base URL to the tests. */
export default async function setup(project: TestProject) {
  const persistTo = await mkdtemp(path.join(tmpdir(), "edge-news-e2e-"));
  const fetchTimeoutMs = 4000;
  const stack = await startStack({
    port: await freePort(),
    persistTo,
    log: (line: string) => console.log(`[stack] ${line}`),
    vars: { FETCH_TIMEOUT_MS: String(fetchTimeoutMs) },
  });
  project.provide("baseUrl", stack.base);
  project.provide("adminToken", stack.adminToken);
  project.provide("fetchTimeoutMs", fetchTimeoutMs);
  return async () => {
    await stack.stop();
    // workerd may still be flushing its files for a moment after the signal.
    await rm(persistTo, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  };
}
