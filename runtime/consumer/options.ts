/**
 * The consumer's command line: every option of PvaPy's `pvapy-hpc-consumer` with its
 * names, short forms and defaults, plus pvastream's own (processor sandbox, HTTP API, log
 * format, metadata association), read into one typed {@link ConsumerOptions}.
 *
 * @module
 */
import { type OptionSpec, readToolOptions } from "../cli/args.ts";
import { parseIdList } from "../cli/ids.ts";
import { readSystemOptions, type SystemOptions, systemOptionSpecs } from "../cli/system_options.ts";
import { METADATA_OPTIONS, type MetadataSettings, readMetadataSettings } from "../metadata/options.ts";

/** How frames arrive: monitoring a remote channel, puts into our channel, or RPC calls to it. */
export type InputMode = "pva" | "pvas" | "rpc";
/** How outputs leave: hosted on our server, put to a remote channel, or sent by RPC. */
export type OutputMode = "pvas" | "pva" | "rpc";
export type { Isolation } from "../cli/system_options.ts";

/** Everything a consumer run is configured with. */
export interface ConsumerOptions extends SystemOptions {
  /** Consumer ids this invocation runs (one process each when more than one). */
  consumerIds: number[];
  inputChannel: string;
  inputMode: InputMode;
  outputMode: OutputMode;
  /** Frames per processor call (batch); -1 or 0: one at a time. */
  accumulateObjects: number;
  /** Seconds after the last frame that a partial batch is processed anyway. */
  accumulationTimeout: number;
  /** 0: derived from the distributor settings. */
  oidOffset: number;
  distributorPluginName: string;
  distributorGroup?: string;
  distributorSet?: string;
  distributorTrigger?: string;
  distributorUpdates?: number;
  distributorMode?: string;
  nDistributorSets: number;
  /** Metadata channels and their association with frames (`--metadata-*`). */
  metadata: MetadataSettings;
}

const SHARED = systemOptionSpecs("consumer");
/** The shared definition of option `long`. */
const shared = (long: string): OptionSpec => SHARED.get(long)!;

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
  shared("output-channel"),
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
  shared("status-channel"),
  shared("control-channel"),
  shared("id-format-spec"),
  shared("server-queue-size"),
  shared("receiver-queue-size"),
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
  shared("processor-file"),
  shared("processor-class"),
  shared("processor-args"),
  shared("processor-permissions"),
  shared("processor-isolation"),
  shared("processor-memory-mb"),
  shared("processor-time-limit"),
  shared("gpu-adapter"),
  shared("keep-compressed"),
  shared("oid-field"),
  {
    long: "oid-offset",
    short: "oo",
    type: "string",
    default: "0",
    help: "id step between updates; 0 derives it",
  },
  shared("field-request"),
  shared("skip-initial-updates"),
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
  ...METADATA_OPTIONS,
  shared("runtime"),
  shared("report-period"),
  shared("report-stats"),
  shared("log-level"),
  shared("log-file"),
  shared("log-format"),
  shared("disable-curses"),
  shared("http-host"),
  shared("http-port"),
  shared("http-token-file"),
  shared("access-rules"),
];

/**
 * Reads a consumer command line.
 * @throws UsageError naming the option at fault
 * @example
 * ```ts
 * import { parseConsumerArgs } from "./options.ts";
 * const o = parseConsumerArgs(["-ic", "pvapy:image", "-cid", "range(1,3)", "-du", "2"]);
 * o !== "help" && o.consumerIds; // [1, 2]
 * ```
 */
export function parseConsumerArgs(argv: readonly string[]): ConsumerOptions | "help" {
  const tool = "consumer";
  const r = readToolOptions(tool, CONSUMER_OPTIONS, argv);
  if (r === "help") return "help";
  const int = (name: string, fallback: number, min = -Infinity) =>
    r.number(name, fallback, { integer: true, min });
  const idList = r.string("consumer-id-list");
  const firstId = int("consumer-id", 1, 0);
  const consumerIds = idList !== undefined
    ? parseIdList(idList)
    : Array.from({ length: int("n-consumers", 1, 1) }, (_, i) => firstId + i);
  const updates = r.string("distributor-updates");
  return {
    ...readSystemOptions(tool, r),
    consumerIds,
    inputChannel: r.required("input-channel"),
    inputMode: r.choice("input-mode", ["pva", "pvas", "rpc"] as const, "pva"),
    outputMode: r.choice("output-mode", ["pvas", "pva", "rpc"] as const, "pvas"),
    accumulateObjects: int("accumulate-objects", -1, -1),
    accumulationTimeout: r.number("accumulation-timeout", 1, { min: 0 }),
    oidOffset: int("oid-offset", 0, 0),
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
    metadata: readMetadataSettings(tool, r),
  };
}
