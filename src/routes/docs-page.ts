// The page /api/docs serves, rendered when the bundle is built (scripts/openapi.mjs writes it
// to assets/docs.html beside the OpenAPI document it shows). Nothing the Worker runs imports it.
import { html, raw } from "hono/html";

interface DocumentedResponse {
  $ref?: string;
  description?: string;
  content?: Record<string, { example?: unknown }>;
}

interface Operation {
  summary?: string;
  description?: string;
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; schema?: Record<string, unknown>; example?: unknown }[];
  requestBody?: { content: Record<string, { example?: unknown }> };
  responses: Record<string, DocumentedResponse>;
}

export interface Document {
  info: { title: string; description: string };
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, DocumentedResponse> };
}

const pretty = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value, null, 2));

function operationHtml(doc: Document, method: string, path: string, op: Operation) {
  const params = op.parameters ?? [];
  const body = op.requestBody && Object.values(op.requestBody.content)[0]?.example;
  return html`<section class="op" id="${method}-${path}">
    <h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${path}</code>${op.security ? html` <span class="lock">admin</span>` : ""}</h3>
    <p>${op.summary ?? ""}</p>
    ${op.description ? html`<p>${op.description}</p>` : ""}
    ${params.length
      ? html`<table><thead><tr><th>parameter</th><th>in</th><th>schema</th><th>example</th></tr></thead><tbody>${params.map(
          (p) => html`<tr><td><code>${p.name}</code>${p.required ? " *" : ""}</td><td>${p.in}</td><td><code>${JSON.stringify(p.schema ?? {})}</code></td><td><code>${p.example === undefined ? "" : pretty(p.example)}</code></td></tr>`,
        )}</tbody></table>`
      : ""}
    ${body ? html`<h4>Request body</h4><pre>${pretty(body)}</pre>` : ""}
    ${Object.entries(op.responses).map(([status, response]) => {
      const r = response.$ref ? (doc.components.responses[response.$ref.split("/").pop()!] ?? response) : response;
      const example = r.content && Object.values(r.content)[0]?.example;
      return html`<details><summary><b>${status}</b> ${r.description}</summary>${example === undefined ? "" : html`<pre>${pretty(example)}</pre>`}</details>`;
    })}
  </section>`;
}

/** The documentation page of an OpenAPI document (without `servers`, which it does not show). */
export async function docsPage(doc: Document): Promise<string> {
  return String(await render(doc));
}

function render(doc: Document) {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${doc.info.title} — documentation</title>
<style>${raw(`body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#1a1a1a}
code,pre{font-family:ui-monospace,monospace;font-size:.9em}pre{background:#f4f4f4;padding:.75rem;overflow:auto}
.op{border-top:1px solid #ddd;padding:.5rem 0}.m{display:inline-block;min-width:4.5rem;font-weight:700}.get{color:#0b5394}.post{color:#38761d}
.patch{color:#7f6000}.delete{color:#990000}.lock{font-size:.8em;background:#eee;padding:0 .4em}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:start;vertical-align:top}`)}</style></head>
<body><main><h1>${doc.info.title}</h1><p>${doc.info.description}</p>
<p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).</p>
${Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => operationHtml(doc, method, path, op)))}
</main></body></html>`;
}
