/**
 * The command line of `scripts/ad-sim-server.ts`: PvaPy's `pvapy-ad-sim-server` options, long and short
 * forms, parsed strictly with `node:util` parseArgs so that a mistyped option or value is an error naming it.
 *
 * @module
 */
import { OptionReader } from "../cli/args.ts";
import { LOG_OPTION_SPECS, type LogSettings, readLogSettings } from "../cli/log_options.ts";
import { parseArgs } from "node:util";
import {
  resolveSettings,
  SIM_DATATYPES,
  SIMULATOR_DEFAULTS,
  SimulatorOptionError,
  type SimulatorOptions,
  type SimulatorSettings,
} from "./options.ts";

type ValueKind = "text" | "number" | "integer" | "flag";

interface OptionSpec {
  /** PvaPy's short form (argparse allows several letters after one dash); ours may have none. */
  short?: string;
  kind: ValueKind;
  help: string;
  /** The setting it fills; none for options that are accepted without effect. */
  key?: keyof SimulatorSettings;
  /** Or the tool's own option it fills (status channel, HTTP API). */
  tool?: keyof SimulatorToolOptions;
}

/** What the tool serves beside the frames: its status PV and HTTP API. */
export interface SimulatorToolOptions {
  /** Status PV name (`--status-channel`); none by default. */
  statusChannel?: string;
  /** HTTP API address (`--http-host`, 127.0.0.1). */
  httpHost?: string;
  /** HTTP API port (`--http-port`; 0 picks one; none by default). */
  httpPort?: string;
  /** Bearer token file for the POST routes (`--http-token-file`). */
  httpTokenFile?: string;
}

/** Every option in PvaPy's order, by long name. */
const OPTIONS: Record<string, OptionSpec> = {
  "input-directory": {
    short: "id",
    kind: "text",
    key: "inputDirectory",
    help: "stream every .npy file of this directory (and raw files with --config-file), in name order",
  },
  "input-file": { short: "if", kind: "text", key: "inputFile", help: "stream this .npy (or raw) file" },
  "config-file": {
    short: "cfg",
    kind: "text",
    key: "configFile",
    help: "YAML description of raw binary input (file_info: datatype, width, height, ...)",
  },
  "frame-rate": { short: "fps", kind: "number", key: "frameRate", help: "frames per second; 0 = unpaced" },
  "n-x-pixels": { short: "nx", kind: "integer", key: "nx", help: "generated frame width" },
  "n-y-pixels": { short: "ny", kind: "integer", key: "ny", help: "generated frame height" },
  "color-mode": {
    short: "cm",
    kind: "integer",
    key: "colorMode",
    help: "0 mono [NX,NY], 2 RGB1 [3,NX,NY], 3 RGB2 [NX,3,NY], 4 RGB3 [NX,NY,3]",
  },
  datatype: { short: "dt", kind: "text", key: "datatype", help: `one of ${SIM_DATATYPES.join(", ")}` },
  minimum: {
    short: "mn",
    kind: "number",
    key: "minimum",
    help: "lowest generated value (default: the type's)",
  },
  maximum: {
    short: "mx",
    kind: "number",
    key: "maximum",
    help: "highest generated value (default: the type's)",
  },
  "n-frames": {
    short: "nf",
    kind: "integer",
    key: "nFrames",
    help: "distinct frames to generate or read; <= 0: all input frames, or cache-size generated ones",
  },
  "cache-size": {
    short: "cs",
    kind: "integer",
    key: "cacheSize",
    help: "distinct frames kept in memory; more frames than this are published once each, then the run ends",
  },
  runtime: { short: "rt", kind: "number", key: "runtime", help: "seconds of publishing; 0 = until Ctrl-C" },
  "channel-name": { short: "cn", kind: "text", key: "channelName", help: "PV name of the frames" },
  "notify-pv": {
    short: "npv",
    kind: "text",
    key: "notifyPv",
    help: "PV put to (over pvAccess) once the channel is served, e.g. 13PVA1:cam1:Acquire",
  },
  "notify-pv-value": { short: "nvl", kind: "text", key: "notifyPvValue", help: "value put to --notify-pv" },
  "metadata-pv": {
    short: "mpv",
    kind: "text",
    key: "metadataPv",
    help: "pva://NAME,... PVs {double value; time_t timeStamp} posted with every frame, stamped as the frame",
  },
  "start-delay": { short: "std", kind: "number", key: "startDelay", help: "seconds before the first frame" },
  "wait-for-subscribers": {
    short: "wfs",
    kind: "integer",
    key: "waitForSubscribers",
    help: "after the start delay, hold the first frame until this many monitors subscribed (0: no wait)",
  },
  "shutdown-delay": {
    short: "shd",
    kind: "number",
    key: "shutdownDelay",
    help: "seconds the channel stays up after the last frame",
  },
  "report-period": {
    short: "rp",
    kind: "integer",
    key: "reportPeriod",
    help: "print a line every N frames; <= 0: never",
  },
  "disable-curses": { short: "dc", kind: "flag", help: "accepted for PvaPy compatibility; no effect" },
  codec: {
    short: "cd",
    kind: "text",
    key: "codec",
    help: "compress frames: lz4, bslz4 or blosc (LZ4, byte shuffle), as NDPluginCodec does",
  },
  "status-channel": {
    short: "sc",
    kind: "text",
    tool: "statusChannel",
    help: "serve a status PV of what was published",
  },
  "http-host": { short: "hh", kind: "text", tool: "httpHost", help: "HTTP API address (default: 127.0.0.1)" },
  "http-port": {
    short: "hp",
    kind: "integer",
    tool: "httpPort",
    help: "serve the HTTP API on this port (0: any free one)",
  },
  "http-token-file": {
    short: "htf",
    kind: "text",
    tool: "httpTokenFile",
    help: "bearer token for the POST routes",
  },
  // The logging options every tool takes, in this parser's form.
  ...Object.fromEntries(LOG_OPTION_SPECS.map((o): [string, OptionSpec] => [o.long, {
    short: o.short,
    kind: "text",
    help: o.default === undefined ? o.help : `${o.help} (default: ${o.default})`,
  }])),
  help: { short: "h", kind: "flag", help: "this text" },
};

const BY_SHORT = new Map(
  Object.entries(OPTIONS).filter(([, spec]) => spec.short).map(([long, spec]) => [`-${spec.short}`, long]),
);

/** A command line the simulator cannot run; the tool prints the message and exits with status 2. */
export class SimulatorUsageError extends Error {
  /**
   * A usage error.
   * @param message what is wrong
   */
  constructor(message: string) {
    super(message);
    this.name = "SimulatorUsageError";
  }
}

/** The simulator's help text: every option, its short form, its default, and examples. */
export function simulatorHelp(): string {
  const rows = Object.entries(OPTIONS).map(([long, spec]) => {
    const name = `${spec.short ? `-${spec.short}, ` : ""}--${long}${spec.kind === "flag" ? "" : " VALUE"}`;
    const fallback = spec.key === undefined ? undefined : SIMULATOR_DEFAULTS[spec.key];
    const shown = fallback === undefined || fallback === null ? "" : ` (default: ${fallback})`;
    return `  ${name.padEnd(34)} ${spec.help}${shown}`;
  });
  return [
    "usage: ad-sim-server [OPTIONS]",
    "",
    "Simulated areaDetector: publishes NTNDArray frames at a set rate (PvaPy's pvapy-ad-sim-server).",
    "",
    "options:",
    ...rows,
    "",
    "examples:",
    "  ad-sim-server -cn sim:image -fps 100 -nx 1024 -ny 1024 -dt uint16 -rt 60 -std 0 -shd 2 -rp 100",
    "  ad-sim-server --input-file frames.npy --frame-rate 10 --runtime 0",
    "  ad-sim-server --input-file frames.raw --config-file frames.yaml",
  ].join("\n");
}

/** PvaPy's short forms become long ones, and each value is joined to its option (`--x=value`), so that a
 * negative number is read as a value, as argparse reads it. */
function normalize(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (!token.startsWith("-") || token === "-" || token === "--" || /^-\d/.test(token)) {
      out.push(token);
      continue;
    }
    const eq = token.indexOf("=");
    const name = eq < 0 ? token : token.slice(0, eq);
    const long = name.startsWith("--") ? name.slice(2) : BY_SHORT.get(name);
    const spec = long === undefined ? undefined : OPTIONS[long];
    if (long === undefined || spec === undefined) throw new SimulatorUsageError(`unknown option '${name}'`);
    if (eq >= 0 || spec.kind === "flag" || i + 1 >= argv.length) {
      out.push(`--${long}${token.slice(name.length)}`);
    } else out.push(`--${long}=${argv[++i]}`);
  }
  return out;
}

function convert(long: string, kind: ValueKind, text: string): string | number {
  if (kind === "text") return text;
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || (kind === "integer" && !Number.isInteger(n))) {
    throw new SimulatorOptionError(`--${long}`, text, kind === "integer" ? "an integer" : "a number");
  }
  return n;
}

/** A parsed command line: settings to run with, or help to print. */
export type SimulatorInvocation =
  | { settings: SimulatorSettings; tool: SimulatorToolOptions; log: LogSettings }
  | { help: string };

/**
 * Parses `ad-sim-server` arguments (without the program name).
 * @throws {SimulatorUsageError} for an unknown option, a missing value or a stray argument
 * @throws {SimulatorOptionError} for a value an option cannot take (naming the option and the value)
 * @example
 * ```ts
 * import { parseSimulatorArgs } from "./args.ts";
 * parseSimulatorArgs(["-fps", "100", "--datatype", "uint16"]); // { settings: { frameRate: 100, datatype: "uint16", ... } }
 * ```
 */
export function parseSimulatorArgs(argv: string[]): SimulatorInvocation {
  const options = Object.fromEntries(
    Object.entries(OPTIONS).map((
      [long, spec],
    ) => [long, { type: spec.kind === "flag" ? "boolean" : "string" }]),
  ) as Record<string, { type: "boolean" | "string" }>;
  let parsed;
  try {
    parsed = parseArgs({ args: normalize(argv), options, strict: true, allowPositionals: false });
  } catch (e) {
    if (!String((e as { code?: string }).code).startsWith("ERR_PARSE_ARGS")) throw e;
    throw new SimulatorUsageError((e as Error).message.split("\n")[0]);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return { help: simulatorHelp() };
  const given: Partial<Record<keyof SimulatorSettings, string | number>> = {};
  const tool: SimulatorToolOptions = {};
  for (const [long, spec] of Object.entries(OPTIONS)) {
    const text = values[long];
    if (typeof text !== "string") continue;
    if (spec.key !== undefined) given[spec.key] = convert(long, spec.kind, text);
    if (spec.tool !== undefined) tool[spec.tool] = String(convert(long, spec.kind, text));
  }
  let log: LogSettings;
  try {
    log = readLogSettings("ad-sim-server", new OptionReader("ad-sim-server", values));
  } catch (e) {
    throw new SimulatorUsageError((e as Error).message.replace(/^ad-sim-server: /, ""));
  }
  return { settings: resolveSettings(given as SimulatorOptions), tool, log };
}
