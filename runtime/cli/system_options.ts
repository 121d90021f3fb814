/**
 * The options the consumer and the collector share (PvaPy's `SystemController` options: own channels,
 * queues, processor, object id, reporting, logging) plus pvastream's (processor sandbox, HTTP API, log
 * format): one definition of each, picked by name into each tool's option table in PvaPy's order, and
 * one reader.
 *
 * @module
 */
import { GPU_ADAPTER_PREFERENCES, type GpuAdapterPreference } from "../processor/mod.ts";
import { type OptionReader, type OptionSpec, UsageError } from "./args.ts";
import { LOG_OPTION_SPECS, type LogSettings, readLogSettings } from "./log_options.ts";

/** Which tool the options are for: it names the default channels in the help. */
export type SystemKind = "consumer" | "collector";

/** Where a processor runs. */
export type Isolation = "worker" | "process";

/** The shared options, read. */
export interface SystemOptions extends LogSettings {
  /** Output channel template (`_` default name, `*` the id). */
  outputChannel?: string;
  /** Status PV template. */
  statusChannel?: string;
  /** Control PV template. */
  controlChannel?: string;
  /** Python format of ids in channel names, e.g. `02d`. */
  idFormatSpec?: string;
  /** 0: the server's default queue; else `record[queueSize=N]`. */
  serverQueueSize: number;
  /** -1: take updates straight from the monitor; 0: unbounded queue; N: bounded, full rejects. */
  receiverQueueSize: number;
  /** The processor module (pass-through when absent). */
  processorFile?: string;
  /** The module export to use. */
  processorClass?: string;
  /** The user's JSON arguments of `configure`. */
  processorArgs: Record<string, unknown>;
  /** Permission grants, e.g. "read=/data,net=host:port" (none by default). */
  processorPermissions: string[];
  /** Worker (default) or child process. */
  processorIsolation: Isolation;
  /** Memory limit of a processor child process (process isolation). */
  processorMemoryMb: number;
  /** Seconds a processor may take on one call before it is terminated and restarted. */
  processorTimeLimit: number;
  /** Hand compressed frames (NTNDArray codec lz4/bslz4/blosc) to the processor as they are. */
  keepCompressed: boolean;
  /** The object id field. */
  oidField: string;
  /** Fields to receive (the object id field is added). */
  fieldRequest?: string;
  /** Updates not processed at the start and after `reset_stats`. */
  skipInitialUpdates: number;
  /** Seconds; 0 runs until stopped. */
  runtime: number;
  /** Seconds between status reports; 0: none printed (the status PV still updates every 10 s). */
  reportPeriod: number;
  /** Statistics groups to report (accepted for PvaPy compatibility). */
  reportStats: string[];
  /** Address of the HTTP API. */
  httpHost: string;
  /** -1: no HTTP API; 0: a free port. */
  httpPort: number;
  /** Bearer token file for the POST routes. */
  httpTokenFile?: string;
  /** The WebGPU adapter a processor granted `gpu` gets; undefined: the platform's default. */
  gpuAdapter?: GpuAdapterPreference;
  /** Access rules file for the control and input channels (docs/access-rules.md). */
  accessRules?: string;
}

function channelSpecs(kind: SystemKind): OptionSpec[] {
  return [
    {
      long: "output-channel",
      short: "oc",
      type: "string",
      value: "NAME",
      help: `output channel; _ is pvapy:${kind}:<id>:output, * the id`,
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
  ];
}

const COMMON_SPECS: readonly OptionSpec[] = [
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
  { long: "field-request", short: "fr", type: "string", value: "REQUEST", help: "fields to receive" },
  { long: "skip-initial-updates", short: "siu", type: "string", default: "1", help: "updates not processed" },
  { long: "runtime", short: "rt", type: "string", default: "0", help: "seconds to run; 0 forever" },
  { long: "report-period", short: "rp", type: "string", default: "0", help: "seconds between reports" },
  {
    long: "report-stats",
    short: "rs",
    type: "string",
    default: "all",
    help: "receiver,publisher,queue,processor,user or all",
  },
  ...LOG_OPTION_SPECS,
  {
    long: "disable-curses",
    short: "dc",
    type: "boolean",
    help: "accepted; the status line shows on a TTY only",
  },
  { long: "http-host", type: "string", default: "127.0.0.1", help: "HTTP API address" },
  { long: "http-port", type: "string", default: "-1", help: "HTTP API port; 0 picks one; -1 none" },
  { long: "http-token-file", type: "string", value: "FILE", help: "bearer token for changes" },
  {
    long: "access-rules",
    type: "string",
    value: "FILE",
    help: "who may put to the control and input channels (docs/access-rules.md)",
  },
];

/**
 * The shared option definitions for `kind`, by long name, to place into a tool's table.
 * @example
 * ```ts
 * import { systemOptionSpecs } from "./system_options.ts";
 * systemOptionSpecs("collector").get("output-channel")?.help; // "output channel; _ is pvapy:collector:<id>:output, * the id"
 * ```
 */
export function systemOptionSpecs(kind: SystemKind): ReadonlyMap<string, OptionSpec> {
  return new Map([...channelSpecs(kind), ...COMMON_SPECS].map((s) => [s.long, s]));
}

const REPORT_STATS = ["receiver", "publisher", "queue", "processor", "user", "all"];

/**
 * Reads the shared options.
 * @param tool the tool's name, first word of every error
 * @param r the reader of the parsed command line
 * @throws UsageError naming the option at fault
 */
export function readSystemOptions(tool: string, r: OptionReader): SystemOptions {
  const int = (name: string, fallback: number, min = -Infinity) =>
    r.number(name, fallback, { integer: true, min });
  const reportStats = r.string("report-stats", "all").split(",").map((s) => s.trim());
  for (const s of reportStats) {
    if (!REPORT_STATS.includes(s)) {
      throw new UsageError(`${tool}: --report-stats "${s}" is not one of ${REPORT_STATS.join(", ")}`);
    }
  }
  const accessRules = r.string("access-rules");
  return {
    outputChannel: r.string("output-channel"),
    statusChannel: r.string("status-channel"),
    controlChannel: r.string("control-channel"),
    idFormatSpec: r.string("id-format-spec"),
    serverQueueSize: int("server-queue-size", 0, 0),
    receiverQueueSize: int("receiver-queue-size", -1, -1),
    processorFile: r.string("processor-file"),
    processorClass: r.string("processor-class"),
    processorArgs: r.jsonObject("processor-args"),
    // One spec, not split at commas: a bare item continues the previous key (read=/a,/b).
    processorPermissions: [r.string("processor-permissions") ?? ""].filter((g) => g !== ""),
    processorIsolation: r.choice("processor-isolation", ["worker", "process"] as const, "worker"),
    processorMemoryMb: int("processor-memory-mb", 1024, 16),
    processorTimeLimit: r.number("processor-time-limit", 10, { min: 0.001 }),
    keepCompressed: r.flag("keep-compressed"),
    ...(r.string("gpu-adapter") === undefined
      ? {}
      : { gpuAdapter: r.choice("gpu-adapter", GPU_ADAPTER_PREFERENCES, "high-performance") }),
    oidField: r.string("oid-field", "uniqueId"),
    fieldRequest: r.string("field-request"),
    skipInitialUpdates: int("skip-initial-updates", 1, 0),
    runtime: r.number("runtime", 0, { min: 0 }),
    reportPeriod: r.number("report-period", 0, { min: 0 }),
    reportStats: reportStats.includes("all") ? REPORT_STATS.slice(0, -1) : reportStats,
    ...readLogSettings(tool, r),
    ...(accessRules ? { accessRules } : {}),
    httpHost: r.string("http-host", "127.0.0.1"),
    httpPort: int("http-port", -1, -1),
    httpTokenFile: r.string("http-token-file"),
  };
}
