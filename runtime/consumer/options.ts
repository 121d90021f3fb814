/**
 * The consumer's command line: every option of PvaPy's `pvapy-hpc-consumer` with its
 * names, short forms and defaults (metadata channels come later), plus pvastream's own
 * (processor sandbox, HTTP API, log format), read into one typed {@link ConsumerOptions}.
 *
 * @module
 */
import { GPU_ADAPTER_PREFERENCES, type GpuAdapterPreference } from "../processor/gpu/adapter.ts";
import { OptionReader, type OptionSpec, parseToolArgs, UsageError } from "../cli/args.ts";
import { parseIdList } from "../cli/ids.ts";
import { LOG_LEVELS, type LogLevel, parseLogLevel } from "../../protocol/log.ts";

/** How frames arrive: monitoring a remote channel, puts into our channel, or RPC calls to it. */
export type InputMode = "pva" | "pvas" | "rpc";
/** How outputs leave: hosted on our server, put to a remote channel, or sent by RPC. */
export type OutputMode = "pvas" | "pva" | "rpc";
/** Where a processor runs. */
export type Isolation = "worker" | "process";

/** Everything a consumer run is configured with. */
export interface ConsumerOptions {
  /** Consumer ids this invocation runs (one process each when more than one). */
  consumerIds: number[];
  inputChannel: string;
  inputMode: InputMode;
  outputChannel?: string;
  outputMode: OutputMode;
  statusChannel?: string;
  controlChannel?: string;
  idFormatSpec?: string;
  /** 0: the server's default queue; else `record[queueSize=N]`. */
  serverQueueSize: number;
  /** -1: take updates straight from the monitor; 0: unbounded queue; N: bounded, full rejects. */
  receiverQueueSize: number;
  /** Frames per processor call (batch); -1 or 0: one at a time. */
  accumulateObjects: number;
  /** Seconds after the last frame that a partial batch is processed anyway. */
  accumulationTimeout: number;
  processorFile?: string;
  processorClass?: string;
  processorArgs: Record<string, unknown>;
  /** Permission grants, e.g. "read=/data,net=host:port" (none by default). */
  processorPermissions: string[];
  processorIsolation: Isolation;
  /** Memory limit of a processor child process (process isolation). */
  processorMemoryMb: number;
  /** Hand compressed frames (NTNDArray codec lz4/bslz4/blosc) to the processor as they are. */
  keepCompressed: boolean;
  /** Seconds a processor may take on one call before it is terminated and restarted. */
  processorTimeLimit: number;
  /** The WebGPU adapter a processor granted `gpu` gets; undefined: the platform's default. */
  gpuAdapter?: GpuAdapterPreference;
  oidField: string;
  /** 0: derived from the distributor settings. */
  oidOffset: number;
  fieldRequest?: string;
  skipInitialUpdates: number;
  distributorPluginName: string;
  distributorGroup?: string;
  distributorSet?: string;
  distributorTrigger?: string;
  distributorUpdates?: number;
  distributorMode?: string;
  nDistributorSets: number;
  /** Seconds; 0 runs until stopped. */
  runtime: number;
  /** Seconds between status reports; 0: none printed (the status PV still updates every 10 s). */
  reportPeriod: number;
  reportStats: string[];
  logLevel: LogLevel;
  logFile?: string;
  logFormat: "text" | "json";
  httpHost: string;
  /** -1: no HTTP API; 0: a free port. */
  httpPort: number;
  httpTokenFile?: string;
}

/** PvaPy's consumer options, then ours. */
export const CONSUMER_OPTIONS: readonly OptionSpec[] = [
  { long: "help", short: "h", type: "boolean", help: "show this help and exit" },
  { long: "consumer-id", short: "id", type: "string", default: "1", help: "consumer id (first of several)" },
  {
    long: "n-consumers",
    short: "nc",
    type: "string",
    default: "1",
    help: "consumers to run, one process each",
  },
  {
    long: "consumer-id-list",
    short: "cid",
    type: "string",
    value: "LIST",
    help: 'ids as "1,2,5" or "range(first,last+1[,step])"; overrides --consumer-id and --n-consumers',
  },
  {
    long: "input-channel",
    short: "ic",
    type: "string",
    value: "NAME",
    help: "input channel (required); * becomes the consumer id",
  },
  {
    long: "input-mode",
    short: "im",
    type: "string",
    default: "pva",
    help: "pva (monitor), pvas (puts), rpc",
  },
  {
    long: "input-args",
    short: "ia",
    type: "string",
    value: "JSON",
    help: "accepted for PvaPy compatibility",
  },
  {
    long: "output-channel",
    short: "oc",
    type: "string",
    value: "NAME",
    help: "output channel; _ is pvapy:consumer:<id>:output, * the id",
  },
  {
    long: "output-mode",
    short: "om",
    type: "string",
    default: "pvas",
    help: "pvas (host it), pva (put), rpc",
  },
  {
    long: "output-args",
    short: "oa",
    type: "string",
    value: "JSON",
    help: "accepted for PvaPy compatibility",
  },
  {
    long: "status-channel",
    short: "sc",
    type: "string",
    value: "NAME",
    help: "status PV; _ is the default name",
  },
  {
    long: "control-channel",
    short: "cc",
    type: "string",
    value: "NAME",
    help: "control PV; _ is the default name",
  },
  {
    long: "id-format-spec",
    short: "ifs",
    type: "string",
    value: "SPEC",
    help: "format of ids in names, e.g. 02d",
  },
  {
    long: "server-queue-size",
    short: "sqs",
    type: "string",
    default: "0",
    help: "record[queueSize=N] on the monitor",
  },
  {
    long: "receiver-queue-size",
    short: "rqs",
    type: "string",
    default: "-1",
    help: "-1 process as received; 0 unbounded queue; N bounded",
  },
  {
    long: "accumulate-objects",
    short: "ao",
    type: "string",
    default: "-1",
    help: "frames per processor call",
  },
  {
    long: "accumulation-timeout",
    short: "at",
    type: "string",
    default: "1",
    help: "seconds before a partial batch",
  },
  { long: "processor-file", short: "pf", type: "string", value: "FILE.ts", help: "processor module" },
  { long: "processor-class", short: "pc", type: "string", value: "NAME", help: "named export of the module" },
  {
    long: "processor-args",
    short: "pa",
    type: "string",
    value: "JSON",
    help: "arguments given to configure()",
  },
  {
    long: "processor-permissions",
    type: "string",
    value: "GRANTS",
    help: "read=DIR,write=DIR,net=HOST:PORT,env=NAME,gpu (default: none)",
  },
  { long: "processor-isolation", type: "string", default: "worker", help: "worker or process" },
  { long: "processor-memory-mb", type: "string", default: "1024", help: "memory limit (process isolation)" },
  { long: "processor-time-limit", type: "string", default: "10", help: "seconds per call before a restart" },
  {
    long: "gpu-adapter",
    type: "string",
    value: "KIND",
    help: "WebGPU adapter for a processor granted gpu: high-performance, low-power or fallback",
  },
  {
    long: "keep-compressed",
    type: "boolean",
    help: "give the processor compressed frames as they come (default: decompressed first)",
  },
  { long: "oid-field", short: "of", type: "string", default: "uniqueId", help: "object id field" },
  {
    long: "oid-offset",
    short: "oo",
    type: "string",
    default: "0",
    help: "id step between updates; 0 derives it",
  },
  { long: "field-request", short: "fr", type: "string", value: "REQUEST", help: "fields to receive" },
  { long: "skip-initial-updates", short: "siu", type: "string", default: "1", help: "updates not processed" },
  {
    long: "distributor-plugin-name",
    short: "dpn",
    type: "string",
    default: "pydistributor",
    help: "distributor or pydistributor",
  },
  { long: "distributor-group", short: "dg", type: "string", value: "NAME", help: "distributor group" },
  { long: "distributor-set", short: "ds", type: "string", value: "NAME", help: "distributor set" },
  {
    long: "distributor-trigger",
    short: "dt",
    type: "string",
    value: "FIELD",
    help: "field telling updates apart",
  },
  {
    long: "distributor-updates",
    short: "du",
    type: "string",
    value: "N",
    help: "consecutive updates per client",
  },
  { long: "distributor-mode", type: "string", value: "MODE", help: "one or all" },
  { long: "n-distributor-sets", short: "nds", type: "string", default: "1", help: "distributor sets" },
  { long: "runtime", short: "rt", type: "string", default: "0", help: "seconds to run; 0 forever" },
  { long: "report-period", short: "rp", type: "string", default: "0", help: "seconds between reports" },
  {
    long: "report-stats",
    short: "rs",
    type: "string",
    default: "all",
    help: "receiver,publisher,queue,processor,user or all",
  },
  { long: "log-level", short: "ll", type: "string", default: "warn", help: LOG_LEVELS.join(", ") },
  { long: "log-file", short: "lf", type: "string", value: "FILE", help: "log file" },
  { long: "log-format", type: "string", default: "text", help: "text or json" },
  {
    long: "disable-curses",
    short: "dc",
    type: "boolean",
    help: "accepted; the status line shows on a TTY only",
  },
  { long: "http-host", type: "string", default: "127.0.0.1", help: "HTTP API address" },
  { long: "http-port", type: "string", default: "-1", help: "HTTP API port; 0 picks one; -1 none" },
  { long: "http-token-file", type: "string", value: "FILE", help: "bearer token for changes" },
];

const REPORT_STATS = ["receiver", "publisher", "queue", "processor", "user", "all"];

/**
 * Reads a consumer command line.
 * @throws UsageError naming the option at fault
 * @example
 * ```ts
 * import { parseConsumerArgs } from "./options.ts";
 * const o = parseConsumerArgs(["-ic", "pvapy:image", "-cid", "range(1,3)", "-du", "2"]);
 * o.consumerIds; // [1, 2]
 * ```
 */
export function parseConsumerArgs(argv: readonly string[]): ConsumerOptions | "help" {
  const tool = "consumer";
  const { values, positionals } = parseToolArgs(tool, CONSUMER_OPTIONS, argv);
  if (values.help === true) return "help";
  if (positionals.length > 0) throw new UsageError(`${tool}: unexpected argument "${positionals[0]}"`);
  const r = new OptionReader(tool, values);
  const int = (name: string, fallback: number, min = -Infinity) =>
    r.number(name, fallback, { integer: true, min });
  const idList = r.string("consumer-id-list");
  const firstId = int("consumer-id", 1, 0);
  const consumerIds = idList !== undefined
    ? parseIdList(idList)
    : Array.from({ length: int("n-consumers", 1, 1) }, (_, i) => firstId + i);
  const reportStats = r.string("report-stats", "all").split(",").map((s) => s.trim());
  for (const s of reportStats) {
    if (!REPORT_STATS.includes(s)) {
      throw new UsageError(`${tool}: --report-stats "${s}" is not one of ${REPORT_STATS.join(", ")}`);
    }
  }
  let logLevel: LogLevel;
  try {
    logLevel = parseLogLevel(
      r.string("log-level", "warn").replace(/^warning$/, "warn").replace(/^critical$/, "error"),
    );
  } catch (e) {
    throw new UsageError(`${tool}: --log-level: ${(e as Error).message}`);
  }
  const updates = r.string("distributor-updates");
  return {
    consumerIds,
    inputChannel: r.required("input-channel"),
    inputMode: r.choice("input-mode", ["pva", "pvas", "rpc"] as const, "pva"),
    outputChannel: r.string("output-channel"),
    outputMode: r.choice("output-mode", ["pvas", "pva", "rpc"] as const, "pvas"),
    statusChannel: r.string("status-channel"),
    controlChannel: r.string("control-channel"),
    idFormatSpec: r.string("id-format-spec"),
    serverQueueSize: int("server-queue-size", 0, 0),
    receiverQueueSize: int("receiver-queue-size", -1, -1),
    accumulateObjects: int("accumulate-objects", -1, -1),
    accumulationTimeout: r.number("accumulation-timeout", 1, { min: 0 }),
    processorFile: r.string("processor-file"),
    processorClass: r.string("processor-class"),
    processorArgs: r.jsonObject("processor-args"),
    processorPermissions: (r.string("processor-permissions") ?? "").split(",").filter((g) => g !== ""),
    processorIsolation: r.choice("processor-isolation", ["worker", "process"] as const, "worker"),
    processorMemoryMb: int("processor-memory-mb", 1024, 16),
    processorTimeLimit: r.number("processor-time-limit", 10, { min: 0.001 }),
    keepCompressed: r.flag("keep-compressed"),
    gpuAdapter: r.string("gpu-adapter") === undefined
      ? undefined
      : r.choice("gpu-adapter", GPU_ADAPTER_PREFERENCES, "high-performance"),
    oidField: r.string("oid-field", "uniqueId"),
    oidOffset: int("oid-offset", 0, 0),
    fieldRequest: r.string("field-request"),
    skipInitialUpdates: int("skip-initial-updates", 1, 0),
    distributorPluginName: r.choice(
      "distributor-plugin-name",
      ["pydistributor", "distributor"] as const,
      "pydistributor",
    ),
    distributorGroup: r.string("distributor-group"),
    distributorSet: r.string("distributor-set"),
    distributorTrigger: r.string("distributor-trigger"),
    distributorUpdates: updates === undefined ? undefined : int("distributor-updates", 1, 1),
    distributorMode: r.string("distributor-mode") === undefined
      ? undefined
      : r.choice("distributor-mode", ["one", "all"] as const, "one"),
    nDistributorSets: int("n-distributor-sets", 1, 1),
    runtime: r.number("runtime", 0, { min: 0 }),
    reportPeriod: r.number("report-period", 0, { min: 0 }),
    reportStats: reportStats.includes("all") ? REPORT_STATS.slice(0, -1) : reportStats,
    logLevel,
    logFile: r.string("log-file"),
    logFormat: r.choice("log-format", ["text", "json"] as const, "text"),
    httpHost: r.string("http-host", "127.0.0.1"),
    httpPort: int("http-port", -1, -1),
    httpTokenFile: r.string("http-token-file"),
  };
}
