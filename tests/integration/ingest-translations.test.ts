import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, addSource, getJson, refreshNow } from "../support/worker";

// Feeds of one publisher in three languages (tests/fixtures/feeds/translations/): the story
// key is in the link path (`/{lang}/story/2026/11/{n}`), hosts differ, and no item names its
// translations with hreflang, so only the declared mapping can group them.
const MAPPING = { story_scope: "news-example", story_key: "/:lang/story/:year/:month/:key" };

interface Translation {
  language: string;
  id: string;
  slug: string;
}

const send = (method: string, path: string, body: unknown) =>
  SELF.fetch(`http://app.test/api/v1/sources${path}`, { method, headers: { ...ADMIN, "content-type": "application/json" }, body: JSON.stringify(body) });

/** The public id of the article whose original link is `url`, read through the listing. */
async function articleAt(url: string): Promise<string> {
  const { body } = await getJson<{ data: { id: string; url: string }[] }>("/api/v1/articles?per_page=100");
  const found = body.data.find((a) => a.url === url);
  if (!found) throw new Error(`no article links to ${url}`);
  return found.id;
}

async function translationsOf(url: string): Promise<Translation[]> {
  const { res, body } = await getJson<{ data: { translations: Translation[] } }>(`/api/v1/articles/${await articleAt(url)}`);
  expect(res.status).toBe(200);
  return body.data.translations;
}

const languages = (translations: Translation[]) => translations.map((t) => t.language);

describe("story groups from a source-declared translation mapping", () => {
  beforeAll(async () => {
    await addSource("tr-en", "/translations/en.xml", { language: "en", ...MAPPING });
    await addSource("tr-fr", "/translations/fr.atom", { language: "fr", ...MAPPING });
    await addSource("tr-ar", "/translations/ar.xml", { language: "ar", ...MAPPING });
    await addSource("other-es", "/translations/es-other.xml", { language: "es", story_scope: "other-agency", story_key: MAPPING.story_key });
    await addSource("other-ko", "/translations/ko.atom", { language: "ko" });
    const { report } = await refreshNow();
    expect(report.sources.every((s) => s.status === "ok")).toBe(true);
  });

  it("shows the sources' mapping in the source list", async () => {
    const { body } = await getJson<{ data: { id: string; story_scope: string | null; story_key: string | null }[] }>("/api/v1/sources");
    expect(body.data.find((s) => s.id === "tr-fr")).toMatchObject(MAPPING);
    expect(body.data.find((s) => s.id === "other-ko")).toMatchObject({ story_scope: null, story_key: null });
  });

  it("lists the other languages of a story whose links share the key, across hosts", async () => {
    const en = await translationsOf("https://news.example.org/en/story/2026/11/101");
    expect(languages(en)).toEqual(["ar", "fr"]);
    expect(en.find((t) => t.language === "fr")?.id).toBe(await articleAt("https://fr.news.example.org/fr/story/2026/11/101"));
    expect(en.find((t) => t.language === "ar")?.id).toBe(await articleAt("https://news.example.org/ar/story/2026/11/101"));
    expect(languages(await translationsOf("https://fr.news.example.org/fr/story/2026/11/101"))).toEqual(["ar", "en"]);
    expect(languages(await translationsOf("https://news.example.org/ar/story/2026/11/101"))).toEqual(["en", "fr"]);
    expect(languages(await translationsOf("https://news.example.org/en/story/2026/11/102"))).toEqual(["fr"]);
  });

  it("links the translations from the reader page with hreflang", async () => {
    const id = await articleAt("https://news.example.org/en/story/2026/11/101");
    const { body } = await getJson<{ data: { slug: string } }>(`/api/v1/articles/${id}`);
    const html = await (await SELF.fetch(`http://app.test/en/news/${id}/${body.data.slug}`)).text();
    expect(html).toMatch(/hreflang="fr"/);
    expect(html).toMatch(/hreflang="ar"/);
  });

  it("does not group stories whose keys differ", async () => {
    expect(await translationsOf("https://news.example.org/en/story/2026/11/103")).toEqual([]);
    expect(await translationsOf("https://fr.news.example.org/fr/story/2026/11/104")).toEqual([]);
  });

  it("does not group a source of another scope, even with the same key", async () => {
    expect(await translationsOf("https://news.example.org/es/story/2026/11/101")).toEqual([]);
    expect(languages(await translationsOf("https://news.example.org/en/story/2026/11/101"))).not.toContain("es");
  });

  it("falls back to hreflang alternates for links the pattern does not match", async () => {
    const en = await translationsOf("https://news.example.org/en/video/301");
    expect(en).toEqual([expect.objectContaining({ language: "fr", id: await articleAt("https://fr.news.example.org/fr/video/301") })]);
    expect(languages(await translationsOf("https://fr.news.example.org/fr/video/301"))).toEqual(["en"]);
  });

  it("lets a matching mapping win over hreflang alternates", async () => {
    // The English item also names a Korean page of a source outside the scope as its
    // alternate; its declared group (with the French translation) is the one that counts.
    expect(languages(await translationsOf("https://news.example.org/en/story/2026/11/105"))).toEqual(["fr"]);
    expect(await translationsOf("https://ko.example.org/ko/story/105")).toEqual([]);
  });

  it("regroups a source's stories on the next refresh when its mapping is set or cleared", async () => {
    await addSource("tr-de", "/translations/de.xml", { language: "de" });
    await refreshNow("force=true&source=tr-de");
    const de = "https://de.news.example.org/de/story/2026/11/101";
    expect(await translationsOf(de)).toEqual([]);

    const joined = await send("PATCH", "/tr-de", MAPPING);
    expect(joined.status).toBe(200);
    expect(((await joined.json()) as { data: object }).data).toMatchObject(MAPPING);
    const { report } = await refreshNow("force=true&source=tr-de");
    expect(report.sources.find((s) => s.id === "tr-de")).toMatchObject({ status: "ok", updated: 1 });
    expect(languages(await translationsOf(de))).toEqual(["ar", "en", "fr"]);
    expect(languages(await translationsOf("https://news.example.org/en/story/2026/11/101"))).toEqual(["ar", "de", "fr"]);

    const left = await send("PATCH", "/tr-de", { story_scope: null, story_key: null });
    expect(((await left.json()) as { data: object }).data).toMatchObject({ story_scope: null, story_key: null });
    await refreshNow("force=true&source=tr-de");
    expect(await translationsOf(de)).toEqual([]);
    expect(languages(await translationsOf("https://news.example.org/en/story/2026/11/101"))).toEqual(["ar", "fr"]);
  });
});

describe("validation of the mapping", () => {
  const base = { name: "Mapped", url: "https://news.example.org/feed.xml" };

  async function rejected(res: Response, field: string): Promise<string> {
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await res.json()) as { errors: { path: string; message: string }[] };
    const error = problem.errors.find((e) => e.path === field);
    expect(error, JSON.stringify(problem.errors)).toBeDefined();
    return error!.message;
  }

  it("names story_key for a pattern without :key, with a regexp group, over-long or malformed", async () => {
    expect(await rejected(await send("POST", "", { ...base, story_scope: "s", story_key: "/:lang/story/:id" }), "story_key")).toMatch(/:key/);
    expect(await rejected(await send("POST", "", { ...base, story_scope: "s", story_key: "/:lang/(\\d+)/:key" }), "story_key")).toMatch(/regular-expression/);
    expect(await rejected(await send("POST", "", { ...base, story_scope: "s", story_key: "/:key([a-z]+)+" }), "story_key")).toMatch(/regular-expression/);
    expect(await rejected(await send("POST", "", { ...base, story_scope: "s", story_key: `/${"a".repeat(200)}/:key` }), "story_key")).toMatch(/200/);
    await rejected(await send("POST", "", { ...base, story_scope: "s", story_key: "/*/x/*/:key" }), "story_key");
    await rejected(await send("POST", "", { ...base, story_scope: "s", story_key: 42 }), "story_key");
  });

  it("names story_scope when it is malformed or missing beside a key, and story_key when missing beside a scope", async () => {
    await rejected(await send("POST", "", { ...base, story_scope: "Not A Scope", story_key: MAPPING.story_key }), "story_scope");
    await rejected(await send("POST", "", { ...base, story_scope: "x".repeat(65), story_key: MAPPING.story_key }), "story_scope");
    expect(await rejected(await send("POST", "", { ...base, story_key: MAPPING.story_key }), "story_scope")).toMatch(/required/);
    expect(await rejected(await send("POST", "", { ...base, story_scope: "s" }), "story_key")).toMatch(/required/);
    const { body } = await getJson<{ data: { name: string }[] }>("/api/v1/sources");
    expect(body.data.map((s) => s.name)).not.toContain("Mapped");
  });

  it("checks the pair as a PATCH leaves it, and clears both with null", async () => {
    const created = await send("POST", "", { ...base, id: "mapped", ...MAPPING });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { data: object }).data).toMatchObject(MAPPING);

    // Changing one half keeps the other; removing one half alone would leave half a mapping.
    const rekeyed = await send("PATCH", "/mapped", { story_key: "/:lang/news/:key" });
    expect(((await rekeyed.json()) as { data: object }).data).toMatchObject({ story_scope: MAPPING.story_scope, story_key: "/:lang/news/:key" });
    expect(await rejected(await send("PATCH", "/mapped", { story_key: null }), "story_key")).toMatch(/required when story_scope is set/);
    expect(await rejected(await send("PATCH", "/mapped", { story_scope: null }), "story_scope")).toMatch(/required when story_key is set/);
    await rejected(await send("PATCH", "/mapped", { story_key: "/no-key/:id" }), "story_key");

    const cleared = await send("PATCH", "/mapped", { story_scope: null, story_key: null });
    expect(cleared.status).toBe(200);
    expect(((await cleared.json()) as { data: object }).data).toMatchObject({ story_scope: null, story_key: null });
    const { body } = await getJson<{ data: { id: string; story_scope: string | null; story_key: string | null }[] }>("/api/v1/sources");
    expect(body.data.find((s) => s.id === "mapped")).toMatchObject({ story_scope: null, story_key: null });

    const ghost = await send("PATCH", "/ghost", MAPPING);
    expect(ghost.status).toBe(404);
  });
});
