/**
 * Reads a V8 `.cpuprofile` (from `deno run --cpu-prof`) and prints the functions with the most
 * self time, and the share of the run spent idle, in garbage collection and in the program.
 * Usage: deno run --allow-read bench/stream/profile_top.ts <file.cpuprofile> [count] [fromSeconds] [toSeconds]
 * (the optional window, in seconds from the profile's start, leaves out start-up and shutdown).
 *
 * @module
 */

/** A node of a V8 CPU profile. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** A V8 CPU profile as `--cpu-prof` writes it. */
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self time per function (name and place), in microseconds, largest first; only samples
 * between `from` and `to` seconds after the profile's start when given.
 */
export function selfTimes(profile: CpuProfile, from = 0, to = Infinity): { where: string; micros: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let at = 0;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at < from * 1e6 || at > to * 1e6) return;
    const f = byId.get(id)!.callFrame;
    const file = f.url.replace(/^.*\/(bench|protocol|runtime|processors|scripts)\//, "$1/");
    const where = f.url ? `${f.functionName || "(anonymous)"} ${file}:${f.lineNumber + 1}` : f.functionName;
    totals.set(where, (totals.get(where) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return [...totals].map(([where, micros]) => ({ where, micros })).sort((a, b) => b.micros - a.micros);
}

if (import.meta.main) {
  const [file, count = "30", from = "0", to = "Infinity"] = Deno.args;
  const rows = selfTimes(JSON.parse(await Deno.readTextFile(file)), Number(from), Number(to));
  const total = rows.reduce((s, r) => s + r.micros, 0);
  for (const r of rows.slice(0, Number(count))) {
    console.log(
      `${(100 * r.micros / total).toFixed(1).padStart(5)}%  ${
        (r.micros / 1000).toFixed(0).padStart(6)
      } ms  ${r.where}`,
    );
  }
}
