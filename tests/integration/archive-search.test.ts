import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ArchiveReadError, readPackedBodies, writePack } from "../../src/archive/packs";
import { archiveBodies } from "../../src/archive/step";
import worker from "../../src/index";
import { ADMIN, addSource, getJson, refreshNow, setMutableFeed } from "../support/worker";

// Archived articles stay fully searchable: archival leaves the (contentless) search entry as
// it is, and a reindex rebuilds an archived article's entry from its body read back from R2.

const OLD = "Tue, 11 Nov 2025 08:00:00 GMT";

/** Each item has a title word, a summary word and a body word that appear nowhere else. */
const item = (n: number) => ({
  guid: `arcsearch-${n}`,
  title: `Bulletin tundra${n}`,
  summary: `Notes on permafrost${n}.`,
  body: `<p>Only the body names the narwhal${n} sighting, and <em>ptarmigan${n}</em> tracks.</p>`,
});

function rss(items: ReturnType<typeof item>[]): string {
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Arctic notes</title><link>https://arctic.example.org/</link><language>en</language>
${items.map((i) => `<item><title>${i.title}</title><guid isPermaLink="false">${i.guid}</guid><link>https://arctic.example.org/${i.guid}</link>
<pubDate>${OLD}</pubDate><description>${i.summary}</description><content:encoded><![CDATA[${i.body}]]></content:encoded></item>`).join("\n")}
</channel></rss>`;
}

const SOURCE = "arc-search";
const found = async (word: string) =>
  ((await getJson(`/api/v1/search?q=${encodeURIComponent(word)}&source=${SOURCE}&per_page=100`)).body.data as { id: string }[]).map((h) => h.id).sort();

const ids = async () =>
  (await env.DB.prepare("SELECT id FROM articles WHERE source_id = ? ORDER BY guid").bind(SOURCE).all<{ id: string }>()).results.map((r) => r.id);

const unarchived = async () =>
  (await env.DB.prepare("SELECT count(*) AS n FROM articles WHERE source_id = ? AND body_ref IS NULL").bind(SOURCE).first<{ n: number }>())!.n;

/** POST /api/v1/admin/reindex over the whole table, through the Worker with `archive` as its bucket. */
async function reindexWith(archive: R2Bucket): Promise<Response> {
  let cursor: number | null = 0;
  let res: Response;
  do {
    const ctx = createExecutionContext();
    res = await worker.fetch(new Request(`http://app.test/api/v1/admin/reindex?limit=3&cursor=${cursor}`, { method: "POST", headers: ADMIN }), { ...env, ARCHIVE: archive }, ctx);
    await waitOnExecutionContext(ctx);
    if (res.status !== 200) return res;
    cursor = ((await res.clone().json()) as { data: { next_cursor: number | null } }).data.next_cursor;
  } while (cursor !== null);
  return res;
}

/** Drops the source's search entries, as an index wiped for a rebuild has none. */
const unindex = () => env.DB.prepare("DELETE FROM articles_fts WHERE rowid IN (SELECT pk FROM articles WHERE source_id = ?)").bind(SOURCE).run();

const bucketWith = (get: R2Bucket["get"]) =>
  ({ put: env.ARCHIVE.put.bind(env.ARCHIVE), head: env.ARCHIVE.head.bind(env.ARCHIVE), list: env.ARCHIVE.list.bind(env.ARCHIVE), get }) as unknown as R2Bucket;

describe("archived articles in search", () => {
  it("are found by a word only in their body after archival, and again after a reindex reads the body back from R2", async () => {
    await setMutableFeed("archive-7", rss([1, 2, 3, 4, 5].map(item)));
    await addSource(SOURCE, "/mutable/archive-7");
    const { report: refreshed } = await refreshNow();
    expect(refreshed.sources.find((s: { id: string }) => s.id === SOURCE)).toMatchObject({ status: "ok", new: 5 });
    const [a1, a2] = await ids();
    const report = await archiveBodies(env.DB, env.ARCHIVE, { before: "2026-01-01T00:00:00Z", sliceSize: 2, slices: 10 }, new Date().toISOString());
    expect(report).toMatchObject({ archived: 5, done: true });
    expect(await unarchived()).toBe(0);

    // Nothing searched before archival: these answers come from the index as archival left it.
    expect(await found("narwhal1")).toEqual([a1]);
    expect(await found("ptarmigan2")).toEqual([a2]);
    expect(await found("tundra1")).toEqual([a1]);
    expect(await found("permafrost2")).toEqual([a2]);
    expect((await getJson(`/api/v1/search?q=sighting&source=${SOURCE}`)).body.meta.total).toBe(5);

    await unindex();
    expect(await found("narwhal3")).toEqual([]);
    const res = await reindexWith(env.ARCHIVE);
    expect(res.status).toBe(200);
    // The reindex dropped cached answers: the same URL now finds the rebuilt entry.
    expect(await found("narwhal3")).toEqual([(await ids())[2]]);
    expect(await found("ptarmigan5")).toEqual([(await ids())[4]]);
    expect((await getJson(`/api/v1/search?q=tracks&source=${SOURCE}`)).body.meta.total).toBe(5);
  });

  it("are indexed by title and summary when their pack is gone, and left as they were while R2 cannot be read", async () => {
    const [a1] = await ids();
    const failing = bucketWith(() => Promise.reject(new Error("R2 network connection lost")));
    const res = await reindexWith(failing);
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.headers.get("retry-after")).toBe("5");
    expect(((await res.json()) as { code: string }).code).toBe("archive_unavailable");
    // The failed slice wrote nothing: entries keep every body word.
    expect(await found("narwhal4 OR narwhal1")).toHaveLength(2);

    const gone = bucketWith(() => Promise.resolve(null));
    expect((await reindexWith(gone)).status).toBe(200);
    expect(await found("tundra1")).toEqual([a1]);
    expect(await found("permafrost1")).toEqual([a1]);
    expect(await found("narwhal1")).toEqual([]);
  });
});

describe("reading several bodies of one pack", () => {
  it("reads them with one ranged read, each checked against its row, a bad one failing alone", async () => {
    const bodies = [1, 2, 3, 4].map((n) => ({ id: `p${n}`, content_hash: `h${n}`, content_html: `<p>Body ${n} — 気候 🌍</p>`, content_text: `Body ${n} — 気候 🌍` }));
    const refs = await writePack(env.ARCHIVE, "bodies/test/several.ndjson", bodies);
    let gets = 0;
    const counting = bucketWith((...args: Parameters<R2Bucket["get"]>) => {
      gets++;
      return env.ARCHIVE.get(...args);
    });
    const rows = [
      { id: "p2", content_hash: "h2", body_ref: refs[1]! },
      { id: "p4", content_hash: "h4", body_ref: refs[3]! },
      { id: "p3", content_hash: "another version", body_ref: refs[2]! },
      { id: "p9", content_hash: "h9", body_ref: "bodies/test/several.ndjson x 10" },
    ];
    const read = await readPackedBodies(counting, "bodies/test/several.ndjson", rows);
    expect(gets).toBe(1);
    expect(read.get("p2")).toEqual(bodies[1]);
    expect(read.get("p4")).toEqual(bodies[3]);
    expect(read.get("p3")).toBeInstanceOf(ArchiveReadError);
    expect(read.get("p9")).toBeInstanceOf(ArchiveReadError);
    await expect(readPackedBodies(env.ARCHIVE, "bodies/test/none.ndjson", rows.slice(0, 1))).rejects.toBeInstanceOf(ArchiveReadError);
  });
});
