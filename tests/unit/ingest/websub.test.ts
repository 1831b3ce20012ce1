import { describe, expect, it } from "vitest";
import { parseFeed } from "../../../src/ingest/parse";
import { discoverHub, linksWithRel } from "../../../src/ingest/websub/discover";
import { signatureValid } from "../../../src/ingest/websub/push";

const FEED = "https://pub.example.org/feed.xml";

describe("WebSub discovery", () => {
  it("reads hub and self links from a Link header, whatever their order and quoting", () => {
    const header = `<https://pub.example.org/feed.xml>; rel="self"; type="application/atom+xml", </hub>; rel="hub", <https://a.example/x,y>; rel="alternate hub"`;
    expect(linksWithRel(header, "hub", FEED)).toEqual(["https://pub.example.org/hub", "https://a.example/x,y"]);
    expect(linksWithRel(header, "self", FEED)).toEqual([FEED]);
    expect(linksWithRel("<https://h.example/>; rel=hub", "hub", FEED)).toEqual(["https://h.example/"]);
    expect(linksWithRel(`<https://h.example/>; rel="hubs"`, "hub", FEED)).toEqual([]);
    expect(linksWithRel(null, "hub", FEED)).toEqual([]);
  });

  it("prefers the HTTP header to the document, and the declared self URL to the fetched one", () => {
    const feed = { hub: "https://doc-hub.example/", self: "https://pub.example.org/canonical.xml" };
    expect(discoverHub(`<https://header-hub.example/>; rel="hub"`, feed, FEED)).toEqual({ hub: "https://header-hub.example/", topic: feed.self });
    expect(discoverHub(null, feed, FEED)).toEqual({ hub: feed.hub, topic: feed.self });
    expect(discoverHub(null, { hub: feed.hub, self: null }, FEED)).toEqual({ hub: feed.hub, topic: FEED });
    expect(discoverHub(null, { hub: null, self: feed.self }, FEED)).toBeNull();
  });

  it("finds the hub in Atom, in RSS atom:link and in JSON Feed, relative links resolved", () => {
    const atom = parseFeed(`<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><link rel="hub" href="/hub"/><link rel="self" href="feed.atom"/><link href="https://pub.example.org/"/></feed>`, { url: FEED });
    expect([atom.hub, atom.self, atom.homepage]).toEqual(["https://pub.example.org/hub", "https://pub.example.org/feed.atom", "https://pub.example.org/"]);
    const rss = parseFeed(
      `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>R</title><link>https://pub.example.org/</link><atom:link rel="hub" href="https://hub.example/"/><atom:link rel="self" href="https://pub.example.org/rss"/></channel></rss>`,
      { url: FEED },
    );
    expect([rss.hub, rss.self, rss.homepage]).toEqual(["https://hub.example/", "https://pub.example.org/rss", "https://pub.example.org/"]);
    const json = parseFeed(JSON.stringify({ version: "https://jsonfeed.org/version/1.1", title: "J", feed_url: "https://pub.example.org/feed.json", hubs: [{ type: "rssCloud", url: "https://cloud.example/" }, { type: "WebSub", url: "https://hub.example/" }], items: [] }), { url: FEED });
    expect([json.hub, json.self]).toEqual(["https://hub.example/", "https://pub.example.org/feed.json"]);
    const none = parseFeed(`<rss version="2.0"><channel><title>N</title><link>https://pub.example.org/</link></channel></rss>`, { url: FEED });
    expect([none.hub, none.self]).toEqual([null, null]);
  });
});

describe("WebSub signatures", () => {
  const body = new TextEncoder().encode("<feed/>");
  async function mac(secret: string, hash: string, data = body): Promise<string> {
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash }, false, ["sign"]);
    return [...new Uint8Array(await crypto.subtle.sign("HMAC", key, data))].map((b) => b.toString(16).padStart(2, "0")).join("");
  }

  it("accepts an HMAC of the raw body with the secret, for each method WebSub names", async () => {
    for (const [method, hash] of [["sha1", "SHA-1"], ["sha256", "SHA-256"], ["sha384", "SHA-384"], ["sha512", "SHA-512"]] as const) {
      expect(await signatureValid(`${method}=${await mac("s3cret", hash)}`, body, "s3cret"), method).toBe(true);
    }
    expect(await signatureValid(`SHA256=${(await mac("s3cret", "SHA-256")).toUpperCase()}`, body, "s3cret")).toBe(true);
  });

  it("refuses another secret, another body, a missing, truncated or unknown-method signature", async () => {
    const good = await mac("s3cret", "SHA-256");
    expect(await signatureValid(`sha256=${await mac("other", "SHA-256")}`, body, "s3cret")).toBe(false);
    expect(await signatureValid(`sha256=${good}`, new TextEncoder().encode("<feed />"), "s3cret")).toBe(false);
    expect(await signatureValid(null, body, "s3cret")).toBe(false);
    expect(await signatureValid(`sha256=${good.slice(0, 40)}`, body, "s3cret")).toBe(false);
    expect(await signatureValid(`md5=${good}`, body, "s3cret")).toBe(false);
    expect(await signatureValid(`sha256=${good.slice(1)}`, body, "s3cret")).toBe(false);
  });
});
