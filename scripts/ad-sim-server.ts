/**
 * `ad-sim-server`: a simulated areaDetector publishing NTNDArray frames, with the options of PvaPy's
 * `pvapy-ad-sim-server` (see `--help` and docs/simulator.md).
 *
 * ```sh
 * deno task sim -cn sim:image -fps 100 -nx 1024 -ny 1024 -rt 60 -std 0
 * ```
 * The first Ctrl-C (or SIGTERM) ends publishing and starts the shutdown delay; a second one ends that
 * too. Exit status: 0 done, 1 an input could not be streamed or publishing failed, 2 bad command line.
 * The network settings come from the EPICS_PVA* environment variables.
 *
 * @module
 */
import { configFromEnv, type Logger } from "../mod.ts";
import { toolLogger } from "../runtime/cli/log_options.ts";
import {
  FrameInputError,
  parseSimulatorArgs,
  Simulator,
  SimulatorOptionError,
  type SimulatorToolOptions,
  SimulatorUsageError,
} from "../runtime/simulator/mod.ts";
import { serveSimulatorStatus, type SimulatorServices } from "../runtime/simulator/status.ts";
import { onStopSignals } from "../runtime/cli/signals.ts";

/** Calls `first` on the first stop signal and `second` on the next; returns the un-listen. */
function onSignals(first: () => void, second: () => void): () => void {
  let count = 0;
  return onStopSignals(() => (count++ === 0 ? first : second)());
}

async function main(argv: string[]): Promise<number> {
  let sim: Simulator;
  let tool: SimulatorToolOptions;
  let logger: Logger;
  try {
    const inv = parseSimulatorArgs(argv);
    if ("help" in inv) {
      console.log(inv.help);
      return 0;
    }
    tool = inv.tool;
    logger = await toolLogger("ad-sim-server", inv.log);
    sim = new Simulator({
      ...inv.settings,
      config: configFromEnv(),
      logger,
      report: (line) => console.log(line),
    });
  } catch (e) {
    if (!(e instanceof SimulatorUsageError || e instanceof SimulatorOptionError)) throw e;
    console.error(`ad-sim-server: ${e.message} (see --help)`);
    return 2;
  }
  const unlisten = onSignals(() => sim.stopPublishing(), () => sim.stop());
  let services: SimulatorServices | undefined;
  try {
    await sim.start();
    services = await serveSimulatorStatus(sim, tool, logger);
    if (tool.statusChannel) console.log(`Status channel: ${tool.statusChannel}`);
    if (services.httpUrl) console.log(`HTTP API: ${services.httpUrl}api/status`);
    await sim.finished;
    return 0;
  } catch (e) {
    console.error(`ad-sim-server: ${e instanceof FrameInputError ? e.message : (e as Error).stack}`);
    await sim.stop().catch(() => {});
    return 1;
  } finally {
    await services?.close();
    unlisten();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
