/**
 * `deno task bench:stream`: the streaming pipeline measured side by side with PvaPy (issue 9).
 * Prints the table, writes `bench/results/stream-<time>.json` and `.svg`. See docs/performance.md.
 *
 * @module
 */
import { requirePeers } from "../../tests/interop/peers.ts";
import { parseStreamBenchArgs, STREAM_BENCH_HELP, StreamBenchUsageError } from "./options.ts";
import { reportSvg } from "./plot.ts";
import { runStreamBench } from "./run.ts";
import { reportTable } from "./table.ts";

async function main(argv: string[]): Promise<number> {
  let opts;
  try {
    opts = parseStreamBenchArgs(argv);
  } catch (e) {
    if (!(e instanceof StreamBenchUsageError)) throw e;
    console.error(e.message);
    return 2;
  }
  if (opts === "help") {
    console.log(STREAM_BENCH_HELP);
    return 0;
  }
  if (!requirePeers("bench:stream (PvaPy's tools run cases A, C and D)")) return 1;
  const report = await runStreamBench(opts, (line) => console.error(line));
  console.log(reportTable(report).join("\n"));
  await Deno.mkdir(opts.outDir, { recursive: true });
  const stem = `${opts.outDir.replace(/\/?$/, "/")}stream-${report.started.replace(/[:.]/g, "-")}`;
  await Deno.writeTextFile(`${stem}.json`, JSON.stringify(report, null, 2) + "\n");
  await Deno.writeTextFile(`${stem}.svg`, reportSvg(report));
  console.log(`\nWritten: ${stem}.json, ${stem}.svg`);
  return 0;
}

if (import.meta.main) Deno.exitCode = await main(Deno.args);
