// The app isolate's CPU per kind of miss, from V8's sampling profiler over workerd's inspector,
// each sample charged to the app's own source file nearest on its stack (read off the bundle's
// source map). Used by bench/profile.mjs --cpu.
import { decodeMappings, packageOf } from "./build.mjs";
import { load, targetOf } from "./http.mjs";
import { openSession } from "./inspector.mjs";

/**
 * A lookup from a generated (line, column) of the bundle to the source file it came from,
 * decoded from the source map's mappings.
 */
export function sourceLookup(map) {
  const lines = decodeMappings(map.mappings);
  return (line, column) => {
    const segments = lines[line] ?? [];
    let found = -1;
    for (const { column: c, source } of segments) {
      if (c > column) break;
      found = source;
    }
    return found >= 0 ? (map.sources[found] ?? null) : null;
  };
}

/** Where a profiled frame's time goes: the app's own file, a package, or the runtime. */
function bucketOf(frame, lookup) {
  if (frame.url.endsWith("index.js")) {
    const source = lookup(frame.lineNumber, frame.columnNumber);
    if (!source) return "(bundle)";
    const app = /(?:^|\/)src\/(.+)$/.exec(source.replace(/\\/g, "/"));
    return app && !source.includes("node_modules") ? `src/${app[1]}` : packageOf(source);
  }
  if (frame.url.startsWith("cloudflare-internal:d1")) return "runtime: D1 binding";
  if (frame.url.startsWith("node-internal:internal_timers")) return "runtime: timers";
  if (["(idle)", "(garbage collector)", "(program)"].includes(frame.functionName)) return `runtime: ${frame.functionName}`;
  return null;
}

/**
 * CPU of the app isolate per kind of miss: V8's sampling profiler (over workerd's inspector)
 * while `connections` send misses for `seconds`. Each sample is charged to the nearest frame
 * that is the app's own code (its file: what that code and the libraries and runtime calls it
 * makes cost), else to the package or runtime part it is in.
 */
export async function cpuByFile(instance, kinds, { seconds, connections, map }) {
  const lookup = sourceLookup(map);
  const session = await openSession(await instance.inspectorUrl());
  const out = {};
  try {
    await session.send("Profiler.enable");
    await session.send("Profiler.setSamplingInterval", { interval: 500 });
    for (const kind of kinds) {
      if (!kind.path) continue;
      const ep = { path: kind.path, kind: "uncached" };
      await load(instance.origin, () => targetOf(ep), { seconds: 1, connections });
      await session.send("Profiler.start");
      const run = await load(instance.origin, () => targetOf(ep), { seconds, connections });
      const { profile } = await session.send("Profiler.stop");
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      const parent = new Map();
      for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
      const charged = new Map();
      const bucketFor = new Map();
      const bucketOfNode = (id) => {
        if (bucketFor.has(id)) return bucketFor.get(id);
        let fallback = null;
        let cur = id;
        let found = null;
        while (cur !== undefined) {
          const b = bucketOf(byId.get(cur).callFrame, lookup);
          if (b?.startsWith("src/")) {
            found = b;
            break;
          }
          fallback ??= b;
          cur = parent.get(cur);
        }
        const bucket = found ?? fallback ?? "runtime: other";
        bucketFor.set(id, bucket);
        return bucket;
      };
      let total = 0;
      profile.samples.forEach((id, i) => {
        const us = profile.timeDeltas[i] ?? 0;
        total += us;
        const b = bucketOfNode(id);
        charged.set(b, (charged.get(b) ?? 0) + us);
      });
      out[kind.key] = { label: kind.label, requests: run.total, totalMs: total / 1000, shares: Object.fromEntries([...charged].map(([b, us]) => [b, us / total])) };
    }
  } finally {
    await session.send("Profiler.disable").catch(() => {});
    session.close();
  }
  return out;
}

export function cpuTable(result, top = 14) {
  const kinds = Object.values(result);
  const totals = new Map();
  for (const k of kinds) for (const [b, share] of Object.entries(k.shares)) totals.set(b, (totals.get(b) ?? 0) + share);
  const buckets = [...totals].sort((a, b) => b[1] - a[1]).map(([b]) => b);
  const shown = buckets.slice(0, top);
  const head = `| where the isolate's time went (share of samples) | ${kinds.map((k) => k.label).join(" | ")} |`;
  const lines = [head, `|---|${kinds.map(() => "---").join("|")}|`];
  const pct = (x) => (x ? `${(100 * x).toFixed(0)}%` : "");
  for (const b of shown) lines.push(`| ${b} | ${kinds.map((k) => pct(k.shares[b])).join(" | ")} |`);
  lines.push(`| everything else | ${kinds.map((k) => pct(buckets.slice(top).reduce((n, b) => n + (k.shares[b] ?? 0), 0))).join(" | ")} |`);
  lines.push(`| isolate time per request, ms | ${kinds.map((k) => (k.totalMs / Math.max(1, k.requests)).toFixed(1)).join(" | ")} |`);
  return lines.join("\n");
}
