// Feed parsing throughput: the app's parser (alone, and with normalization: sanitizing,
// plain text, identities) against the npm parsers a user would otherwise pick, on the same
// files in the same process. Many short rounds are interleaved (A B C D, A B C D, ...) so a
// noisy neighbour hurts every parser alike. The figure is each parser's best round: other
// processes can only slow a CPU-bound loop down, so the fastest round is the closest to its
// real speed (the median is kept beside it).
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { ROOT } from "./build.mjs";
import { median } from "./stats.mjs";

const FEED_EXT = /\.(xml|rss|atom|rdf|json)$/i;

/** Feed files: the demo feeds plus every feed fixture of the tests. */
export async function feedFiles(dirs = [path.join(ROOT, "demo", "feeds"), path.join(ROOT, "tests", "fixtures", "feeds")]) {
  const out = [];
  const walk = async (dir, depth) => {
    if (depth > 4) return;
    let entries = [];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p, depth + 1);
      else if (FEED_EXT.test(e.name)) out.push({ name: path.relative(ROOT, p), bytes: await readFile(p) });
    }
  };
  for (const d of dirs) await walk(d, 0);
  return out;
}

/**
 * The parsers compared. Each takes the raw bytes, as a fetch would hand them over; the npm
 * parsers take text, so their timing includes the UTF-8 decode a user would do first.
 * @param {{ parseFeed: Function, normalizeFeed: Function }} app  the app's modules, bundled for Node
 */
export function parsers(app) {
  const require = createRequire(import.meta.url);
  const feedsmith = require("feedsmith");
  const RssParser = require("rss-parser");
  const rss = new RssParser();
  const decoder = new TextDecoder();
  const url = "https://news.example.org/feed";
  return [
    { key: "ours_parse", label: "edge-news parseFeed", ours: true, run: (bytes) => app.parseFeed(bytes, { url, contentType: null }) },
    {
      key: "ours_full",
      label: "edge-news parseFeed + normalizeFeed",
      ours: true,
      run: async (bytes) => app.normalizeFeed(app.parseFeed(bytes, { url, contentType: null }), { id: "bench", url, language: null }),
    },
    { key: "feedsmith", label: "feedsmith parseFeed", run: (bytes) => feedsmith.parseFeed(decoder.decode(bytes)) },
    { key: "rss_parser", label: "rss-parser parseString", run: (bytes) => rss.parseString(decoder.decode(bytes)) },
  ];
}

/** Which files every parser accepts: the comparison runs on those only, with the rest listed. */
export async function acceptedFiles(files, list) {
  const rejected = {};
  const common = [];
  for (const f of files) {
    let ok = true;
    for (const p of list) {
      try {
        await p.run(f.bytes);
      } catch (err) {
        ok = false;
        (rejected[p.key] ??= []).push(`${f.name}: ${String(err?.message ?? err).slice(0, 80)}`);
      }
    }
    if (ok) common.push(f);
  }
  return { common, rejected };
}

async function timeOnce(parser, files, minMs) {
  let bytes = 0;
  let iterations = 0;
  const started = performance.now();
  // At least one pass over the set; bounded at 10,000 passes.
  for (; iterations < 10_000; iterations++) {
    for (const f of files) {
      await parser.run(f.bytes);
      bytes += f.bytes.length;
    }
    if (performance.now() - started >= minMs) break;
  }
  const ms = performance.now() - started;
  return { mbps: bytes / 1e6 / (ms / 1000), ms, bytes };
}



/**
 * @param {{ app: object, rounds?: number, msPerRound?: number, files?: object[] }} opts
 * @returns results per parser: MB/s (median of rounds), and the comparison set.
 */
export async function compareParsers({ app, rounds = 9, msPerRound = 300, files, log = () => {} }) {
  const all = files ?? (await feedFiles());
  const list = parsers(app);
  const { common, rejected } = await acceptedFiles(all, list);
  if (!common.length) throw new Error("no feed file is accepted by every parser");
  const totalBytes = common.reduce((a, f) => a + f.bytes.length, 0);
  // Warm-up: JIT every parser on the whole set.
  for (const p of list) await timeOnce(p, common, Math.min(300, msPerRound));
  const samples = Object.fromEntries(list.map((p) => [p.key, []]));
  for (let r = 0; r < rounds; r++) {
    for (const p of list) samples[p.key].push((await timeOnce(p, common, msPerRound)).mbps);
  }
  const results = list.map((p) => ({
    key: p.key,
    label: p.label,
    ours: !!p.ours,
    mbps: Math.max(...samples[p.key]),
    medianMbps: median(samples[p.key]),
    rounds: samples[p.key],
  }));
  const peers = results.filter((r) => !r.ours);
  const fastestPeer = peers.reduce((a, b) => (b.mbps > a.mbps ? b : a), peers[0]);
  for (const r of results) r.ratioToFastestPeer = r.mbps / fastestPeer.mbps;
  for (const r of results) {
    log(`    ${r.label.padEnd(40)} ${r.mbps.toFixed(2).padStart(7)} MB/s best, ${r.medianMbps.toFixed(2)} median  (${r.ratioToFastestPeer.toFixed(2)}× ${fastestPeer.label})`);
  }
  return {
    files: common.map((f) => f.name),
    fileCount: common.length,
    bytes: totalBytes,
    excluded: rejected,
    allFiles: all.length,
    fastestPeer: fastestPeer.key,
    results,
  };
}
