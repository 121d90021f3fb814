/**
 * The main job (`deno task start`): workflows/default.yaml (a simulated detector, two consumers
 * sharing its frames through the server-side distributor and running the image-statistics processor
 * in their sandboxes, a collector putting their outputs back in order), run by the workflow runner.
 * The options change the simulator's rate and frame size, the runtime and the workflow page's port.
 *
 * Unless the EPICS_PVA* environment says otherwise, everything stays on this host.
 *
 * @module
 */
import { LOG_OPTION_SPECS, readLogSettings } from "../cli/log_options.ts";
import { helpText, OptionReader, type OptionSpec, parseToolArgs, UsageError } from "../cli/args.ts";
import { workflowMain } from "../workflow/main.ts";
import type { StageSpec, WorkflowSpec } from "../workflow/spec.ts";

const OPTIONS: readonly OptionSpec[] = [
  { long: "help", short: "h", type: "boolean", help: "show this help and exit" },
  { long: "runtime", short: "rt", type: "string", default: "0", help: "seconds to run; 0 until Ctrl-C" },
  { long: "frame-rate", short: "fps", type: "string", default: "100", help: "simulated frames per second" },
  { long: "n-x-pixels", short: "nx", type: "string", default: "512", help: "frame width" },
  { long: "n-y-pixels", short: "ny", type: "string", default: "512", help: "frame height" },
  { long: "http-port", type: "string", default: "8400", help: "the workflow page's port" },
  ...LOG_OPTION_SPECS,
];

const DEFAULT_WORKFLOW = new URL("../../workflows/default.yaml", import.meta.url).pathname;

/** Runs the main job on `argv`; resolves to the exit status. */
export async function runMainJob(argv: readonly string[]): Promise<number> {
  let change: (spec: WorkflowSpec) => void;
  let log: string[];
  try {
    const { values, positionals } = parseToolArgs("start", OPTIONS, argv);
    if (positionals.length > 0) throw new UsageError(`start: unexpected argument "${positionals[0]}"`);
    if (values.help === true) {
      console.log(
        helpText("start", "The main job: workflows/default.yaml run as a workflow.", OPTIONS, [
          "deno task start",
          "deno task start --runtime 30 --frame-rate 500 -nx 1024 -ny 1024",
          "deno task start --http-port 9400",
        ]),
      );
      return 0;
    }
    const r = new OptionReader("start", values);
    // Checked here, passed on to the workflow runner as given.
    readLogSettings("start", r);
    log = LOG_OPTION_SPECS.filter((o) => values[o.long] !== undefined).map((o) =>
      `--${o.long}=${values[o.long]}`
    );
    const runtime = r.number("runtime", 0, { min: 0 });
    const simulator = {
      "frame-rate": r.number("frame-rate", 100, { min: 0 }),
      "n-x-pixels": r.number("n-x-pixels", 512, { min: 1, integer: true }),
      "n-y-pixels": r.number("n-y-pixels", 512, { min: 1, integer: true }),
    };
    const httpPort = r.number("http-port", 8400, { min: 0, max: 65535, integer: true });
    change = (spec) => {
      spec.runtime = runtime;
      spec.httpPort = httpPort;
      for (const stage of spec.stages.filter((s) => s.kind === "simulator")) {
        // Only what was given: the file's values stand otherwise.
        for (const [name, value] of Object.entries(simulator)) {
          if (values[name] !== undefined) setOption(stage, name, String(value));
        }
      }
    };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(e.message);
    return 2;
  }
  return await workflowMain(["run", ...log, DEFAULT_WORKFLOW], change);
}

/** Gives `stage` the option `--name=value` in place of the file's. */
function setOption(stage: StageSpec, name: string, value: string): void {
  stage.argv = [...stage.argv.filter((a) => !a.startsWith(`--${name}=`)), `--${name}=${value}`];
}
