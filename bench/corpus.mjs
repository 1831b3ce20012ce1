// Synthetic corpus generator: realistic multilingual articles (7 languages, 10 sources, five
// years of dates, story groups across languages, a long tail of invented names), written as
// big multi-row INSERT statements for `articles` and `articles_fts`. Every row is a pure
// function of (seed, pk, total), so any range can be generated on its own, in Node or inside
// a Worker, and the same corpus comes out every time.
//
// Pure module: no Node or Workers APIs, so it runs in both (the generator worker bundles it).
import { BROAD_WORD, LANGUAGES, MEDIUM_WORD, NARROW_ROWS, NARROW_WORD, SCRIPT_OF, SOURCES, SOURCE_WEIGHTS, SYLLABLES } from "./words.mjs";

export const GENERATOR_VERSION = 2;
export const DEFAULT_SEED = 20261127;
/** The newest article's date; the corpus spreads back over SPAN_YEARS from here. */
export const END_DATE = Date.UTC(2026, 10, 27, 9, 0, 0);
const SPAN_MS = 5 * 365 * 24 * 3600_000;
/** Share of English rows that mention BROAD_WORD, and of Latin-script rows that mention MEDIUM_WORD. */
export const BROAD_SHARE_EN = 0.5;
export const MEDIUM_SHARE_LATIN = 0.0005 / 0.58;

/** Whether row `pk` of a `total`-row corpus is one of the NARROW_ROWS rows, spread evenly. */
export function isNarrowRow(pk, total) {
  const step = Math.max(1, Math.floor(total / NARROW_ROWS));
  return pk <= step * NARROW_ROWS && pk % step === Math.floor(step / 2) % step;
}
const NAMES_PER_SCRIPT = 50_000;
/** D1 refuses statements over 100 KB; stay below with room to spare. */
export const MAX_STATEMENT_BYTES = 90_000;

/** A 32-bit bijective mix (murmur3 finalizer): distinct inputs give distinct outputs. */
export function mix32(x) {
  x = x >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

/** mulberry32: small, fast, good enough for text synthesis. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex8 = (n) => (n >>> 0).toString(16).padStart(8, "0");

/** Cumulative source weights, for picking a source from a uniform number. */
const CUMULATIVE = SOURCE_WEIGHTS.reduce((acc, w) => [...acc, (acc[acc.length - 1] ?? 0) + w], []);

function pickSource(u) {
  for (let i = 0; i < CUMULATIVE.length; i++) if (u < CUMULATIVE[i]) return SOURCES[i];
  return SOURCES[SOURCES.length - 1];
}

const pick = (r, list) => list[Math.floor(r() * list.length)];

function capitalize(word, lang) {
  if (lang === "zh" || lang === "ar" || lang === "ko") return word;
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** An invented proper name; rank ~ log-uniform over NAMES_PER_SCRIPT (a Zipf-like tail). */
function inventedName(r, lang) {
  const syllables = SYLLABLES[SCRIPT_OF[lang]];
  let rank = Math.floor(Math.exp(r() * Math.log(NAMES_PER_SCRIPT)));
  const parts = [];
  const count = 2 + (rank % 3);
  for (let i = 0; i < count; i++) {
    parts.push(syllables[rank % syllables.length]);
    rank = Math.floor(rank / syllables.length) + i * 7;
  }
  return capitalize(parts.join(""), lang);
}

function word(r, lang) {
  const L = LANGUAGES[lang];
  const u = r();
  if (u < 0.38) return pick(r, L.common);
  if (u < 0.74) return pick(r, L.topic);
  if (u < 0.82) return pick(r, L.verbs);
  if (u < 0.93) return pick(r, L.places);
  return inventedName(r, lang);
}

function joinWords(words, lang) {
  return LANGUAGES[lang].space ? words.join(" ") : words.join("");
}

function sentence(r, lang, min, max, extra = []) {
  const n = min + Math.floor(r() * (max - min + 1));
  const words = [];
  for (let i = 0; i < n; i++) words.push(word(r, lang));
  for (const e of extra) words.splice(Math.floor(r() * (words.length + 1)), 0, e);
  if (lang === "zh") {
    // Chinese: a comma somewhere in the middle, a full stop at the end.
    const mid = Math.floor(words.length / 2);
    return `${joinWords(words.slice(0, mid), lang)}，${joinWords(words.slice(mid), lang)}。`;
  }
  words[0] = capitalize(words[0], lang);
  return `${joinWords(words, lang)}.`;
}

function title(r, lang, extra) {
  const L = LANGUAGES[lang];
  const words = [pick(r, L.places), pick(r, L.topic), pick(r, L.verbs), pick(r, L.common), pick(r, L.topic)];
  const n = 2 + Math.floor(r() * 6);
  for (let i = 0; i < n; i++) words.push(word(r, lang));
  for (const e of extra) words.splice(1 + Math.floor(r() * words.length), 0, e);
  if (lang !== "zh") words[0] = capitalize(words[0], lang);
  return joinWords(words, lang);
}

function truncate(text, max) {
  const chars = [...text];
  if (chars.length <= max) return text;
  const cut = chars.slice(0, max).join("");
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** URL path segment from a title, the way the app slugs titles. */
export function slugify(text) {
  const slug = text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
  return [...slug].slice(0, 80).join("").replace(/-+$/, "") || "article";
}

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const escapeHtml = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * The article with primary key `pk` (1-based) of a corpus of `total` rows. Rows are in
 * arrival order: dates grow with pk, with some late arrivals (backfilled stories).
 */
export function makeArticle(pk, total, seed = DEFAULT_SEED) {
  const r = rng(mix32(pk ^ mix32(seed)));
  const source = pickSource(r());
  const lang = source.language;
  const L = LANGUAGES[lang];
  const latin = SCRIPT_OF[lang] === "latin";

  let published = END_DATE - Math.floor(((total - pk) / Math.max(1, total)) * SPAN_MS);
  published -= Math.floor(r() * 3 * 3600_000);
  if (r() < 0.05) published -= Math.floor(r() * 30 * 24 * 3600_000);
  const updated = r() < 0.1 ? published + Math.floor(r() * 48 * 3600_000) : published;
  const fetched = Math.max(updated, published) + Math.floor(r() * 15 * 60_000);

  const broad = lang === "en" && r() < BROAD_SHARE_EN;
  const medium = latin && r() < MEDIUM_SHARE_LATIN;
  const narrow = isNarrowRow(pk, total);
  const broadInTitle = broad && r() < 0.15;
  const heading = title(r, lang, broadInTitle ? [BROAD_WORD] : []);

  const summaryText = truncate(`${sentence(r, lang, 14, 24)} ${sentence(r, lang, 10, 20)}`, 400);
  const paragraphs = [];
  const paragraphCount = 3 + Math.floor(r() * 4);
  const broadAt = broad ? Math.floor(r() * paragraphCount) : -1;
  const mediumAt = medium ? Math.floor(r() * paragraphCount) : -1;
  const narrowAt = narrow ? Math.floor(r() * paragraphCount) : -1;
  for (let p = 0; p < paragraphCount; p++) {
    const extra = [];
    if (p === broadAt) extra.push(BROAD_WORD);
    if (p === mediumAt) extra.push(capitalize(MEDIUM_WORD, lang));
    if (p === narrowAt) extra.push(capitalize(NARROW_WORD, "en"));
    const sentences = [];
    const count = 2 + Math.floor(r() * 3);
    for (let s = 0; s < count; s++) sentences.push(sentence(r, lang, 8, 18, s === 0 ? extra : []));
    paragraphs.push(sentences.join(L.space ? " " : ""));
  }
  const contentText = paragraphs.join("\n");
  const link = r() < 0.3 ? Math.floor(r() * paragraphs.length) : -1;
  const contentHtml = paragraphs
    .map((p, i) => {
      const html = escapeHtml(p);
      return i === link
        ? `<p>${html} <a href="https://news.example.org/${lang}/story/${hex8(mix32(pk + 7))}">${escapeHtml(pick(r, L.topic))}</a></p>`
        : `<p>${html}</p>`;
    })
    .join("\n");

  const idHi = mix32(pk);
  const idLo = mix32((pk + 0x9e3779b9) >>> 0);
  const id = hex8(idHi) + hex8(idLo);
  const url = `https://news.example.org/${lang}/story/${source.id}-${pk}`;
  // About a fifth of the stories are published in several languages: one group per 40 rows.
  const storyGroup = r() < 0.2 ? `g${hex8(mix32(Math.floor(pk / 40) ^ 0x5bd1e995))}${hex8(mix32(Math.floor(pk / 40)))}` : null;
  const tags = [];
  const tagCount = 1 + Math.floor(r() * 3);
  for (let i = 0; i < tagCount; i++) {
    const tag = pick(r, L.tags);
    if (!tags.includes(tag)) tags.push(tag);
  }
  return {
    pk,
    id,
    source_id: source.id,
    guid: url,
    dedupe_key: `guid:${url}`,
    url,
    title: heading,
    slug: slugify(heading),
    summary: summaryText,
    content_html: contentHtml,
    content_text: contentText,
    image: r() < 0.6 ? `https://news.example.org/media/${lang}/${hex8(idLo)}.jpg` : null,
    author: r() < 0.5 ? pick(r, L.authors) : null,
    tags: JSON.stringify(tags),
    language: lang,
    published_at: iso(published),
    updated_at: iso(updated),
    fetched_at: iso(fetched),
    first_seen_at: iso(fetched),
    content_hash: hex8(mix32(idHi ^ 0xabcdef)) + hex8(mix32(idLo ^ 0x123456)) + hex8(mix32(pk)) + hex8(mix32(pk ^ 0xffff)),
    story_group: storyGroup,
  };
}

export const ARTICLE_COLUMNS = [
  "pk", "id", "source_id", "guid", "dedupe_key", "url", "title", "slug", "summary", "content_html", "content_text",
  "image", "author", "tags", "language", "published_at", "updated_at", "fetched_at", "first_seen_at", "content_hash", "story_group",
];

/** An SQL literal: strings quoted with '' escaping, numbers as is, null as NULL. */
export function sqlLiteral(value) {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "NULL";
  return `'${String(value).replaceAll("'", "''")}'`;
}

/** UTF-8 length without allocating (works in Node and in Workers). */
export function utf8Length(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** `l`/`s` + lowercase hex of the UTF-8 bytes: the app's scope tokens (src/search/scope.ts). */
function scopeToken(kind, value) {
  return kind + [...new TextEncoder().encode(value)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Year, month and day of the stored date: the app's date tokens (src/search/scope.ts). */
function dateTokens(publishedAt) {
  const [y, m, d] = [publishedAt.slice(0, 4), publishedAt.slice(5, 7), publishedAt.slice(8, 10)];
  return `y${y} m${y}${m} d${y}${m}${d}`;
}

/** The FTS row of an article, analyzed exactly as the ingest stage stores it. */
export function ftsRow(article, analyze) {
  return {
    rowid: article.pk,
    title: analyze(article.title),
    body: analyze(`${article.summary}\n${article.content_text}`),
    scope: `${scopeToken("l", article.language)} ${scopeToken("s", article.source_id)} ${dateTokens(article.published_at)}`,
  };
}

/**
 * Multi-row INSERT statements (each under maxBytes) for articles and their FTS rows.
 * @param {ReturnType<typeof makeArticle>[]} articles
 * @param {(text: string) => string} analyze  the app's analyzeForIndex
 */
export function insertStatements(articles, analyze, maxBytes = MAX_STATEMENT_BYTES) {
  const out = [];
  const group = (head, tuples) => {
    let current = [];
    let bytes = utf8Length(head);
    for (const tuple of tuples) {
      const size = utf8Length(tuple) + 1;
      if (size + utf8Length(head) > maxBytes) throw new Error(`one row is larger than ${maxBytes} bytes`);
      if (current.length && bytes + size > maxBytes) {
        out.push(head + current.join(","));
        current = [];
        bytes = utf8Length(head);
      }
      current.push(tuple);
      bytes += size;
    }
    if (current.length) out.push(head + current.join(","));
  };
  group(
    `INSERT INTO articles (${ARTICLE_COLUMNS.join(", ")}) VALUES `,
    articles.map((a) => `(${ARTICLE_COLUMNS.map((c) => sqlLiteral(a[c])).join(",")})`),
  );
  group(
    "INSERT INTO articles_fts (rowid, title, body, scope) VALUES ",
    articles.map((a) => {
      const f = ftsRow(a, analyze);
      return `(${f.rowid},${sqlLiteral(f.title)},${sqlLiteral(f.body)},${sqlLiteral(f.scope)})`;
    }),
  );
  return out;
}

/** Statements that register the corpus's sources (idempotent). */
export function sourceStatements() {
  return SOURCES.map(
    (s) =>
      `INSERT INTO sources (id, name, url, homepage, language, enabled, last_status, last_http_status, consecutive_errors) VALUES (` +
      `${sqlLiteral(s.id)}, ${sqlLiteral(s.name)}, ${sqlLiteral(`https://news.example.org/feeds/${s.id}.xml`)}, ` +
      `${sqlLiteral(`https://news.example.org/${s.language}/`)}, ${sqlLiteral(s.language)}, 1, 'ok', 200, 0) ON CONFLICT (id) DO NOTHING`,
  );
}

/**
 * Writes rows [from+1 .. to] of a `total`-row corpus through a D1 binding, a few statements
 * per batch (each batch is one transaction).
 * @param {{ prepare(sql: string): unknown, batch(s: unknown[]): Promise<unknown> }} db
 */
export async function writeRange(db, { from, to, total, seed = DEFAULT_SEED, analyze, rowsPerBatch = 400 }) {
  for (let start = from; start < to; start += rowsPerBatch) {
    const end = Math.min(to, start + rowsPerBatch);
    const articles = [];
    for (let pk = start + 1; pk <= end; pk++) articles.push(makeArticle(pk, total, seed));
    const sql = insertStatements(articles, analyze);
    await db.batch(sql.map((s) => db.prepare(s)));
  }
}

/** "10k" → 10000, "1m" → 1000000, "2500" → 2500. */
export function parseSize(text) {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(String(text).trim());
  if (!m) throw new Error(`not a corpus size: ${text} (use e.g. 10k, 100k, 1m)`);
  const mult = { "": 1, k: 1_000, m: 1_000_000 }[m[2].toLowerCase()];
  return Math.round(Number(m[1]) * mult);
}

/** 10000 → "10k", 1000000 → "1m". */
export function sizeLabel(n) {
  if (n >= 1_000_000 && n % 1_000_000 === 0) return `${n / 1_000_000}m`;
  if (n >= 1_000 && n % 1_000 === 0) return `${n / 1_000}k`;
  return String(n);
}
