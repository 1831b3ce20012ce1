import type { Child } from "hono/jsx";

/**
 * A message with one `{name}` placeholder filled by markup rather than text (a `<bdi>`, a
 * `<time>`), so translators keep control of word order around it.
 */
export function withSlot(template: string, name: string, node: Child): Child[] {
  const [before = "", after = ""] = template.split(`{${name}}`);
  return [before, node, after];
}
