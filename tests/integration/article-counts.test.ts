import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN, addSource, getJson, refreshNow } from "../support/worker";

const counted = async (where = "1 = 1") => (await env.DB.prepare(`SELECT count(*) AS n FROM articles WHERE ${where}`).first<{ n: number }>())!.n;

describe("listing totals from the per-language, per-source counters", () => {
  it("stay equal to a row count through inserts, filters and a purge", async () => {
    await addSource("count-en", "/basic/en.xml");
    await addSource("count-fr", "/basic/fr.atom");
    await refreshNow();
    const all = await getJson("/api/v1/articles");
    expect(all.body.meta.total).toBe(await counted());
    const fr = await getJson("/api/v1/articles?lang=fr");
    expect(fr.body.meta.total).toBe(await counted("language = 'fr'"));
    const both = await getJson("/api/v1/articles?lang=en,fr&source=count-en");
    expect(both.body.meta.total).toBe(await counted("source_id = 'count-en'"));
    const dated = await getJson("/api/v1/articles?from=2026-11-15");
    expect(dated.body.meta.total).toBe(await counted("published_at >= '2026-11-15'"));

    const purged = await SELF.fetch("http://app.test/api/v1/sources/count-en?purge=true", { method: "DELETE", headers: ADMIN });
    expect(purged.status).toBe(204);
    const after = await getJson("/api/v1/articles?per_page=1&page=1&source=count-en,count-fr");
    expect(after.body.meta.total).toBe(await counted());
    expect(after.body.meta.total).toBe(3);
    expect((await getJson("/healthz")).body.articles).toBe(3);
  });
});
