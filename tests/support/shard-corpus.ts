import { env } from "cloudflare:test";
import type { NormalizedArticle } from "../../src/domain";
import { item, movePeriods, storeItems, type TestPeriod } from "./shard-fill";

/**
 * One corpus for the cross-period readers' tests: 61 articles over October and November 2026,
 * two sources, three languages, ties on publication time (so pk decides), translations sharing
 * a story across the periods' edges, and one straggler (an old-dated item stored last, so its
 * pk is the largest, that stays in live).
 */
export const PERIODS: TestPeriod[] = [
  { period: "2026-10a", startsAt: "2026-10-01T00:00:00Z", endsAt: "2026-10-16T00:00:00Z", binding: "SHARD_1" },
  { period: "2026-10b", startsAt: "2026-10-16T00:00:00Z", endsAt: "2026-11-01T00:00:00Z", binding: "SHARD_2" },
];

/** Corpus article i's id (ids are 16 hex digits, as the API's). */
export const cid = (i: number) => `${"a".repeat(14)}${String(i).padStart(2, "0")}`;

const LANGS = ["en", "fr", "ru"];
const WORDS = ["Flood warning for the delta", "School opening in the hills", "Harvest report from the valley"];

function corpus(): { a: NormalizedArticle[]; b: NormalizedArticle[] } {
  const a: NormalizedArticle[] = [];
  const b: NormalizedArticle[] = [];
  for (let i = 0; i < 60; i++) {
    // Every seventh article shares its predecessor's time.
    const step = i % 7 === 6 ? i - 1 : i;
    const publishedAt = new Date(Date.UTC(2026, 9, 1, 3) + step * 20 * 3_600_000).toISOString().replace(".000Z", "Z");
    // Stories of two or three languages; 17 and 18 straddle the periods' edge, 33 and 35
    // the boundary.
    const story = i === 18 ? "story-8" : i === 35 ? "story-16" : i % 4 < 2 ? `story-${Math.floor(i / 2)}` : null;
    const article = item(cid(i), {
      title: `${WORDS[i % 3]} ${i}`,
      language: LANGS[i % 3]!,
      publishedAt,
      story,
      body: i % 5 === 0 ? `Rain and a flood of letters, item ${i}.` : undefined,
    });
    (i % 2 ? b : a).push(article);
  }
  // Stored out of date order, so pk order is not date order.
  const shuffle = (xs: NormalizedArticle[]) => xs.map((x, i) => ({ x, k: (i * 37) % xs.length })).sort((p, q) => p.k - q.k).map((p) => p.x);
  return { a: shuffle(a), b: shuffle(b) };
}

export const STRAGGLER = item("bbbbbbbbbbbbbb01", { title: "Flood warning for the delta, filed late", language: "en", publishedAt: "2026-10-05T12:00:00Z" });

/** Stores the corpus in the live database. */
export async function storeCorpus(): Promise<void> {
  const { a, b } = corpus();
  await storeItems("sa", "Source A", a);
  await storeItems("sb", "Source B", b);
  await storeItems("sa", "Source A", [STRAGGLER]);
}

const pkOf = async (id: string) => (await env.DB.prepare("SELECT pk, published_at FROM articles WHERE id = ?1").bind(id).first<{ pk: number; published_at: string }>())!;

/**
 * Moves the corpus's October articles before the boundary (inside the second period, on a row
 * that shares its time with another) to the period databases; the straggler and four other rows
 * stay in live, and the boundary's own row is also copied into its period, as a move that has
 * not deleted it yet leaves it.
 */
export async function moveCorpus(): Promise<{ publishedAt: string; pk: number }> {
  const edge = await pkOf(cid(34));
  const tie = await pkOf(cid(33));
  if (edge.published_at !== tie.published_at) throw new Error("corpus: articles 33 and 34 should share a time");
  const boundary = { publishedAt: edge.published_at, pk: Math.max(edge.pk, tie.pk) };
  // Stragglers: the late item, and rows at the start, middle and end of the moved span.
  const keep = await Promise.all([STRAGGLER.id, cid(0), cid(7), cid(20), cid(32)].map(async (id) => (await pkOf(id)).pk));
  await movePeriods(PERIODS, boundary, { keep, copiedOnly: [boundary.pk] });
  return boundary;
}
