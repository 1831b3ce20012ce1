import { describe, expect, it } from "vitest";
import { bodyDigest, PIPELINE_REVISION } from "../../../src/ingest/digest";
import { articleId, contentHash, dedupeKey, declaredStoryGroup, storyGroup } from "../../../src/ingest/identity";

// Ids, hashes and body digests are stored: the same input must keep giving the same value
// (SHA-256 of the UTF-8 text, hex), or every stored article would look new or edited once.

async function webSha256(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("stored identities", () => {
  it("are SHA-256 of the same text as always, in any script", async () => {
    const key = "guid:教育-école-تعليم-🙂";
    expect(articleId("un-news-zh", key)).toBe((await webSha256(`un-news-zh\n${key}`)).slice(0, 16));
    const parts = ["Заголовок", "summary", "<p>body</p>", null, "a\u0001b", "https://n.example/x"];
    expect(contentHash(parts)).toBe((await webSha256(parts.map((p) => p ?? "").join("\u0000"))).slice(0, 32));
    expect(dedupeKey({ guid: null, url: null, title: "标题", content: "<p>내용</p>" })).toBe(`hash:${(await webSha256("标题\n<p>내용</p>")).slice(0, 32)}`);
    expect(storyGroup("https://n.example/en/s1?utm_source=x", [])).toBe(`g${(await webSha256("https://n.example/en/s1")).slice(0, 16)}`);
    const mapping = { scope: "un", pattern: "/:lang/story/:key" };
    expect(declaredStoryGroup("https://n.example/fr/story/42", mapping)).toBe(`g${(await webSha256(`un\n${JSON.stringify([["key", "42"]])}`)).slice(0, 16)}`);
  });

  it("digest a body with what decides how it is stored, as before", async () => {
    const body = new TextEncoder().encode("<rss><channel><title>Été</title></channel></rss>");
    const source = { url: "https://n.example/feed.xml", language: "fr", storyScope: null, storyKey: null };
    const response = { finalUrl: "https://n.example/feed.xml", contentType: "application/rss+xml" };
    const context = new TextEncoder().encode(`${JSON.stringify([PIPELINE_REVISION, source.url, source.language, null, null, response.finalUrl, response.contentType])}\n`);
    const all = new Uint8Array(context.length + body.length);
    all.set(context);
    all.set(body, context.length);
    expect(bodyDigest(body, source, response)).toBe(await webSha256(all));
  });
});
