// Loads a source list into a running deployment through the admin API (idempotent: existing
// ids are updated). Usage:
//   ADMIN_TOKEN=... npm run sources:load -- https://edge-news.<account>.workers.dev [sources/production.json]
import { readFile } from "node:fs/promises";

const [base, file = "sources/production.json"] = process.argv.slice(2);
const token = process.env.ADMIN_TOKEN;
if (!base || !token) {
  console.error("usage: ADMIN_TOKEN=<token> npm run sources:load -- <deployment URL> [sources file]");
  process.exit(2);
}

const call = (method, path, body) =>
  fetch(new URL(path, base), {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

const sources = JSON.parse(await readFile(file, "utf8"));
let created = 0;
let updated = 0;
for (const { id, ...source } of sources) {
  const res = await call("POST", "/api/v1/sources", { id, ...source });
  if (res.status === 201) created++;
  else if (res.status === 409) {
    const patched = await call("PATCH", `/api/v1/sources/${encodeURIComponent(id)}`, source);
    if (!patched.ok) throw new Error(`${id}: PATCH answered ${patched.status}: ${await patched.text()}`);
    updated++;
  } else throw new Error(`${id}: POST answered ${res.status}: ${await res.text()}`);
}
console.log(`${created} sources created, ${updated} updated from ${file}; the next cron run (or POST /api/v1/admin/refresh) fetches them.`);
