/**
 * The client target in its own process, so that a crash of the client is seen (the process dies
 * without printing its report) and its CPU use does not delay the runner's reading of the p4p
 * monitor. Run as a script it fuzzes and prints its report as the last line of standard output;
 * imported, {@link runClientChild} starts it and returns that report.
 *
 * @module
 */
import { fuzzClient } from "./client_target.ts";
import { loadCorpus } from "./corpus.ts";
import { Rng } from "./rng.ts";
import { fail, newReport, type TargetReport } from "./stats.ts";

const DENO_JSON = new URL("../../deno.json", import.meta.url);

/**
 * Runs the client target in a child process with `seed` and a budget of `messages`.
 * @example
 * ```ts ignore
 * const report = await runClientChild(7, 20_000);
 * ```
 */
export async function runClientChild(seed: number, messages: number): Promise<TargetReport> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    // Loopback only: a mutated search reply must not send the client anywhere else.
    args: [
      "run",
      "--allow-net=127.0.0.1,0.0.0.0",
      "--allow-env",
      "--allow-read",
      "--allow-sys",
      `--config=${DENO_JSON.pathname}`,
      new URL(import.meta.url).pathname,
      String(seed),
      String(messages),
    ],
    stdin: "null",
  }).output();
  const lines = new TextDecoder().decode(stdout).trim().split("\n");
  const warnings = new TextDecoder().decode(stderr).trim().split("\n").filter((l) => l !== "");
  let report: TargetReport;
  try {
    report = JSON.parse(lines.at(-1) ?? "");
  } catch {
    report = newReport("client");
    fail(
      report,
      `the client process ended (exit ${code}) without its report:\n${warnings.slice(-20).join("\n")}`,
    );
    return report;
  }
  if (code !== 0) fail(report, `the client process exited with ${code}`);
  // The client writes server warnings (Status warnings, duplicate PVs) to the console itself.
  report.extra.clientConsoleLines = warnings.length;
  return report;
}

if (import.meta.main) {
  const [seed, messages] = Deno.args.map(Number);
  const report = newReport("client");
  await fuzzClient(new Rng(seed), { sessions: loadCorpus().toClient, messages }, report);
  console.log(JSON.stringify(report));
}
