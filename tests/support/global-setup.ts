import path from "node:path";
import type { TestProject } from "vitest/node";
// @ts-expect-error plain ESM module shared with `npm start`, typed by its JSDoc
import { startUpstream } from "../../demo/upstream.mjs";
import { heldRoutes } from "./held-upstream";
import { hostileRoutes } from "./hostile-upstream";
import { websubRoutes } from "./websub-hub";

declare module "vitest" {
  export interface ProvidedContext {
    feedOrigin: string;
  }
}

/** Starts the loopback upstream that serves fixture feeds to the Worker under test. */
export default async function setup(project: TestProject) {
  const upstream = await startUpstream({
    root: path.join(import.meta.dirname, "..", "fixtures", "feeds"),
    routes: { ...hostileRoutes(), ...websubRoutes(), ...heldRoutes() },
  });
  project.provide("feedOrigin", upstream.origin);
  return () => upstream.close();
}
