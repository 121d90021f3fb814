/**
 * The collector's command line: every option of PvaPy's `pvapy-hpc-collector` with its names, short
 * forms and defaults, plus pvastream's own (processor sandbox, HTTP API, log format, idle time), the
 * options it shares with the consumer defined once (runtime/cli/system_options.ts).
 *
 * @module
 */
import { METADATA_OPTIONS, type MetadataSettings, readMetadataSettings } from "../metadata/options.ts";
import { type OptionSpec, readToolOptions, UsageError } from "../cli/args.ts";
import { parseIdList } from "../cli/ids.ts";
import { readSystemOptions, type SystemOptions, systemOptionSpecs } from "../cli/system_options.ts";

/** Everything a collector run is configured with. */
export interface CollectorOptions extends SystemOptions {
  /** The collector's id (in its default channel names). */
  collectorId: number;
  /** The producers, in the order given. */
  producerIds: number[];
  /** Input channel template: `*` becomes each producer's formatted id. */
  inputChannel: string;
  /** Updates cached before a release; -1: 10 per producer; never below the producer count. */
  collectorCacheSize: number;
  /** Expected id step between collected updates, passed to the processor (PvaPy's default 1). */
  oidOffset: number;
  /** Seconds without a change after which one run is released from a cache that is not full. */
  collectorIdleTime: number;
  /** Metadata channels and their association with collected frames (`--metadata-*`). */
  metadata: MetadataSettings;
}

const SHARED = systemOptionSpecs("collector");
/** The shared definition of option `long`. */
const shared = (long: string): OptionSpec => SHARED.get(long)!;

/** PvaPy's collector options in its order, then ours. */
export const COLLECTOR_OPTIONS: readonly OptionSpec[] = [
  { long: "help", short: "h", type: "boolean", help: "show this help and exit" },
  {
    long: "collector-id",
    short: "id",
    type: "string",
    default: "1",
    help: "collector id (names its channels)",
  },
  {
    long: "producer-id-list",
    short: "pid",
    type: "string",
    default: "1,2",
    help: 'producer ids as "1,2,5" or "range(first,last+1[,step])"',
  },
  {
    long: "input-channel",
    short: "ic",
    type: "string",
    value: "NAME",
    help: "input channel template (required); * becomes each producer id",
  },
  shared("output-channel"),
  shared("status-channel"),
  shared("control-channel"),
  shared("id-format-spec"),
  shared("server-queue-size"),
  shared("receiver-queue-size"),
  {
    long: "collector-cache-size",
    short: "ccs",
    type: "string",
    default: "-1",
    help: "updates cached before a release; -1 is 10 per producer, at least the producer count",
  },
  shared("processor-file"),
  shared("processor-class"),
  shared("processor-args"),
  shared("oid-field"),
  { long: "oid-offset", short: "oo", type: "string", default: "1", help: "id step between updates" },
  shared("field-request"),
  shared("skip-initial-updates"),
  ...METADATA_OPTIONS,
  shared("runtime"),
  shared("report-period"),
  shared("report-stats"),
  shared("log-level"),
  shared("log-file"),
  shared("disable-curses"),
  {
    long: "collector-idle-time",
    type: "string",
    default: "5",
    help: "seconds without a change before a cache that is not full releases one run",
  },
  shared("processor-permissions"),
  shared("processor-isolation"),
  shared("processor-memory-mb"),
  shared("processor-time-limit"),
  shared("gpu-adapter"),
  shared("keep-compressed"),
  shared("log-format"),
  shared("http-host"),
  shared("http-port"),
  shared("http-token-file"),
  shared("access-rules"),
];

/**
 * Reads a collector command line.
 * @throws UsageError naming the option at fault
 * @example
 * ```ts
 * import { parseCollectorArgs } from "./options.ts";
 * const o = parseCollectorArgs(["-ic", "pvapy:consumer:*:output", "-pid", "range(1,4)"]);
 * o === "help" ? [] : o.producerIds; // [1, 2, 3]
 * ```
 */
export function parseCollectorArgs(argv: readonly string[]): CollectorOptions | "help" {
  const tool = "collector";
  const r = readToolOptions(tool, COLLECTOR_OPTIONS, argv);
  if (r === "help") return "help";
  const producerIds = parseIdList(r.string("producer-id-list", "1,2"));
  if (new Set(producerIds).size !== producerIds.length) {
    throw new UsageError(`${tool}: --producer-id-list names a producer twice: ${producerIds.join(",")}`);
  }
  return {
    ...readSystemOptions(tool, r),
    collectorId: r.number("collector-id", 1, { integer: true, min: 0 }),
    producerIds,
    inputChannel: r.required("input-channel"),
    collectorCacheSize: r.number("collector-cache-size", -1, { integer: true }),
    oidOffset: r.number("oid-offset", 1, { integer: true, min: 0 }),
    collectorIdleTime: r.number("collector-idle-time", 5, { min: 0.001 }),
    metadata: readMetadataSettings(tool, r),
  };
}
