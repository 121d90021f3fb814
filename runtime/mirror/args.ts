/**
 * The command line of `scripts/mirror.ts`: PvaPy's `pvapy-mirror-server` options (`-cm/--channel-map`,
 * `-rt/--runtime`, `-rp/--report-period`, `-h`) plus the runtime's `--http-*` options, parsed
 * strictly: an unknown option, a bad number or a bad channel-map entry is an error naming it.
 *
 * @module
 */
import { helpText, OptionReader, type OptionSpec, parseToolArgs, UsageError } from "../cli/args.ts";
import { LOG_OPTION_SPECS, type LogSettings, readLogSettings } from "../cli/log_options.ts";
import { type HttpSettings, httpSettings } from "../http/mod.ts";
import { ChannelMapError, type MirrorEntry, parseChannelMap } from "./channel_map.ts";

const TOOL = "mirror";

const SPECS: readonly OptionSpec[] = [
  { long: "help", short: "h", type: "boolean", help: "show this help and exit" },
  {
    long: "channel-map",
    short: "cm",
    type: "string",
    value: "MAP",
    help: "(mirror,source[,provider][,queueSize[,nMonitors,fieldRequest]]),(...); provider pva or ca " +
      "(pva); queueSize >= 0 (0 = the source server's default); nMonitors >= 1 monitors sharing the " +
      "source through a distributor fieldRequest such as _[pydistributor=updates:1;trigger:uniqueId]",
  },
  {
    long: "runtime",
    short: "rt",
    type: "string",
    value: "SECONDS",
    default: "0",
    help: "seconds to run; <= 0 runs until interrupted",
  },
  {
    long: "report-period",
    short: "rp",
    type: "string",
    value: "SECONDS",
    default: "0",
    help: "seconds between per-channel reports; <= 0 reports only at the end",
  },
  { long: "http-port", type: "string", value: "N", help: "serve the HTTP API on port N (0 = any free port)" },
  { long: "http-host", type: "string", value: "ADDR", default: "127.0.0.1", help: "address of the HTTP API" },
  { long: "http-token-file", type: "string", value: "FILE", help: "bearer token for the POST routes" },
  ...LOG_OPTION_SPECS,
];

/** What the command line asks for. */
export type MirrorInvocation =
  | { help: string }
  | {
    /** The parsed channel map. */
    channels: MirrorEntry[];
    /** Seconds to run (0 = until interrupted). */
    runtime: number;
    /** Seconds between reports (0 = only at the end). */
    reportPeriod: number;
    /** The HTTP API, or null without `--http-port`. */
    http: HttpSettings | null;
  } & LogSettings;

/** The help text. */
export function mirrorHelp(): string {
  return helpText(
    TOOL,
    "Re-serves remote pvAccess (or Channel Access) channels on a local pvAccess server.",
    SPECS,
    [
      'deno task mirror -cm "(mirror:image,sim:image)" -rp 5',
      'deno task mirror -cm "(m:image,sim:image,pva,100,2,_[pydistributor=updates:1;trigger:uniqueId])"',
      'deno task mirror -cm "(m:temperature,ioc:temperature,ca)" --http-port 8080',
    ],
  );
}

/**
 * Parses the mirror's command line. Negative runtime and report period mean "none", as in PvaPy.
 * @throws UsageError naming the option (or the channel-map entry) that is wrong
 * @example
 * ```ts
 * import { parseMirrorArgs } from "./args.ts";
 * const inv = parseMirrorArgs(["-cm", "(m:x,src:x)", "-rt", "10"]);
 * "channels" in inv && inv.channels[0].source; // "src:x"
 * ```
 */
export function parseMirrorArgs(argv: readonly string[]): MirrorInvocation {
  const { values, positionals } = parseToolArgs(TOOL, SPECS, argv);
  if (positionals.length > 0) throw new UsageError(`${TOOL}: unexpected argument "${positionals[0]}"`);
  const read = new OptionReader(TOOL, values);
  if (read.flag("help")) return { help: mirrorHelp() };
  const map = read.required("channel-map");
  let channels: MirrorEntry[];
  try {
    channels = parseChannelMap(map);
  } catch (e) {
    if (e instanceof ChannelMapError) throw new UsageError(`${TOOL}: --channel-map: ${e.message}`);
    throw e;
  }
  let http: HttpSettings | null;
  try {
    http = httpSettings({
      "http-port": read.string("http-port"),
      "http-host": read.string("http-host"),
      "http-token-file": read.string("http-token-file"),
    });
  } catch (e) {
    throw new UsageError(`${TOOL}: ${(e as Error).message}`);
  }
  return {
    channels,
    runtime: Math.max(0, read.number("runtime", 0)),
    reportPeriod: Math.max(0, read.number("report-period", 0)),
    http,
    ...readLogSettings(TOOL, read),
  };
}
