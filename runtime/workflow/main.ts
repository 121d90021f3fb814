/**
 * The workflow tool: `workflow run FILE.yaml` checks the file, runs it, prints every stage's output
 * prefixed with its name and, at the end, the end-to-end accounting.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { helpText, OptionReader, type OptionSpec, parseToolArgs, UsageError } from "../cli/args.ts";
import { LOG_OPTION_SPECS, type LogSettings, readLogSettings, toolLogger } from "../cli/log_options.ts";
import { onStopSignals } from "../cli/signals.ts";
import { runWorkflow, WorkflowStartError } from "./runner.ts";
import { summaryLines, type WorkflowSummary } from "./summary.ts";
import { parseWorkflow, WorkflowError } from "./validate.ts";
import type { WorkflowSpec } from "./spec.ts";

const OPTIONS: readonly OptionSpec[] = [
  { long: "help", short: "h", type: "boolean", help: "show this help and exit" },
  { long: "summary-file", type: "string", value: "FILE", help: "also write the summary as JSON to FILE" },
  { long: "check", type: "boolean", help: "check the file and print the start order; start nothing" },
  ...LOG_OPTION_SPECS,
];

const ABOUT = "Runs a workflow: the simulators, consumers, collectors and mirrors a YAML file describes " +
  "(docs/workflows.md).";
const EXAMPLES = ["workflow run workflows/default.yaml", "workflow run --check workflows/mirror_chain.yaml"];

/** What a workflow run changes in its file's settings (the `deno task start` options). */
export type WorkflowOverrides = (spec: WorkflowSpec) => void;

/**
 * Runs the workflow tool on `argv`; resolves to the exit status: 0 when every stage ended well, 1 when a
 * stage failed or did not come up, 2 for a wrong command line or workflow file.
 */
export async function workflowMain(argv: readonly string[], override?: WorkflowOverrides): Promise<number> {
  let file: string;
  let values: Record<string, string | boolean | undefined>;
  let log: LogSettings;
  try {
    const parsed = parseToolArgs("workflow", OPTIONS, argv);
    values = parsed.values;
    if (values.help === true) {
      console.log(helpText("workflow run FILE.yaml", ABOUT, OPTIONS, EXAMPLES));
      return 0;
    }
    const [command, path, ...rest] = parsed.positionals;
    if (command !== "run" || path === undefined || rest.length > 0) {
      throw new UsageError("workflow: usage: workflow run FILE.yaml (see --help)");
    }
    file = path;
    log = readLogSettings("workflow", new OptionReader("workflow", values));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(e.message);
    return 2;
  }
  let spec: WorkflowSpec;
  try {
    spec = parseWorkflow(await Deno.readTextFile(file), { file });
    override?.(spec);
  } catch (e) {
    if (e instanceof WorkflowError) console.error(e.message);
    else if (e instanceof Deno.errors.NotFound) console.error(`workflow: no file ${file}`);
    else throw e;
    return 2;
  }
  if (values.check === true) {
    for (const s of spec.stages) {
      console.log(`${s.name} (${s.kind})${s.dependsOn.length ? ` after ${s.dependsOn.join(", ")}` : ""}`);
    }
    return 0;
  }
  const stop = new AbortController();
  const unlisten = onStopSignals(() => stop.abort());
  let summary: WorkflowSummary;
  try {
    summary = await runWorkflow(spec, {
      signal: stop.signal,
      logger: await toolLogger("workflow", log),
      // Paths in the file (processor files, input files) are relative to the file.
      cwd: dirname(resolve(file)),
    });
  } catch (e) {
    if (!(e instanceof WorkflowStartError)) throw e;
    console.error(`workflow: ${e.message}`);
    return 1;
  } finally {
    unlisten();
  }
  for (const line of summaryLines(summary)) console.log(line);
  if (typeof values["summary-file"] === "string") {
    await Deno.writeTextFile(values["summary-file"], JSON.stringify(summary, null, 2) + "\n");
  }
  // A stage stopped by the runner exits 0 (or 143 when SIGTERM ended it before its handler was set).
  return summary.stages.every((s) => s.exitCode === 0 || s.exitCode === 143) ? 0 : 1;
}
