/**
 * The areaDetector simulator (PvaPy's `pvapy-ad-sim-server` on pvastream): {@link Simulator} publishes
 * NTNDArray frames, generated or read from .npy and raw files, at a set rate, and reports what it
 * published as {@link SimulatorStats}. `scripts/ad-sim-server.ts` is its command line.
 *
 * @example
 * ```ts ignore
 * import { Simulator } from "./mod.ts";
 * const sim = new Simulator({ channelName: "sim:image", frameRate: 50, nx: 512, ny: 512, runtime: 10 });
 * await sim.start();
 * console.log(await sim.finished);
 * ```
 *
 * @module
 */
export { Simulator } from "./simulator.ts";
export type { SimulatorState, SimulatorStats } from "./stats.ts";
export {
  resolveSettings,
  SIM_CODECS,
  SIM_COLOR_MODES,
  SIM_DATATYPES,
  type SimCodec,
  type SimColorMode,
  type SimDatatype,
  SIMULATOR_DEFAULTS,
  SimulatorOptionError,
  type SimulatorOptions,
  type SimulatorSettings,
} from "./options.ts";
export {
  parseSimulatorArgs,
  simulatorHelp,
  type SimulatorInvocation,
  type SimulatorToolOptions,
  SimulatorUsageError,
} from "./args.ts";
export { type Frame, FrameInputError, type FrameSource } from "./frame.ts";
export { FRAME_DESCRIPTOR, type PublishOutcome } from "./publisher.ts";
export { METADATA_PV_TYPE, metadataValue } from "./metadata_pvs.ts";
