import { env } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { NormalizedArticle } from "../../src/domain";
import { storeArticles } from "../../src/db/store";
import { analyzeForIndex } from "../../src/search/analyze";

// Model-based check of the store: whatever sequence of feed versions a publisher serves (items
// appearing, edited, dropped, undated, split over several write chunks), the stored rows and
// the search index match a plain model of "the latest version of every item ever seen", and
// the new/updated/unchanged counts say what happened.

const TITLES = ["Floods reach the delta", "Écoles rouvertes après la tempête", "Школы снова открыты", "教育公平的新进展", "학교 급식이 확대됩니다", "عودة الأطفال إلى المدارس"];

interface Version {
  item: number;
  edit: number;
  dated: boolean;
}

function article(source: string, v: Version): NormalizedArticle {
  const title = `${TITLES[v.item % TITLES.length]} ${v.item} edition ${v.edit}`;
  const text = `${"Body text of the story. ".repeat(5 + v.item * 3)}revision${v.edit}`;
  return {
    id: `${source}-${v.item}`,
    guid: `g-${v.item}`,
    dedupeKey: `guid:g-${v.item}`,
    url: `https://example.org/${source}/${v.item}`,
    title,
    slug: `story-${v.item}`,
    summary: text.slice(0, 80),
    contentHtml: `<p>${text}</p>`,
    contentText: text,
    image: null,
    author: null,
    tags: [],
    language: "en",
    publishedAt: v.dated ? `2026-11-${String(10 + v.item).padStart(2, "0")}T08:00:00Z` : null,
    updatedAt: null,
    contentHash: `h-${v.item}-${v.edit}`,
    storyGroup: null,
  };
}

const feed = fc.uniqueArray(
  fc.record({ item: fc.integer({ min: 0, max: 11 }), edit: fc.integer({ min: 0, max: 2 }), dated: fc.boolean() }),
  { selector: (v) => v.item, maxLength: 12 },
);

let run = 0;

/**
 * The index is contentless (it returns no stored text), so an entry is asked whether its title
 * column holds exactly `title`'s analyzed words, from the first one on: titles differ from
 * their edits only in their last word.
 */
async function titleIndexed(pk: number, title: string): Promise<boolean> {
  const phrase = `title : ^ "${analyzeForIndex(title).replaceAll('"', '""')}"`;
  const row = await env.DB.prepare("SELECT count(*) AS n FROM articles_fts WHERE rowid = ?1 AND articles_fts MATCH ?2").bind(pk, phrase).first<{ n: number }>();
  return row!.n === 1;
}

describe("storing a source's items", () => {
  it("keeps exactly the latest version of every item seen, indexed once, with honest counts", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(feed, { minLength: 1, maxLength: 4 }), fc.integer({ min: 600, max: 20_000 }), async (feeds, chunkBytes) => {
        const source = `prop-${run++}`;
        // The store writes only for a source that exists.
        await env.DB.prepare("INSERT INTO sources (id, name, url) VALUES (?1, ?1, 'https://example.org/prop.xml')").bind(source).run();
        const model = new Map<string, { hash: string; title: string; published: string }>();
        for (const [step, versions] of feeds.entries()) {
          const now = `2026-11-28T10:00:${String(step).padStart(2, "0")}Z`;
          const items = versions.map((v) => article(source, v));
          const expected = { new: 0, updated: 0, unchanged: 0 };
          for (const a of items) {
            const before = model.get(a.id);
            if (!before) expected.new++;
            else if (before.hash !== a.contentHash) expected.updated++;
            else expected.unchanged++;
            if (!before || before.hash !== a.contentHash) {
              model.set(a.id, { hash: a.contentHash, title: a.title, published: a.publishedAt ?? before?.published ?? now });
            }
          }
          const state = { sourceId: source, etag: null, lastModified: null, httpStatus: 200, status: "ok" as const, nextFetchAt: now };
          const { warnings, queries: _queries, languages, sourceGone, ...counts } = await storeArticles(env.DB, items, state, now, { chunkBytes });
          expect(sourceGone).toBe(false);
          expect(counts).toEqual(expected);
          // The cache is told the language of what was written, and of nothing when nothing was.
          expect(languages).toEqual(expected.new + expected.updated > 0 ? ["en"] : []);
          expect(warnings).toEqual([]);
        }
        const rows = await env.DB.prepare(
          `SELECT a.pk, a.id, a.content_hash AS hash, a.title, a.published_at AS published,
             (SELECT count(*) FROM articles_fts g WHERE g.rowid = a.pk) AS entries
           FROM articles a WHERE a.source_id = ? ORDER BY a.id`,
        )
          .bind(source)
          .all<{ pk: number; id: string; hash: string; title: string; published: string; entries: number }>();
        expect(rows.results.map((r) => r.id)).toEqual([...model.keys()].sort());
        for (const r of rows.results) {
          const m = model.get(r.id)!;
          expect({ hash: r.hash, title: r.title, published: r.published, indexed: await titleIndexed(r.pk, m.title), entries: r.entries }).toEqual({
            hash: m.hash,
            title: m.title,
            published: m.published,
            indexed: true,
            entries: 1,
          });
        }
      }),
      { numRuns: 30 },
    );
  });
});
