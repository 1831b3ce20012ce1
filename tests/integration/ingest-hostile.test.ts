import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { fetchFeed } from "../../src/ingest/fetch";
import { fetchLimits } from "../../src/ingest/run";
import { addSource, getJson, refreshNow, setMutableFeed, upstream, upstreamRequests } from "../support/worker";

/** Refreshes one source through the admin API and returns its outcome in the run report. */
async function refreshOne(id: string) {
  const { report } = await refreshNow(`source=${id}`);
  return report.sources.find((s) => s.id === id)!;
}

const health = async (id: string) => (await getJson("/api/v1/sources")).body.data.find((s: { id: string }) => s.id === id);

describe("hostile upstreams are cut off and recorded, never stalling the run", () => {
  it("gives up on a response that never ends", async () => {
    await addSource("never-ending", "/hostile/never-ending");
    expect(await refreshOne("never-ending")).toMatchObject({ status: "error", error: { code: "timeout" } });
    expect((await health("never-ending")).consecutive_errors).toBe(1);
  });

  it("stops reading a 60 MB body at the size limit and hangs up on the upstream", async () => {
    await addSource("huge", "/hostile/60mb?tag=refresh");
    expect(await refreshOne("huge")).toMatchObject({ status: "error", http_status: 200, error: { code: "too_large" } });
    const stats = async () => (await fetch(`${upstream()}/hostile/60mb-stats?tag=refresh`)).json() as Promise<{ sent: number; closed: boolean }>;
    let seen = await stats();
    for (let i = 0; i < 50 && !seen.closed; i++) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await stats();
    }
    expect(seen.closed).toBe(true);
    expect(seen.sent).toBeLessThan(30 * 1024 * 1024);
  });

  it("accepts a body of exactly the size limit and refuses one byte more", async () => {
    const url = `${upstream()}/basic/en.xml`;
    const none = { etag: null, lastModified: null };
    const size = (await (await fetch(url, { headers: { "accept-encoding": "identity" } })).arrayBuffer()).byteLength;
    const exact = await fetchFeed(url, none, { ...fetchLimits(env), maxBytes: size });
    expect(exact).toMatchObject({ kind: "fetched" });
    if (exact.kind === "fetched") expect(new TextDecoder().decode(exact.body)).toContain("</rss>");
    expect(await fetchFeed(url, none, { ...fetchLimits(env), maxBytes: size - 1 })).toMatchObject({ kind: "failed", code: "too_large" });
  });

  it("asks once more when the connection is lost before any answer, and no more than once", async () => {
    const none = { etag: null, lastModified: null };
    const requests = async (tag: string) => ((await (await fetch(`${upstream()}/hostile/drop-stats?tag=${tag}`)).json()) as { requests: number }).requests;
    const once = await fetchFeed(`${upstream()}/hostile/drop?tag=once&drops=1`, none, fetchLimits(env));
    expect(once).toMatchObject({ kind: "fetched", status: 200 });
    expect(await requests("once")).toBe(2);
    const twice = await fetchFeed(`${upstream()}/hostile/drop?tag=twice&drops=2`, none, fetchLimits(env));
    expect(twice).toMatchObject({ kind: "failed", code: "network_error" });
    expect(await requests("twice")).toBe(2);
  });

  it("stops inflating a gzip bomb at the size limit", async () => {
    await addSource("bomb", "/hostile/gzip-bomb");
    expect(await refreshOne("bomb")).toMatchObject({ status: "error", error: { code: "too_large" } });
  });

  it("stops following a redirect loop", async () => {
    await addSource("loop", "/hostile/redirect-loop");
    expect(await refreshOne("loop")).toMatchObject({ status: "error", error: { code: "too_many_redirects" } });
  });

  it("honours Retry-After on 429 when scheduling the next fetch", async () => {
    await addSource("busy", "/hostile/429");
    expect(await refreshOne("busy")).toMatchObject({ status: "error", http_status: 429, error: { code: "rate_limited" } });
    const busy = await health("busy");
    // Retry-After asked for an hour, more than the error backoff would wait.
    expect(Date.parse(busy.next_fetch_at) - Date.parse(busy.last_fetched_at)).toBeGreaterThan(3500_000);
  });

  it("refuses a loopback source when private upstreams are not allowed", async () => {
    const limits = { ...fetchLimits(env), allowPrivate: false };
    const direct = await fetchFeed(`${upstream()}/basic/en.xml`, { etag: null, lastModified: null }, limits);
    expect(direct).toMatchObject({ kind: "failed", code: "blocked_url" });
  });

  it("refuses a redirect to the link-local metadata address even when private upstreams are allowed", async () => {
    await addSource("metadata", "/hostile/redirect-to-metadata");
    const outcome = await refreshOne("metadata");
    expect(outcome).toMatchObject({ status: "error", error: { code: "blocked_url" } });
    expect(outcome.error?.message).toContain("169.254.169.254");
    expect((await upstreamRequests()).some((r) => r.path.includes("latest/meta-data"))).toBe(false);
  });

  it("keeps serving the other sources while one is hostile", async () => {
    await setMutableFeed("c", `<?xml version="1.0"?><rss version="2.0"><channel><title>Calm</title><item><title>Calm story</title><guid>calm-1</guid><link>https://calm.example.org/1</link></item></channel></rss>`);
    await addSource("calm", "/mutable/c");
    const { report } = await refreshNow();
    expect(report.sources.find((s) => s.id === "calm")).toMatchObject({ status: "ok", new: 1 });
    expect(report.sources.filter((s) => s.status === "error").length).toBeGreaterThanOrEqual(5);
  });
});

describe("redirects", () => {
  const stored = { etag: '"stored-etag"', lastModified: "Mon, 07 Dec 2026 08:00:00 GMT" };
  const via = (to: string) => `${upstream()}/hostile/redirect?to=${encodeURIComponent(to)}`;
  const seenAt = async (path: string) => (await upstreamRequests()).filter((r) => r.path === path).at(-1);

  it("sends the stored validators after a redirect within the source's host", async () => {
    const outcome = await fetchFeed(via(`${upstream()}/basic/en.xml?hop=same`), stored, fetchLimits(env));
    expect(outcome.kind).toBe("fetched");
    const request = await seenAt("/basic/en.xml?hop=same");
    expect(request?.headers["if-none-match"]).toBe(stored.etag);
    expect(request?.headers["if-modified-since"]).toBe(stored.lastModified);
  });

  it("does not send or keep validators across a redirect to another host", async () => {
    const otherHost = upstream().replace("127.0.0.1", "localhost");
    const outcome = await fetchFeed(via(`${otherHost}/basic/en.xml?hop=other`), stored, fetchLimits(env));
    expect(outcome).toMatchObject({ kind: "fetched", etag: null, lastModified: null });
    const request = await seenAt("/basic/en.xml?hop=other");
    expect(request).toBeDefined();
    expect(request?.headers["if-none-match"]).toBeUndefined();
    expect(request?.headers["if-modified-since"]).toBeUndefined();
  });

  it("refuses redirects to loopback spelled as an IPv4-mapped, unspecified or 6to4 address, even with private upstreams allowed", async () => {
    const port = new URL(upstream()).port;
    for (const host of ["[::ffff:127.0.0.1]", "0.0.0.0", "0", "[2002:7f00:1::]", "[64:ff9b::7f00:1]"]) {
      const outcome = await fetchFeed(via(`http://${host}:${port}/basic/en.xml?hop=disguised`), stored, fetchLimits(env));
      expect(outcome, host).toMatchObject({ kind: "failed", code: "blocked_url" });
    }
    expect((await upstreamRequests()).some((r) => r.path.includes("hop=disguised"))).toBe(false);
  });
});

describe("hostile content", () => {
  it("does not expand XML entities (billion laughs) and stores nothing poisoned", async () => {
    const laughs = `<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">]>
<rss version="2.0"><channel><title>Laughs</title><item><title>Boom &g;</title><guid>laugh-1</guid><link>https://laughs.example.org/1</link><description>&g;&g;&g;</description></item></channel></rss>`;
    await setMutableFeed("d", laughs);
    await addSource("laughs", "/mutable/d");
    const outcome = await refreshOne("laughs");
    expect(["ok", "error"]).toContain(outcome.status);
    const row = await env.DB.prepare("SELECT title, length(summary) + length(content_text) AS size FROM articles WHERE source_id = 'laughs'").first<{ title: string; size: number }>();
    if (row) {
      expect(row.title).not.toContain("lollol");
      expect(row.size).toBeLessThan(1000);
    }
  });

  it("stores titles as plain text and bodies without scripts or handlers", async () => {
    const feed = `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Inject</title>
<item><title>&lt;img src=x onerror=alert(1)&gt;Exam results &lt;b&gt;announced&lt;/b&gt;</title><guid>inj-1</guid><link>javascript:alert(1)</link>
<description>&lt;script&gt;steal()&lt;/script&gt;Plain teaser</description>
<content:encoded><![CDATA[<p onclick="x()">Body</p><script>document.cookie</script><iframe src="https://evil.example"></iframe><a href="javascript:alert(1)">link</a><form action="https://evil.example"><input></form>]]></content:encoded></item></channel></rss>`;
    await setMutableFeed("e", feed);
    await addSource("inject", "/mutable/e");
    expect(await refreshOne("inject")).toMatchObject({ status: "ok", new: 1 });
    const row = await env.DB.prepare("SELECT title, url, summary, content_html FROM articles WHERE source_id = 'inject'").first<Record<string, string | null>>();
    expect(row?.title).toBe("Exam results announced");
    expect(row?.url).toBeNull();
    expect(row?.summary).toBe("Plain teaser");
    expect(row?.content_html).toBe("<p>Body</p><a>link</a>");
  });
});
