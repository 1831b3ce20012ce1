import { createExecutionContext, createMessageBatch, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { CONTENT_VERSION_KEY, VERSION_TTL_MS } from "../../src/cache/keys";
import { dependenciesOf, versionOf } from "../../src/cache/partitions";
import { contentChanged, contentVersions, MAX_PARTITIONS, PUBLISH_SPACING_MS, repairContentVersion } from "../../src/cache/version";
import type { Bindings, RefreshMessage } from "../../src/env";
import { refreshFromQueue } from "../../src/ingest/run";
import { addSource, cacheOf, refreshNow, setMutableFeed } from "../support/worker";

/** Through the Worker that refreshes (refreshNow): a repeated request is answered from its memory. */
const get = (path: string) => SELF.fetch(`http://app.test${path}`);

/** Items whose links share a story key are translations of each other (as in ingest-translations). */
const STORY = { story_scope: "inv", story_key: "/:lang/:key" };

/** A feed of `items` in `language`, as a publisher of that language serves it. */
function rss(language: string, items: { guid: string; title: string; story?: string }[]): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ${language}</title><link>https://inv.example.org/${language}/</link><language>${language}</language>
${items.map((i) => `<item><title>${i.title}</title><guid>${i.guid}</guid><link>https://inv.example.org/${language}/${i.story ?? i.guid}</link><pubDate>Mon, 30 Nov 2026 10:00:00 GMT</pubDate><description>${i.title} in full</description></item>`).join("\n")}
</channel></rss>`;
}

/** The versions every isolate reads from KV. */
async function published(): Promise<{ floor: number; parts: Record<string, number> }> {
  return JSON.parse((await env.CACHE.get(CONTENT_VERSION_KEY)) ?? '{"floor":0,"parts":{}}');
}

/** Another isolate of this Worker: its own memory and its own copy of the versions, from KV. */
async function otherIsolate(): Promise<ExportedHandler<Bindings>> {
  vi.resetModules();
  return (await import("../../src/index")).default as ExportedHandler<Bindings>;
}

async function callIn(isolate: ExportedHandler<Bindings>, path: string): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await isolate.fetch!(new Request(`http://app.test${path}`) as Request<unknown, IncomingRequestCfProperties>, env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** A KV binding that records when each key was written. */
function countingKv(kv: KVNamespace) {
  const puts: { key: string; at: number }[] = [];
  const counted = new Proxy(kv, {
    get(target, name) {
      if (name === "put") return (key: string, ...rest: unknown[]) => (puts.push({ key, at: Date.now() }), (target.put as (...a: unknown[]) => Promise<void>)(key, ...rest));
      const value = Reflect.get(target, name) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { kv: counted, puts };
}

/** The shortest time between two writes of the version key, and how many there were. */
function versionWrites(puts: { key: string; at: number }[]) {
  const times = puts.filter((p) => p.key === CONTENT_VERSION_KEY).map((p) => p.at);
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  return { count: times.length, shortestGap: gaps.length ? Math.min(...gaps) : Infinity };
}

describe("a refresh that stores articles in one language", () => {
  beforeAll(async () => {
    await setMutableFeed("inv-en", rss("en", [{ guid: "e1", title: "English one", story: "s1" }]));
    await setMutableFeed("inv-fr", rss("fr", [{ guid: "f1", title: "Français un" }]));
    await addSource("inv-en", "/mutable/inv-en", STORY);
    await addSource("inv-fr", "/mutable/inv-fr", STORY);
    const { report } = await refreshNow("force=true");
    expect(report.sources.filter((s) => s.id.startsWith("inv-")), JSON.stringify(report)).toMatchObject([{ new: 1 }, { new: 1 }]);
  });

  it("leaves the cached answers of other languages valid and retires its own and the unfiltered ones", async () => {
    const paths = ["/api/v1/articles?lang=fr", "/api/v1/articles?lang=en", "/api/v1/articles", "/api/v1/articles?source=inv-fr", "/feeds/fr.rss?lang=fr", "/fr/?lang=fr"];
    for (const path of paths) await get(path);
    for (const path of paths) expect(cacheOf(await get(path)), path).toBe("HIT");
    // That second request admitted each answer to the shared tiers, after answering (admission.ts).
    await vi.waitFor(async () => {
      const stored = (await env.CACHE.list({ prefix: "resp:" })).keys.map((k) => k.name);
      for (const path of paths) expect(stored.some((key) => key.endsWith(`:http://app.test${path}`)), path).toBe(true);
    });

    await setMutableFeed("inv-en", rss("en", [{ guid: "e1", title: "English one", story: "s1" }, { guid: "e2", title: "English two" }]));
    const { report } = await refreshNow("source=inv-en&force=true");
    expect(report.sources[0]).toMatchObject({ status: "ok", new: 1 });

    // In the isolate that refreshed, then in one that only knows what KV says (made after the
    // first pass: a new isolate replaces the modules the first one runs).
    for (const other of [false, true]) {
      const isolate = other ? await otherIsolate() : null;
      const read = (path: string) => (isolate ? callIn(isolate, path) : get(path));
      for (const path of ["/api/v1/articles?lang=fr", "/api/v1/articles?source=inv-fr", "/feeds/fr.rss?lang=fr", "/fr/?lang=fr"]) {
        const res = await read(path);
        expect(cacheOf(res), path).toBe("HIT");
        expect(await res.text()).not.toContain("English two");
      }
      // Another isolate may answer with the retired entry while it rebuilds it (stale.ts): the
      // isolate that refreshed kept its new answers in memory, and they reach the shared tiers
      // on their second request (admission.ts). The read after that rebuild has the new content.
      const current = async (path: string) => {
        const res = await read(path);
        return isolate && res.headers.get("cache-status")?.includes("fwd=stale") ? read(path) : res;
      };
      const unfiltered = await current("/api/v1/articles");
      const english = await current("/api/v1/articles?lang=en");
      if (!isolate) {
        expect(cacheOf(unfiltered)).toBe("MISS");
        expect(cacheOf(english)).toBe("MISS");
      }
      expect(await unfiltered.text()).toContain("English two");
      expect(await english.text()).toContain("English two");
    }
  });

  it("retires answers of the language an edited article left", async () => {
    await get("/api/v1/articles?lang=fr");
    expect(cacheOf(await get("/api/v1/articles?lang=fr"))).toBe("HIT");
    // The French publisher relabels its item as Spanish: the French listing loses it.
    await setMutableFeed("inv-fr", rss("es", [{ guid: "f1", title: "Français un, corrigé" }]));
    const { report } = await refreshNow("source=inv-fr&force=true");
    expect(report.sources[0]).toMatchObject({ status: "ok", updated: 1 });
    const french = await get("/api/v1/articles?lang=fr");
    expect(cacheOf(french)).toBe("MISS");
    expect(await french.text()).not.toContain("Français un");
    expect(await (await get("/api/v1/articles?lang=es")).text()).toContain("corrigé");
  });

  it("shows a translation in another language on the detail it translates", async () => {
    const listing = (await (await get("/api/v1/articles?source=inv-en&per_page=100")).json()) as { data: { id: string; title: string }[] };
    const id = listing.data.find((a) => a.title === "English one")!.id;
    await get(`/api/v1/articles/${id}`);
    expect(cacheOf(await get(`/api/v1/articles/${id}`))).toBe("HIT");
    // A Korean publisher brings the same story: the English detail lists it as a translation.
    // Which languages a story spans is known only after the detail is read, so every article
    // change retires details.
    await setMutableFeed("inv-ko", rss("ko", [{ guid: "k1", title: "한국어 하나", story: "s1" }]));
    await addSource("inv-ko", "/mutable/inv-ko", STORY);
    const { report } = await refreshNow("source=inv-ko&force=true");
    expect(report.sources[0]).toMatchObject({ status: "ok", new: 1 });
    const detail = await get(`/api/v1/articles/${id}`);
    expect(cacheOf(detail)).toBe("MISS");
    const { data } = (await detail.json()) as { data: { translations: { language: string }[] } };
    expect(data.translations.map((t) => t.language)).toContain("ko");
  });
});

describe("bumps under fan-out", () => {
  it("write the KV version key at most once a second, and lose no bump, when consumers run in parallel", async () => {
    const { kv, puts } = countingKv(env.CACHE);
    const counted = { ...env, CACHE: kv };
    const sources = Array.from({ length: 12 }, (_, i) => ({ id: `fan-${i}`, language: ["en", "fr", "ar", "zh"][i % 4]! }));
    for (const s of sources) {
      await setMutableFeed(s.id, rss(s.language, [{ guid: `${s.id}-1`, title: `Story of ${s.id}` }]));
      await addSource(s.id, `/mutable/${s.id}`);
    }
    // One batch per source, all at once: queue consumers running in parallel.
    await Promise.all(
      sources.map((s) =>
        refreshFromQueue(
          counted,
          createMessageBatch<RefreshMessage>("edge-news-refresh", [{ id: s.id, timestamp: new Date(), attempts: 1, body: { runId: "fan-run", force: true, sourceIds: [s.id] } }]),
        ),
      ),
    );
    const writes = versionWrites(puts);
    expect(writes.count).toBeGreaterThanOrEqual(1);
    expect(writes.count).toBeLessThan(sources.length);
    expect(writes.shortestGap).toBeGreaterThanOrEqual(1_000);
    // Every consumer's bump reached KV: no cron repair is left to do.
    const versions = await published();
    for (const s of sources) expect(versions.parts[`src:${s.id}`], s.id).toBeGreaterThan(0);
    for (const language of ["en", "fr", "ar", "zh"]) expect(versions.parts[`lang:${language}`]).toBeGreaterThan(0);
    expect(await repairContentVersion(env)).toBe(false);
    // And a reader anywhere sees every source's new story.
    const isolate = await otherIsolate();
    for (const s of sources) expect(await (await callIn(isolate, `/api/v1/articles?source=${s.id}`)).text()).toContain(`Story of ${s.id}`);
  });

  it("of many writers at once come to one or two KV writes, each covering every writer", async () => {
    const { kv, puts } = countingKv(env.CACHE);
    const counted = { ...env, CACHE: kv };
    await Promise.all(Array.from({ length: 30 }, (_, i) => contentChanged(counted, { kind: "articles", stored: 1, languages: ["en"], sources: [`many-${i}`] })));
    const writes = versionWrites(puts);
    expect(writes.count).toBeLessThanOrEqual(2);
    expect(writes.shortestGap).toBeGreaterThanOrEqual(1_000);
    const versions = await published();
    for (let i = 0; i < 30; i++) expect(versions.parts[`src:many-${i}`]).toBeGreaterThan(0);
    expect(PUBLISH_SPACING_MS).toBeGreaterThanOrEqual(1_000);
  });

  it("leaves a publication KV refused to the cron, which makes it good", async () => {
    const refusing = { ...env, CACHE: new Proxy(env.CACHE, { get: (t, n) => (n === "put" ? () => Promise.reject(new Error("KV PUT failed: 429 Too Many Requests")) : (Reflect.get(t, n) as Function).bind(t)) }) };
    await contentChanged(refusing, { kind: "articles", stored: 1, languages: ["ru"], sources: ["refused"] });
    expect((await published()).parts["src:refused"]).toBeUndefined();
    expect(await repairContentVersion(env)).toBe(true);
    expect((await published()).parts["src:refused"]).toBeGreaterThan(0);
    expect(await repairContentVersion(env)).toBe(false);
  });

  it("are served at once by the isolate that made them, even where KV still shows older versions", async () => {
    const before = await env.CACHE.get(CONTENT_VERSION_KEY);
    await contentChanged(env, { kind: "articles", stored: 1, languages: ["es"], sources: ["lagging"] });
    // This location's copy of KV has not caught up yet.
    await env.CACHE.put(CONTENT_VERSION_KEY, before!);
    const { versions } = await contentVersions(env.CACHE, Date.now() + VERSION_TTL_MS + 1);
    expect(versions!.parts["src:lagging"]).toBeGreaterThan(0);
    await repairContentVersion(env);
  });

  it("keeps at most MAX_PARTITIONS partitions by name, without moving any answer's version back", async () => {
    const many = Array.from({ length: MAX_PARTITIONS + 10 }, (_, i) => `wide-${i}`);
    await contentChanged(env, { kind: "articles", stored: many.length, languages: ["en"], sources: many });
    const before = await published();
    const path = (id: string) => `http://app.test/api/v1/articles?source=${id}`;
    expect(await repairContentVersion(env)).toBe(true);
    const after = await published();
    expect(Object.keys(after.parts).length).toBe(MAX_PARTITIONS);
    for (const id of many) expect(versionOf(after, dependenciesOf(path(id)))).toBe(versionOf(before, dependenciesOf(path(id))));
  });

  it("folds partitions not bumped for a day into the floor without moving any answer's version back", async () => {
    const before = await published();
    const dayLater = Date.now() + 2 * 86_400_000;
    const { kv, puts } = countingKv(env.CACHE);
    expect(await repairContentVersion({ ...env, CACHE: kv }, dayLater)).toBe(true);
    expect(versionWrites(puts).count).toBe(1);
    const after = await published();
    expect(Object.keys(after.parts)).toEqual([]);
    const newest = Math.max(before.floor, ...Object.values(before.parts));
    expect(after.floor).toBe(newest);
  });
});
