import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { getJson } from "../support/worker";

const page = (path: string) => SELF.fetch(`http://app.test${path}`, { redirect: "manual" });

describe("paging depth", () => {
  it("refuses API pages past the first 10,000 results with a 400 problem naming page", async () => {
    for (const path of ["/api/v1/articles?page=1001", "/api/v1/articles?page=101&per_page=100", "/api/v1/search?q=school&page=2001&per_page=5"]) {
      const { res, body } = await getJson(path);
      expect(res.status, path).toBe(400);
      expect(res.headers.get("content-type"), path).toContain("application/problem+json");
      expect(body, path).toMatchObject({ status: 400, code: "invalid_parameter" });
      expect(body.errors, path).toHaveLength(1);
      expect(body.errors[0].path, path).toBe("page");
      expect(body.errors[0].message, path).toContain("10000");
    }
  });

  it("serves the deepest allowed page", async () => {
    for (const path of ["/api/v1/articles?page=1000", "/api/v1/articles?page=100&per_page=100", "/api/v1/search?q=school&page=2000&per_page=5"]) {
      const { res, body } = await getJson(path);
      expect(res.status, path).toBe(200);
      expect(body.data, path).toEqual([]);
    }
  });

  it("refuses reader pages past the same depth with a localized 400 page naming page", async () => {
    for (const path of ["/fr/?page=1001", "/fr/search?q=école&page=1001"]) {
      const res = await page(path);
      expect(res.status, path).toBe(400);
      expect(res.headers.get("content-type"), path).toBe("text/html; charset=utf-8");
      expect(await res.text(), path).toContain('<li data-param="page">');
    }
  });
});
