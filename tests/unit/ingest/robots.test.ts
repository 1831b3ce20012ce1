import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../../src/ingest/fetch";
import { crawlDelayIn, crawlDelayOf } from "../../../src/ingest/robots";
import { upstream } from "../../support/worker";

const UA = DEFAULT_LIMITS.userAgent;
const ORIGIN = "https://news.example.org";

describe("Crawl-delay from robots.txt", () => {
  it("reads the delay of our own group before the one for every agent", () => {
    const txt = "User-agent: *\nCrawl-delay: 10\nDisallow: /private\n\nUser-agent: EdgeNews\nCrawl-delay: 2.5\n";
    expect(crawlDelayIn(txt, ORIGIN, UA)).toBe(2_500);
  });

  it("falls back to the group for every agent", () => {
    expect(crawlDelayIn("User-agent: OtherBot\nCrawl-delay: 30\n\nUser-agent: *\nCrawl-delay: 4\n", ORIGIN, UA)).toBe(4_000);
  });

  it("asks for no delay when the file sets none, or nonsense", () => {
    expect(crawlDelayIn("User-agent: *\nDisallow:\n", ORIGIN, UA)).toBeNull();
    expect(crawlDelayIn("User-agent: *\nCrawl-delay: soon\n", ORIGIN, UA)).toBeNull();
    expect(crawlDelayIn("<html>not a robots file</html>", ORIGIN, UA)).toBeNull();
  });

  it("treats a host without robots.txt (404) as asking for nothing", async () => {
    expect(await crawlDelayOf(upstream(), { userAgent: UA, allowPrivate: true })).toBeNull();
  });

  it("never fetches a private host unless the deployment allows it", async () => {
    expect(await crawlDelayOf(upstream(), { userAgent: UA, allowPrivate: false })).toBeNull();
  });
});
