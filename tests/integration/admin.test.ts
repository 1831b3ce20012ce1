import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN, getJson, upstream } from "../support/worker";

const post = (path: string, body: unknown, headers: Record<string, string> = ADMIN) =>
  SELF.fetch(`http://app.test${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

describe("admin authentication", () => {
  it("answers 401 without a token and 403 with a wrong one, as problems", async () => {
    const missing = await SELF.fetch("http://app.test/api/v1/admin/runs");
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toContain("Bearer");
    expect(((await missing.json()) as { code: string }).code).toBe("unauthorized");
    const wrong = await SELF.fetch("http://app.test/api/v1/admin/runs", { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(403);
    expect(wrong.headers.get("content-type")).toContain("application/problem+json");
    const create = await post("/api/v1/sources", { name: "x", url: "https://example.org/feed" }, { authorization: "Bearer test-token-but-longer" });
    expect(create.status).toBe(403);
  });

  it("marks admin responses no-store", async () => {
    const res = await SELF.fetch("http://app.test/api/v1/admin/runs", { headers: ADMIN });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });
});

describe("sources administration", () => {
  it("creates, changes and deletes a source", async () => {
    const created = await post("/api/v1/sources", { id: "unesco-en", name: "UNESCO", url: `${upstream()}/basic/en.xml`, language: "en" });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe("/api/v1/sources/unesco-en");
    expect(((await created.json()) as { data: object }).data).toMatchObject({ id: "unesco-en", enabled: true, article_count: 0 });

    const again = await post("/api/v1/sources", { id: "unesco-en", name: "UNESCO", url: `${upstream()}/basic/en.xml` });
    expect(again.status).toBe(409);

    const patched = await SELF.fetch("http://app.test/api/v1/sources/unesco-en", {
      method: "PATCH",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify({ enabled: false, name: "UNESCO (English)" }),
    });
    expect(((await patched.json()) as { data: object }).data).toMatchObject({ name: "UNESCO (English)", enabled: false });

    const deleted = await SELF.fetch("http://app.test/api/v1/sources/unesco-en", { method: "DELETE", headers: ADMIN });
    expect(deleted.status).toBe(204);
    const { body } = await getJson("/api/v1/sources");
    expect(body.data.map((s: { id: string }) => s.id)).not.toContain("unesco-en");
  });

  it("rejects bad source input with problems that name the field", async () => {
    const cases: [unknown, string][] = [
      [{ name: "x", url: "ftp://example.org/feed" }, "url"],
      [{ name: "x", url: "javascript:alert(1)" }, "url"],
      [{ url: "https://example.org/feed" }, "name"],
      [{ name: "x", url: "https://example.org/feed", language: "not a tag" }, "language"],
    ];
    for (const [body, field] of cases) {
      const res = await post("/api/v1/sources", body);
      expect(res.status).toBe(400);
      const problem = (await res.json()) as { errors: { path: string }[] };
      expect(problem.errors.map((e) => e.path)).toContain(field);
    }
    const notJson = await SELF.fetch("http://app.test/api/v1/sources", { method: "POST", headers: { ...ADMIN, "content-type": "text/plain" }, body: "hi" });
    expect(notJson.status).toBe(415);
    const broken = await SELF.fetch("http://app.test/api/v1/sources", { method: "POST", headers: { ...ADMIN, "content-type": "application/json" }, body: "{" });
    expect(broken.status).toBe(400);
  });

  it("returns 404 for changes to an unknown source", async () => {
    const res = await SELF.fetch("http://app.test/api/v1/sources/ghost", { method: "DELETE", headers: ADMIN });
    expect(res.status).toBe(404);
  });
});
