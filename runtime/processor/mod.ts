/**
 * The processor contract and the sandbox that runs processors.
 *
 * - the contract: {@link Processor}, the {@link Frame} it receives, the {@link Output}s it
 *   returns, its declared statistics ({@link StatsDeclaration});
 * - frames from and to NTNDArray values without copying: {@link frameFromNTNDArray},
 *   {@link frameToNTNDArray};
 * - image geometry for processors that crop, bin, rotate or tile: {@link imageLayout},
 *   {@link copyPixels}, {@link replacePixels}; their arguments: {@link integerArg}, {@link choiceArg};
 * - the host that runs a processor in a Worker or a child process with only the granted
 *   permissions: {@link ProcessorHost}, {@link parsePermissions};
 * - the command-line options (`--processor-*`) and the one-line entry of a processor script:
 *   {@link processorHostOptions}, {@link processorMain}.
 *
 * @example Run a processor on one frame
 * ```ts ignore
 * import { frameFromNTNDArray, ntNDArray, ProcessorHost } from "../../mod.ts";
 *
 * const host = new ProcessorHost({ file: "processors/passthrough.ts" });
 * await host.start();
 * const frame = frameFromNTNDArray(ntNDArray({ data: new Uint8Array(16), dims: [4, 4] }));
 * const outputs = await host.process(frame);
 * await host.stop();
 * ```
 *
 * @module
 */
export type * from "./types.ts";
export { ProcessorError, type ProcessorErrorKind } from "./errors.ts";
export { dtypeOf, frameFromNTNDArray, frameToNTNDArray, isFrame } from "./frame.ts";
export {
  booleanArg,
  choiceArg,
  integerArg,
  type IntegerBounds,
  numberArg,
  ProcessorArgError,
} from "./args.ts";
export {
  contiguousLayout,
  copyPixels,
  type ImageLayout,
  imageLayout,
  ImageLayoutError,
  newPixels,
  type PixelMap,
  type PixelRegion,
  replacePixels,
  shiftMap,
} from "./image.ts";
export { checkStats, STAT_SCALAR_TYPES, userStatsType, zeroStats } from "./stats.ts";
export { outputList, OutputTypeGuard, outputTypeOf } from "./outputs.ts";
export {
  noPermissions,
  parsePermissions,
  permissionFlags,
  type SandboxPermissions,
  workerPermissions,
} from "./permissions.ts";
export {
  type HostCounters,
  type HostEvent,
  type Isolation,
  ProcessorHost,
  type ProcessorHostOptions,
} from "./host.ts";
export { PROCESSOR_CLI_OPTIONS, type ProcessorCliValues, processorHostOptions } from "./options.ts";
export { type ConsumerRun, processorMain, type ProcessorMainOptions } from "./main.ts";
export * from "./gpu/mod.ts";
