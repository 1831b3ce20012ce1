import { env, SELF } from "cloudflare:test";
import { parseOpml } from "feedsmith";
import { beforeEach, describe, expect, it } from "vitest";
import { contentChanged } from "../../src/cache/version";
import { ADMIN, getJson } from "../support/worker";
import type { SourceHealth } from "../../src/domain";

// OPML files shaped like the exports of feed readers, written for these tests.
const fixtures = import.meta.glob<string>("../fixtures/opml/*.opml", { query: "?raw", import: "default", eager: true });
const fixture = (name: string) => {
  const text = fixtures[`../fixtures/opml/${name}`];
  if (text === undefined) throw new Error(`no fixture ${name}`);
  return text;
};

interface OutlineResult {
  outline: number;
  folders: string[];
  title: string | null;
  xml_url: string | null;
  status: string;
  id?: string;
  code?: string;
  message?: string;
}
interface ImportReport {
  added: number;
  updated: number;
  unchanged: number;
  refused: number;
  outlines: OutlineResult[];
  warnings: string[];
}
type Source = Pick<SourceHealth, "id" | "name" | "url" | "homepage" | "language" | "story_scope" | "story_key" | "enabled">;

const importOpml = (body: BodyInit, headers: Record<string, string> = {}) =>
  SELF.fetch("http://app.test/api/v1/sources/import", { method: "POST", headers: { ...ADMIN, "content-type": "text/x-opml", ...headers }, body });

async function imported(body: BodyInit): Promise<ImportReport> {
  const res = await importOpml(body);
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { data: ImportReport }).data;
}

async function exported(): Promise<string> {
  const res = await SELF.fetch("http://app.test/api/v1/sources.opml", { headers: ADMIN });
  expect(res.status).toBe(200);
  return res.text();
}

async function stored(): Promise<Source[]> {
  return (await getJson<{ data: Source[] }>("/api/v1/sources")).body.data;
}

const byTitle = (report: ImportReport, title: string) => report.outlines.find((o) => o.title === title);

async function problemOf(res: Response): Promise<{ status: number; code: string; detail: string }> {
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  return (await res.json()) as { status: number; code: string; detail: string };
}

beforeEach(async () => {
  await env.DB.exec("DELETE FROM sources");
  // Written behind the API's back: retire the cached GET /sources answers as a delete through it does.
  await contentChanged(env, { kind: "source-deleted", id: "*" });
});

describe("OPML import", () => {
  it("adds a flat list with the ids POST /sources derives, and finds nothing to do the second time", async () => {
    const first = await imported(fixture("flat.opml"));
    expect(first).toMatchObject({ added: 3, updated: 0, unchanged: 0, refused: 0, warnings: [] });
    expect(first.outlines.map((o) => [o.id, o.status])).toEqual([
      ["harbour-gazette", "added"],
      ["le-journal-des-collines", "added"],
      ["diario-del-valle", "added"],
    ]);
    const sources = await stored();
    expect(sources.find((s) => s.id === "le-journal-des-collines")).toMatchObject({
      name: "Le Journal des Collines",
      url: "https://collines.example.org/feed/",
      homepage: "https://collines.example.org/",
      language: "fr",
      enabled: true,
    });

    const second = await imported(fixture("flat.opml"));
    expect(second).toMatchObject({ added: 0, updated: 0, unchanged: 3, refused: 0 });
    expect(await stored()).toEqual(sources);
  });

  it("updates what a newer file changes and keeps what it does not say", async () => {
    await imported(fixture("flat.opml"));
    const renamed = fixture("flat.opml")
      .replace('text="Harbour Gazette" title="Harbour Gazette"', 'text="The Harbour Gazette"')
      .replace(' language="fr"', "");
    const report = await imported(renamed);
    expect(report).toMatchObject({ added: 0, updated: 1, unchanged: 2 });
    expect(byTitle(report, "The Harbour Gazette")).toMatchObject({ status: "updated", id: "harbour-gazette" });
    const sources = await stored();
    expect(sources.find((s) => s.id === "harbour-gazette")?.name).toBe("The Harbour Gazette");
    expect(sources.find((s) => s.id === "le-journal-des-collines")?.language).toBe("fr");
  });

  it("flattens folders two deep, naming them on each outline", async () => {
    const report = await imported(fixture("nested.opml"));
    expect(report).toMatchObject({ added: 6, refused: 0 });
    expect(report.outlines.map((o) => [o.title, o.folders, o.outline])).toEqual([
      ["Baltic Wire", ["News", "Europe"], 3],
      ["Alpine Courier", ["News", "Europe"], 4],
      ["Monsoon Daily", ["News", "Asia"], 6],
      ["Wire Roundup", ["News"], 7],
      ["Tide Tables", ["Science"], 9],
      ["Unfiled Notes", [], 10],
    ]);
    expect((await stored()).map((s) => s.id).sort()).toEqual(["alpine-courier", "baltic-wire", "monsoon-daily", "tide-tables", "unfiled-notes", "wire-roundup"]);
  });

  it("names an untitled feed after its host, and derives an id from the host when the title gives none", async () => {
    const report = await imported(fixture("missing-titles.opml"));
    expect(report.refused).toBe(0);
    const sources = await stored();
    expect(sources.map((s) => [s.id, s.name])).toEqual([
      ["blank-text-example-org", "blank-text.example.org"],
      ["cjk-title-example-net", "新华网"],
      ["only-a-title", "Only A Title"],
      ["www-untitled-one-example-com", "www.untitled-one.example.com"],
    ]);
  });

  it("refuses a URL seen earlier in the file, and gives two feeds of one title distinct ids", async () => {
    const report = await imported(fixture("duplicate-urls.opml"));
    expect(report.outlines).toEqual([
      { outline: 1, folders: [], title: "World", xml_url: "https://first-world.example.com/rss", status: "added", id: "world" },
      { outline: 3, folders: ["Tech"], title: "World", xml_url: "https://second-world.example.com/rss", status: "added", id: "world-2" },
      expect.objectContaining({ outline: 4, status: "refused", code: "duplicate_url", message: "the same xmlUrl as outline 1" }),
    ]);
    expect((await stored()).map((s) => s.id)).toEqual(["world", "world-2"]);
  });

  it("matches a stored source by URL, and refuses its URL under another id", async () => {
    const created = await SELF.fetch("http://app.test/api/v1/sources", {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify({ id: "mine", name: "World", url: "https://first-world.example.com/rss" }),
    });
    expect(created.status).toBe(201);
    const report = await imported(fixture("duplicate-urls.opml"));
    expect(report.outlines[0]).toMatchObject({ status: "unchanged", id: "mine" });
    // The derived id "world" is free, the first outline having matched "mine".
    expect(report.outlines[1]).toMatchObject({ status: "added", id: "world" });

    const other = `<opml version="2.0" xmlns:edge="urn:edge-news:opml"><body>
      <outline text="Copy" type="rss" xmlUrl="https://first-world.example.com/rss" edge:id="copy"/></body></opml>`;
    const refused = await imported(other);
    expect(refused.outlines).toEqual([expect.objectContaining({ status: "refused", code: "duplicate_url", message: expect.stringContaining("source mine") })]);
    expect((await stored()).map((s) => s.id)).toEqual(["mine", "world"]);
  });

  it("refuses special-purpose hosts always and private ones unless the deployment allows them", async () => {
    const report = await imported(fixture("private-hosts.opml"));
    const status = (title: string) => byTitle(report, title);
    for (const title of ["Metadata", "Mapped loopback", "Nowhere"]) {
      expect(status(title), title).toMatchObject({ status: "refused", code: "private_host" });
      expect(status(title)?.message, title).toContain("not allowed");
    }
    expect(status("Metadata")?.message).toContain("169.254.169.254");
    // The tests run with ALLOW_PRIVATE_UPSTREAMS=true, as POST /sources does.
    expect(status("Intranet")).toMatchObject({ status: "added" });
    expect(status("Fine")).toMatchObject({ status: "added" });
    expect((await stored()).map((s) => s.url).sort()).toEqual(["http://10.1.2.3/feed.xml", "https://fine.example.com/feed.xml"]);
  });

  it("refuses bad URLs and bad attributes, naming them, and stores only the good outlines", async () => {
    const report = await imported(fixture("bad-urls.opml"));
    expect(report.outlines.map((o) => [o.title, o.status, o.code ?? null])).toEqual([
      ["Relative", "refused", "bad_url"],
      ["FTP", "refused", "bad_url"],
      ["Script", "refused", "bad_url"],
      ["Credentials", "refused", "bad_url"],
      ["Bad language", "refused", "invalid_attribute"],
      ["Fine", "added", null],
    ]);
    expect(byTitle(report, "Relative")?.message).toBe("xmlUrl is not an absolute URL");
    expect(byTitle(report, "Credentials")?.message).toContain("credentials");
    expect(byTitle(report, "Bad language")?.message).toMatch(/^language: /);
    expect((await stored()).map((s) => s.id)).toEqual(["fine"]);
  });

  it("reports links, includes and outlines without xmlUrl as refused, and skips nothing silently", async () => {
    const report = await imported(fixture("non-feeds.opml"));
    expect(report.outlines.map((o) => [o.title, o.code ?? o.status])).toEqual([
      ["A web page", "not_a_feed"],
      ["Another list", "not_a_feed"],
      ["Just a note", "missing_url"],
      ["Feed without address", "missing_url"],
      ["Empty folder", "missing_url"],
      ["Real feed", "added"],
    ]);
    expect(byTitle(report, "A web page")?.message).toContain('type="link"');
  });

  it("decodes a file in the encoding its XML declaration names, with its entities", async () => {
    // The fixture is stored as UTF-8 for editing; the upload is the ISO-8859-1 bytes it declares.
    const latin1 = Uint8Array.from(fixture("latin1-entities.opml"), (ch) => ch.charCodeAt(0));
    expect(latin1.some((b) => b === 0xe9)).toBe(true);
    const report = await imported(latin1);
    expect(report.outlines.map((o) => [o.title, o.status])).toEqual([
      ["Café Société", "added"],
      ["Résumé & Co &boom;", "added"],
    ]);
    const cafe = (await stored()).find((s) => s.name === "Café Société");
    expect(cafe?.url).toBe("https://cafe.example.fr/rss?lang=fr&cat=une");
    expect(report.warnings.join(" ")).toContain("HTML named entities");
  });
});

describe("OPML import: refusals of the whole file", () => {
  it("answers 400 naming the fault for a malformed file, and writes nothing", async () => {
    const cases: [string, RegExp][] = [
      [fixture("truncated.opml"), /cut off/],
      ["<!doctype html><html><body><p>Sign in</p></body></html>", /root element is <html>/],
      ['{"feeds": []}', /no XML element/],
      ["", /no XML element/],
      ['<opml version="2.0"><head><title>x</title></head></opml>', /no <body>/],
      ['<opml version="2.0"><body><outline text="a" type="rss" xmlUrl="https://a.example.com/rss"><outline text="b"></body></opml>', /unclosed/],
    ];
    for (const [body, detail] of cases) {
      const res = await importOpml(body);
      expect(res.status, body).toBe(400);
      const problem = await problemOf(res);
      expect(problem.code).toBe("invalid_opml");
      expect(problem.detail, body).toMatch(detail);
    }
    expect(await stored()).toEqual([]);
  });

  it("answers 415 for a body that is not sent as XML", async () => {
    for (const type of ["application/json", "text/plain", "multipart/form-data; boundary=x"]) {
      const res = await importOpml(fixture("flat.opml"), { "content-type": type });
      expect(res.status, type).toBe(415);
      expect((await problemOf(res)).code).toBe("unsupported_media_type");
    }
    for (const type of ["application/xml", "text/xml; charset=utf-8", "application/opml+xml", "application/octet-stream"]) {
      expect((await importOpml(fixture("flat.opml"), { "content-type": type })).status, type).toBe(200);
    }
  });

  it("answers 413 for a body over the size limit or more outlines than allowed, and writes nothing", async () => {
    const padding = `<!-- ${"x".repeat(4 * 1024 * 1024)} -->`;
    const big = await importOpml(fixture("flat.opml").replace("<body>", `<body>${padding}`));
    expect(big.status).toBe(413);
    expect((await problemOf(big)).code).toBe("body_too_large");

    const outlines = Array.from({ length: 5001 }, (_, i) => `<outline text="Feed ${i}" type="rss" xmlUrl="https://many.example.com/${i}.xml"/>`);
    const many = await importOpml(`<opml version="2.0"><body>${outlines.join("")}</body></opml>`);
    expect(many.status).toBe(413);
    const problem = await problemOf(many);
    expect(problem.code).toBe("too_many_outlines");
    expect(problem.detail).toContain("5000");
    expect(await stored()).toEqual([]);
  });

  it("imports the largest allowed file in one go", async () => {
    const outlines = Array.from({ length: 5000 }, (_, i) => `<outline text="Feed ${i}" type="rss" xmlUrl="https://many.example.com/feeds/${i}.xml" htmlUrl="https://many.example.com/" language="en"/>`);
    const report = await imported(`<opml version="2.0"><body>${outlines.join("\n")}</body></opml>`);
    expect(report).toMatchObject({ added: 5000, refused: 0 });
    const count = await env.DB.prepare("SELECT count(*) AS n FROM sources").first<{ n: number }>();
    expect(count?.n).toBe(5000);
  });
});

describe("OPML export", () => {
  it("exports every source as an OPML 2.0 outline a reader can parse", async () => {
    await imported(fixture("flat.opml"));
    const res = await SELF.fetch("http://app.test/api/v1/sources.opml", { headers: ADMIN });
    expect(res.headers.get("content-type")).toBe("text/x-opml; charset=utf-8");
    expect(res.headers.get("content-disposition")).toContain("attachment");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const text = await res.text();
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"')).toBe(true);
    const opml = parseOpml(text);
    expect(Number.isNaN(Date.parse(String(opml.head?.dateCreated)))).toBe(false);
    expect(opml.body?.outlines?.map((o) => [o.text, o.title, o.type, o.xmlUrl, o.htmlUrl, o.language])).toEqual([
      ["Diario del Valle", "Diario del Valle", "rss", "https://valle.example.net/atom.xml", "https://valle.example.net/", "es"],
      ["Harbour Gazette", "Harbour Gazette", "rss", "https://harbour-gazette.example.com/rss.xml", "https://harbour-gazette.example.com/", undefined],
      ["Le Journal des Collines", "Le Journal des Collines", "rss", "https://collines.example.org/feed/", "https://collines.example.org/", "fr"],
    ]);
  });

  it("round-trips: export, import into an empty database, export again gives the same sources", async () => {
    await imported(fixture("nested.opml"));
    await imported(Uint8Array.from(fixture("latin1-entities.opml"), (ch) => ch.charCodeAt(0)));
    const mapped = await SELF.fetch("http://app.test/api/v1/sources/baltic-wire", {
      method: "PATCH",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify({ story_scope: "wire-group", story_key: "/:lang/story/:key", language: "et", enabled: false, name: 'Baltic "Wire" <Tallinn> & Co' }),
    });
    expect(mapped.status).toBe(200);
    const before = await stored();
    const first = await exported();
    expect(first).toContain('edge:storyKey="/:lang/story/:key"');
    expect(first).toContain('edge:enabled="false"');

    await env.DB.exec("DELETE FROM sources");
    const report = await imported(first);
    expect(report).toMatchObject({ added: before.length, refused: 0 });
    const strip = (opml: string) => opml.replace(/<dateCreated>[^<]*<\/dateCreated>/, "");
    expect(strip(await exported())).toBe(strip(first));
    const after = await stored();
    const shape = (s: Source) => [s.id, s.name, s.url, s.homepage, s.language, s.story_scope, s.story_key, s.enabled];
    expect(after.map(shape)).toEqual(before.map(shape));
    expect(after.find((s) => s.id === "baltic-wire")?.name).toBe('Baltic "Wire" <Tallinn> & Co');

    expect(await imported(first)).toMatchObject({ added: 0, updated: 0, unchanged: before.length });
  });
});

describe("OPML authentication", () => {
  it("answers 401 without a token and 403 with a wrong one, on export and import", async () => {
    const calls = [
      (headers: Record<string, string>) => SELF.fetch("http://app.test/api/v1/sources.opml", { headers }),
      (headers: Record<string, string>) =>
        SELF.fetch("http://app.test/api/v1/sources/import", { method: "POST", headers: { "content-type": "text/x-opml", ...headers }, body: fixture("flat.opml") }),
    ];
    for (const call of calls) {
      const missing = await call({});
      expect(missing.status).toBe(401);
      expect((await problemOf(missing)).code).toBe("unauthorized");
      const wrong = await call({ authorization: "Bearer not-the-token" });
      expect(wrong.status).toBe(403);
      expect((await problemOf(wrong)).code).toBe("forbidden");
    }
    expect(await stored()).toEqual([]);
  });
});
