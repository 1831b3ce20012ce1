import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { policyViolations } from "../support/html-invariants";
import { ADMIN, addSource, getJson, runCron } from "../support/worker";

const admin = (action: string, query = "", headers: Record<string, string> = ADMIN) =>
  SELF.fetch(`http://app.test/api/v1/admin/${action}${query}`, { method: "POST", headers });

const ID = "0badc0de0badc0de";
/** What the old sanitizer stored for `<p>Kept words</p><xmp><img src=x onerror=alert(1)></xmp>` and friends. */
const STORED_HTML = `<p>Kept words</p><img src=x onerror=alert(1)><meta http-equiv="refresh" content="0;url=https://attacker.example/"><a href="javascript:alert(2)">link</a>`;
const STORED_TEXT = "Kept words\n<img src=x onerror=alert(1)>link";

type Report = { processed: number; changed: number; next_cursor: number | null };

async function resanitizeAll(limit: number): Promise<{ processed: number; changed: number; calls: number }> {
  let cursor: number | null = 0;
  const total = { processed: 0, changed: 0, calls: 0 };
  while (cursor !== null) {
    const res = await admin("resanitize", `?limit=${limit}&cursor=${cursor}`);
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: Report };
    expect(data.processed).toBeLessThanOrEqual(limit);
    total.processed += data.processed;
    total.changed += data.changed;
    total.calls++;
    cursor = data.next_cursor;
  }
  return total;
}

const searchTotal = async (q: string) => (await getJson(`/api/v1/search?q=${encodeURIComponent(q)}`)).body.meta.total as number;

beforeAll(async () => {
  await addSource("resanitize-en", "/basic/en.xml", { language: "en" });
  await runCron();
  const now = "2026-01-05T10:00:00Z";
  await env.DB.prepare(
    `INSERT INTO articles (id, source_id, dedupe_key, url, title, slug, summary, content_html, content_text, language,
       published_at, updated_at, fetched_at, first_seen_at, content_hash)
     VALUES (?, 'resanitize-en', 'guid:stored-before-the-fix', 'https://news.example.org/en/story/old', 'Stored before the fix',
       'stored-before-the-fix', ?, ?, ?, 'en', ?, ?, ?, ?, 'old-hash')`,
  )
    .bind(ID, STORED_TEXT.replace(/\s+/g, " "), STORED_HTML, STORED_TEXT, now, now, now, now)
    .run();
  // Index it as it was, through the admin reindex.
  expect((await admin("reindex")).status).toBe(200);
});

describe("POST /api/v1/admin/resanitize", () => {
  it("refuses callers without the admin token", async () => {
    expect((await admin("resanitize", "", {})).status).toBe(401);
  });

  it("rejects a bad cursor or limit with a 400 problem naming it", async () => {
    for (const [query, path] of [["?limit=0", "limit"], ["?limit=5000", "limit"], ["?cursor=-1", "cursor"], ["?cursor=x", "cursor"]]) {
      const res = await admin("resanitize", query!);
      expect(res.status, query).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual([path]);
    }
  });

  it("cleans a dangerous stored body in resumable slices, and the API, pages and search show the clean one at once", async () => {
    // Served (and cached) as stored.
    const before = await getJson(`/api/v1/articles/${ID}`);
    expect(before.body.data.content_html).toBe(STORED_HTML);
    expect(await searchTotal("onerror")).toBe(1);
    const articles = (await env.DB.prepare("SELECT count(*) AS n FROM articles").first<{ n: number }>())!.n;

    const first = await resanitizeAll(5);
    expect(first.processed).toBe(articles);
    expect(first.changed).toBeGreaterThanOrEqual(1);
    expect(first.calls).toBe(Math.floor(articles / 5) + 1);

    const { body } = await getJson(`/api/v1/articles/${ID}`);
    expect(body.data.content_html).toBe('<p>Kept words</p><img src="https://news.example.org/en/story/x"><a>link</a>');
    expect(policyViolations(body.data.content_html)).toEqual([]);
    expect(body.data.content_text).toBe("Kept words\nlink");
    expect(body.data.summary).toBe("Kept words link");

    const page = await SELF.fetch(`http://app.test/en/news/${ID}/stored-before-the-fix`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("<p>Kept words</p>");
    expect(html).not.toMatch(/onerror|attacker\.example|javascript:/);

    expect(await searchTotal("onerror")).toBe(0);
    expect(await searchTotal("kept")).toBe(1);

    // Everything stored is now what the sanitizer gives: a second pass changes nothing.
    const second = await resanitizeAll(50);
    expect(second).toMatchObject({ processed: articles, changed: 0 });
  });
});
