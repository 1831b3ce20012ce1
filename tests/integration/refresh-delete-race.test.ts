import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RefreshRunReport } from "../../src/domain";
import worker from "../../src/index";
import { ADMIN, addSource, fetchSettled, getJson, upstream } from "../support/worker";

// A refresh that fetched a source's feed before the source was deleted, and stores after it,
// writes nothing for it: the delete (with or without purge) is final. The feed's answer is held
// by the test upstream (tests/support/held-upstream.ts) until the DELETE has returned.

/** The refresh may wait on a held answer longer than the tests' usual fetch timeout. */
const patient = { ...env, FETCH_TIMEOUT_MS: "15000" };

async function refresh(query: string): Promise<RefreshRunReport> {
  const ctx = createExecutionContext();
  const req = new Request(`http://app.test/api/v1/admin/refresh?force=true&${query}`, { method: "POST", headers: ADMIN });
  const res = await worker.fetch!(req as Request<unknown, IncomingRequestCfProperties>, patient, ctx);
  await waitOnExecutionContext(ctx);
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: RefreshRunReport }).data;
}

const held = (action: string, tag: string, init?: RequestInit) => fetch(`${upstream()}/held/${action}?tag=${tag}`, init);

function rss(name: string, items: { n: number; words: string }[]): string {
  const entries = items.map(
    ({ n, words }) =>
      `<item><title>${name} story ${n} ${words}</title><guid isPermaLink="false">${name}-${n}</guid><link>https://race.example.org/${name}/${n}</link>` +
      `<pubDate>Sun, 06 Dec 2026 0${n}:00:00 GMT</pubDate><description>About ${words}.</description></item>`,
  );
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${name}</title><link>https://race.example.org/${name}/</link>${entries.join("")}</channel></rss>`;
}

const setFeed = async (tag: string, body: string) => void (await held("feed", tag, { method: "PUT", body }));

/**
 * Starts a refresh whose fetch of `tag` is held, deletes `source` once that fetch is waiting,
 * then lets the answer go; returns the refresh's report and the DELETE's status.
 */
async function deleteDuringRefresh(tag: string, source: string, query: string, purge: boolean) {
  await held("hold", tag, { method: "POST" });
  const running = refresh(query);
  await (await held("arrived", tag)).json();
  const deleted = await fetchSettled(`/api/v1/sources/${source}${purge ? "?purge=true" : ""}`, { method: "DELETE", headers: ADMIN });
  expect(await (await held("release", tag, { method: "POST" })).json()).toEqual({ released: 1 });
  return { report: await running, deleted: deleted.status };
}

const rowsOf = async (source: string) =>
  (
    await env.DB.prepare(
      "SELECT a.id, a.title, a.content_hash AS hash, (SELECT count(*) FROM articles_fts f WHERE f.rowid = a.pk) AS entries FROM articles a WHERE a.source_id = ? ORDER BY a.id",
    )
      .bind(source)
      .all<{ id: string; title: string; hash: string; entries: number }>()
  ).results;

const searched = async (q: string) => ((await getJson(`/api/v1/search?q=${q}`)).body.data as { source: { id: string } | string }[]).length;

const loggedLine = (runId: string, source: string) =>
  env.DB.prepare("SELECT status, new_count, updated_count, unchanged_count, error_code, error_message FROM refresh_run_sources WHERE run_id = ? AND source_id = ?")
    .bind(runId, source)
    .first();

const GONE = { status: "skipped", new: 0, updated: 0, unchanged: 0, error: { code: "source_gone", message: "source deleted during its refresh; nothing stored" } };
const GONE_LINE = { status: "skipped", new_count: 0, updated_count: 0, unchanged_count: 0, error_code: "source_gone", error_message: "source deleted during its refresh; nothing stored" };

describe("a refresh in flight when its source is deleted", () => {
  it("brings back none of a purged source's articles, while another source of the same run stores normally", async () => {
    await setFeed("purged", rss("purged", [{ n: 1, words: "quokka" }, { n: 2, words: "quokka" }]));
    await addSource("race-purged", "/held/feed?tag=purged");
    expect((await refresh("source=race-purged")).sources[0]).toMatchObject({ status: "ok", new: 2 });
    expect(await searched("quokka")).toBe(2);

    // The publisher edits one story and adds another; a second source joins the next run.
    await setFeed("purged", rss("purged", [{ n: 1, words: "quokka wallaby" }, { n: 2, words: "quokka" }, { n: 3, words: "quokka" }]));
    await setFeed("bystander", rss("bystander", [{ n: 1, words: "wombat" }, { n: 2, words: "wombat" }]));
    await addSource("race-bystander", "/held/feed?tag=bystander");

    const { report, deleted } = await deleteDuringRefresh("purged", "race-purged", "", true);
    expect(deleted).toBe(204);
    const outcomes = new Map(report.sources.map((s) => [s.id, s]));
    expect(outcomes.get("race-purged")).toMatchObject(GONE);
    expect(outcomes.get("race-bystander")).toMatchObject({ status: "ok", new: 2, updated: 0, error: null });
    expect(await loggedLine(report.id, "race-purged")).toEqual(GONE_LINE);

    expect(await rowsOf("race-purged")).toEqual([]);
    expect((await getJson("/api/v1/articles?source=race-purged")).body.data).toEqual([]);
    expect(await searched("quokka")).toBe(0);
    expect(await searched("wallaby")).toBe(0);
    expect((await rowsOf("race-bystander")).map((r) => r.entries)).toEqual([1, 1]);
    expect(await searched("wombat")).toBe(2);
  });

  it("neither updates nor adds articles of a source deleted without purge, and keeps them findable as they were", async () => {
    await setFeed("kept", rss("kept", [{ n: 1, words: "numbat" }, { n: 2, words: "dingo" }]));
    await addSource("race-kept", "/held/feed?tag=kept");
    expect((await refresh("source=race-kept")).sources[0]).toMatchObject({ status: "ok", new: 2 });
    const before = await rowsOf("race-kept");
    expect(before.map((r) => r.entries)).toEqual([1, 1]);

    await setFeed("kept", rss("kept", [{ n: 1, words: "bilby" }, { n: 2, words: "dingo" }, { n: 3, words: "echidna" }]));
    const { report, deleted } = await deleteDuringRefresh("kept", "race-kept", "source=race-kept", false);
    expect(deleted).toBe(204);
    expect(report.sources).toEqual([expect.objectContaining(GONE)]);
    expect(await loggedLine(report.id, "race-kept")).toEqual(GONE_LINE);

    // Same rows, same content, each still with its one index entry (the edit's unindex did not run).
    expect(await rowsOf("race-kept")).toEqual(before);
    const { results } = await env.DB.prepare("SELECT title FROM articles WHERE source_id = 'race-kept' ORDER BY title").all<{ title: string }>();
    expect(results.map((r) => r.title)).toEqual(["kept story 1 numbat", "kept story 2 dingo"]);
  });
});
