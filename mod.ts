/**
 * pvastream: EPICS pvData and pvAccess in TypeScript for Deno.
 *
 * - pvData: types ({@link struct}, {@link scalar}, ...), values and their wire encoding;
 * - normative types: builders and readers such as {@link ntScalar} and {@link readNTNDArray};
 * - the pvAccess server: {@link PvaServer} hosting {@link SharedPV}s;
 * - the pvAccess client: {@link PvaClient} (get, put, monitor, rpc, info);
 * - the Channel Access client: {@link CaClient} (get, monitor), configured by {@link caConfigFromEnv};
 * - configuration from the EPICS_PVA* environment: {@link configFromEnv};
 * - processors: the contract ({@link Processor}, {@link Frame}) and the sandbox that runs them
 *   ({@link ProcessorHost}); see docs/processors.md.
 * - configuration from the EPICS_PVA* environment: {@link configFromEnv};
 * - areaDetector frame compression (lz4, bslz4, blosc): {@link decodeFrame} and {@link encodeFrame}.
 *
 * @example Host a PV and read it back
 * ```ts ignore
 * import { configFromEnv, ntScalar, PvaClient, PvaServer, SharedPV } from "./mod.ts";
 *
 * const pv = new SharedPV();
 * pv.open(ntScalar("float64", 21.5, { alarm: {}, timeStamp: {} }));
 * const server = new PvaServer({ config: configFromEnv() });
 * server.addPV("demo:temperature", pv);
 * await server.start();
 *
 * const client = new PvaClient();
 * const { value } = await client.get("demo:temperature");
 * console.log(value.value); // 21.5
 * pv.post({ value: 22 });
 * client.close();
 * server.close();
 * ```
 *
 * @module
 */
export * from "./protocol/pvdata/mod.ts";
export * from "./protocol/nt/mod.ts";
export * from "./protocol/pva/server/mod.ts";
export * from "./protocol/pva/client/mod.ts";
export {
  configFromEnv,
  DEFAULT_CONFIG,
  loopbackConfig,
  parseHostPort,
  type PvaConfig,
  type PvaConfigOverrides,
} from "./protocol/pva/config.ts";
export {
  DEFAULT_PVA_LIMITS,
  limitEnvName,
  limitsFromEnv,
  parseLimit,
  PvaLimitError,
  type PvaLimits,
} from "./protocol/pva/limits.ts";
export {
  createLogger,
  defaultLogger,
  LOG_LEVELS,
  type LogFields,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  parseLogLevel,
  silentLogger,
} from "./protocol/log.ts";
export * from "./protocol/ca/mod.ts";
export * from "./runtime/stats/mod.ts";
export * from "./runtime/status/mod.ts";
export * from "./runtime/control/mod.ts";
export * from "./runtime/http/mod.ts";
export {
  FrameInputError,
  METADATA_PV_TYPE,
  metadataValue,
  parseSimulatorArgs,
  resolveSettings,
  SIM_CODECS,
  SIM_COLOR_MODES,
  SIM_DATATYPES,
  type SimCodec,
  type SimColorMode,
  type SimDatatype,
  Simulator,
  SIMULATOR_DEFAULTS,
  simulatorHelp,
  type SimulatorInvocation,
  SimulatorOptionError,
  type SimulatorOptions,
  type SimulatorSettings,
  type SimulatorState,
  type SimulatorStats,
  type SimulatorToolOptions,
  SimulatorUsageError,
} from "./runtime/simulator/mod.ts";
export * from "./runtime/processor/mod.ts";
export {
  type AssociationOptions,
  MetadataAssociator,
  MetadataChannelError,
  type MetadataChannels,
  type MetadataChannelSpec,
  type MetadataClients,
  type MetadataProvider,
  type MetadataSettings,
  type MetadataTarget,
  type MetadataUpdate,
  parseMetadataChannels,
  secondsOf,
} from "./runtime/metadata/mod.ts";
export * from "./protocol/codecs/mod.ts";
export * from "./runtime/preview/mod.ts";
export {
  ChannelMapError,
  MirrorChannel,
  type MirrorChannelOptions,
  type MirrorEntry,
  mirrorHelp,
  type MirrorInvocation,
  type MirrorProvider,
  MirrorServer,
  type MirrorServerOptions,
  parseChannelMap,
  parseMirrorArgs,
  pvaUpstreams,
  type Upstream,
  type UpstreamEvent,
  type UpstreamFactory,
} from "./runtime/mirror/mod.ts";
export type { LogSettings } from "./runtime/cli/log_options.ts";
export {
  type Counts,
  parseWorkflow,
  type ParseWorkflowOptions,
  type ProcessAccount,
  runWorkflow,
  type RunWorkflowOptions,
  type SourceCheck,
  STAGE_KINDS,
  type StageAccount,
  type StageDistribution,
  type StageKind,
  type StageSpec,
  summaryLines,
  WorkflowError,
  type WorkflowSpec,
  WorkflowStartError,
  type WorkflowSummary,
  type YamlIssue,
} from "./runtime/workflow/mod.ts";
