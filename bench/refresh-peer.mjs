// Our refresh and another aggregator's, run in turns on the same feed files, so the noise of a
// shared machine falls on both; medians per pass. The other aggregator is reached only through
// the command given (its own benchmark), whose markdown rows `| label | feeds | wall s | ...`
// are read from its output.
import { spawn } from "node:child_process";
import { median } from "./stats.mjs";

/** Runs a shell command, its stderr passed through; resolves with its stdout. */
function runCommand(command) {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", command], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`peer command exited with ${code}`))));
  });
}

/** Rows `| label | count | seconds | ...` of a markdown table: label -> wall seconds. */
export function peerRows(markdown) {
  const rows = {};
  for (const line of markdown.split("\n")) {
    const m = /^\|\s*([\w-]+)\s*\|\s*\d+\s*\|\s*([\d.]+)\s*\|/.exec(line);
    if (m) rows[m[1]] = Number(m[2]);
  }
  return rows;
}

/**
 * @param {{ runs: number, peer?: string, ours: (log: (s: string) => void) => Promise<{ passes: { label: string, wallMs: number, asExpected: boolean }[] }>, log: (s: string) => void }} opts
 */
export async function sideBySide({ runs, peer, ours, log }) {
  const peerRuns = [];
  const ourRuns = [];
  for (let i = 1; i <= runs; i++) {
    if (peer) {
      log(`run ${i}/${runs}: peer`);
      const rows = peerRows(await runCommand(peer));
      log(`    ${JSON.stringify(rows)}`);
      peerRuns.push(rows);
    }
    log(`run ${i}/${runs}: ours`);
    const result = await ours(log);
    const bad = result.passes.filter((p) => !p.asExpected);
    if (bad.length) throw new Error(`passes not as expected: ${bad.map((p) => p.label).join(", ")}`);
    ourRuns.push(
      result.passes.map((p) => ({
        label: p.label, wallS: p.wallMs / 1000, runtimeCpuS: p.runtimeCpuMs === null ? null : p.runtimeCpuMs / 1000,
        d1StatementsPerSource: p.d1StatementsPerSource, d1CallsPerSource: p.d1CallsPerSource, sourceMsTotal: p.sourceMsTotal,
      })),
    );
  }
  const summary = ourRuns[0].map((p, k) => {
    const wall = median(ourRuns.map((r) => r[k].wallS));
    const peerLabel = Object.keys(peerRuns[0] ?? {})[k];
    const peerWall = peerLabel ? median(peerRuns.map((r) => r[peerLabel])) : null;
    const cpu = ourRuns.map((r) => r[k].runtimeCpuS).filter((x) => x !== null);
    return { pass: p.label, ours: ourRuns.map((r) => r[k].wallS), oursMedian: wall, oursCpuMedian: cpu.length ? median(cpu) : null, peer: peerLabel ? peerRuns.map((r) => r[peerLabel]) : null, peerMedian: peerWall, ratio: peerWall ? wall / peerWall : null };
  });
  log("\n| pass | peer median s | ours median s | ratio | ours runs | peer runs | ours runtime CPU s (median) |\n|---|---|---|---|---|---|---|");
  for (const s of summary) {
    log(
      `| ${s.pass} | ${s.peerMedian?.toFixed(2) ?? "-"} | ${s.oursMedian.toFixed(2)} | ${s.ratio?.toFixed(3) ?? "-"} | ${s.ours.map((x) => x.toFixed(2)).join(", ")} | ` +
        `${s.peer?.map((x) => x.toFixed(2)).join(", ") ?? "-"} | ${s.oursCpuMedian?.toFixed(2) ?? "-"} |`,
    );
  }
  return { runs, peerRuns, ourRuns, summary };
}
