/**
 * The simulator's settings: PvaPy's `pvapy-ad-sim-server` options under their PvaPy names (camel-cased),
 * with PvaPy's defaults, checked once so that the rest of the simulator trusts them.
 *
 * @module
 */
import type { Logger, PvaConfig, PvaServer } from "../../mod.ts";
import { metadataPvNames } from "./metadata_pvs.ts";

/** The pixel types the simulator generates and reads (PvaPy's list). */
export const SIM_DATATYPES = [
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "float32",
  "float64",
] as const;

/** One of {@link SIM_DATATYPES}. */
export type SimDatatype = typeof SIM_DATATYPES[number];

/**
 * areaDetector color modes the simulator publishes: 0 mono [nx, ny], 2 RGB1 [3, nx, ny],
 * 3 RGB2 [nx, 3, ny], 4 RGB3 [nx, ny, 3] (dimension 0 varies fastest).
 */
export const SIM_COLOR_MODES = [0, 2, 3, 4] as const;

/** One of {@link SIM_COLOR_MODES}. */
export type SimColorMode = typeof SIM_COLOR_MODES[number];

/** What a {@link SimulatorOptions} field holds once defaults are applied and values checked. */
export interface SimulatorSettings {
  /** PV name of the frames (PvaPy `--channel-name`). */
  channelName: string;
  /** Frames per second; 0 publishes as fast as subscribers take them (`--frame-rate`). */
  frameRate: number;
  /** Generated frame width (`--n-x-pixels`). */
  nx: number;
  /** Generated frame height (`--n-y-pixels`). */
  ny: number;
  /** Generated pixel type (`--datatype`). */
  datatype: SimDatatype;
  /** Color mode (`--color-mode`); for input files it says how each frame's axes are laid out. */
  colorMode: SimColorMode;
  /** Lowest generated value; default the datatype's lowest (float32's for floats) (`--minimum`). */
  minimum: number | null;
  /** Highest generated value; default the datatype's highest (float32's for floats) (`--maximum`). */
  maximum: number | null;
  /**
   * Distinct frames to generate or to take from the input; 0 or less: all input frames, or
   * `cacheSize` generated frames (`--n-frames`).
   */
  nFrames: number;
  /**
   * Distinct frames kept in memory (`--cache-size`). When more distinct frames are asked for, each is
   * made when due, published once, and publishing ends after the last one (as in PvaPy).
   */
  cacheSize: number;
  /** Directory whose input files are streamed, in name order (`--input-directory`). */
  inputDirectory: string | null;
  /** One input file (`--input-file`). */
  inputFile: string | null;
  /** YAML description of raw binary input files (`--config-file`, see docs/simulator.md). */
  configFile: string | null;
  /** Seconds of publishing from the first frame; 0 publishes until stopped (`--runtime`). */
  runtime: number;
  /** Seconds between serving the channel and the first frame (`--start-delay`). */
  startDelay: number;
  /** After the start delay, hold the first frame until this many monitors have subscribed; 0 does not wait
   * (`--wait-for-subscribers`, not in PvaPy: a workflow's consumers start after the simulator). */
  waitForSubscribers: number;
  /** Seconds the channel stays served after the last frame, so that clients can drain (`--shutdown-delay`). */
  shutdownDelay: number;
  /** Report a line every this many frames; 0 or less: never (`--report-period`). */
  reportPeriod: number;
  /** PV to put `notifyPvValue` to once the channel is served (`--notify-pv`). */
  notifyPv: string | null;
  /** Value put to `notifyPv` (`--notify-pv-value`). */
  notifyPvValue: string;
  /** Compression of the published frames as NDPluginCodec does it: none (""), lz4, bslz4 or blosc (`--codec`). */
  codec: SimCodec;
  /**
   * Metadata PVs posted with every frame, stamped with the frame's time stamp: a comma list of
   * `pva://NAME` (`--metadata-pv`; see metadata_pvs.ts).
   */
  metadataPv: string | null;
}

/** The codecs the simulator can compress frames with (blosc: LZ4 inside, byte shuffle). */
export const SIM_CODECS = ["", "lz4", "bslz4", "blosc"] as const;

/** A codec the simulator can write; "" for none. */
export type SimCodec = typeof SIM_CODECS[number];

/** Options of a {@link Simulator}: any {@link SimulatorSettings} (defaults from PvaPy) plus where to serve. */
export interface SimulatorOptions extends Partial<SimulatorSettings> {
  /** A server to host the channel on (the caller starts and closes it); default: one of our own. */
  server?: PvaServer;
  /** Network settings of the simulator's own server and of its notify client; default the environment. */
  config?: PvaConfig;
  /** Where warnings go (a notify PV that cannot be put); default silent. */
  logger?: Logger;
  /** Receives the report lines (start, every `reportPeriod` frames, the summary); default none. */
  report?: (line: string) => void;
}

/** PvaPy's defaults (pvapy-ad-sim-server 5.6). */
export const SIMULATOR_DEFAULTS: Readonly<SimulatorSettings> = {
  channelName: "pvapy:image",
  frameRate: 20,
  nx: 256,
  ny: 256,
  datatype: "uint8",
  colorMode: 0,
  minimum: null,
  maximum: null,
  nFrames: 0,
  cacheSize: 1000,
  inputDirectory: null,
  inputFile: null,
  configFile: null,
  runtime: 300,
  startDelay: 10,
  waitForSubscribers: 0,
  shutdownDelay: 10,
  reportPeriod: 1,
  notifyPv: null,
  notifyPvValue: "1",
  codec: "",
  metadataPv: null,
};

/** A setting that cannot be used; `option` is its PvaPy command-line name. */
export class SimulatorOptionError extends Error {
  /** The command-line option, e.g. `--frame-rate`. */
  readonly option: string;
  /** The rejected value as given. */
  readonly value: unknown;

  /**
   * An option error.
   * @param option the command-line option
   * @param value the rejected value
   * @param want what the option accepts
   */
  constructor(option: string, value: unknown, want: string) {
    super(`${option} wants ${want}, not '${String(value)}'`);
    this.name = "SimulatorOptionError";
    this.option = option;
    this.value = value;
  }
}

/** Command-line name of each setting, for error messages. */
const SETTING_OPTIONS: Readonly<Record<keyof SimulatorSettings, string>> = {
  channelName: "--channel-name",
  frameRate: "--frame-rate",
  nx: "--n-x-pixels",
  ny: "--n-y-pixels",
  datatype: "--datatype",
  colorMode: "--color-mode",
  minimum: "--minimum",
  maximum: "--maximum",
  nFrames: "--n-frames",
  cacheSize: "--cache-size",
  inputDirectory: "--input-directory",
  inputFile: "--input-file",
  configFile: "--config-file",
  runtime: "--runtime",
  startDelay: "--start-delay",
  waitForSubscribers: "--wait-for-subscribers",
  shutdownDelay: "--shutdown-delay",
  reportPeriod: "--report-period",
  notifyPv: "--notify-pv",
  notifyPvValue: "--notify-pv-value",
  codec: "--codec",
  metadataPv: "--metadata-pv",
};

function check(ok: boolean, key: keyof SimulatorSettings, value: unknown, want: string): void {
  if (!ok) throw new SimulatorOptionError(SETTING_OPTIONS[key], value, want);
}

const isNumber = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
const isInteger = (x: unknown): x is number => Number.isSafeInteger(x);

/**
 * The settings of `options` with PvaPy's defaults filled in.
 * @throws {SimulatorOptionError} naming the first option whose value cannot be used
 * @example
 * ```ts
 * import { resolveSettings } from "./options.ts";
 * resolveSettings({ frameRate: 100 }).channelName; // "pvapy:image"
 * ```
 */
export function resolveSettings(options: SimulatorOptions = {}): SimulatorSettings {
  const s: SimulatorSettings = { ...SIMULATOR_DEFAULTS };
  for (const key of Object.keys(SIMULATOR_DEFAULTS) as (keyof SimulatorSettings)[]) {
    if (options[key] !== undefined) (s as unknown as Record<string, unknown>)[key] = options[key];
  }
  check(typeof s.channelName === "string" && s.channelName !== "", "channelName", s.channelName, "a PV name");
  check(isNumber(s.frameRate) && s.frameRate >= 0, "frameRate", s.frameRate, "a number >= 0");
  check(isInteger(s.nx) && s.nx > 0, "nx", s.nx, "a positive integer");
  check(isInteger(s.ny) && s.ny > 0, "ny", s.ny, "a positive integer");
  check(
    isInteger(s.waitForSubscribers) && s.waitForSubscribers >= 0,
    "waitForSubscribers",
    s.waitForSubscribers,
    "an integer >= 0",
  );
  check(SIM_DATATYPES.includes(s.datatype), "datatype", s.datatype, `one of ${SIM_DATATYPES.join(", ")}`);
  check(SIM_COLOR_MODES.includes(s.colorMode), "colorMode", s.colorMode, "one of 0, 2, 3, 4");
  check(s.minimum === null || isNumber(s.minimum), "minimum", s.minimum, "a number");
  check(s.maximum === null || isNumber(s.maximum), "maximum", s.maximum, "a number");
  check(
    s.minimum === null || s.maximum === null || s.minimum <= s.maximum,
    "maximum",
    s.maximum,
    `a number >= --minimum ${s.minimum}`,
  );
  check(isInteger(s.nFrames), "nFrames", s.nFrames, "an integer");
  check(isInteger(s.cacheSize) && s.cacheSize > 0, "cacheSize", s.cacheSize, "a positive integer");
  check(isNumber(s.runtime) && s.runtime >= 0, "runtime", s.runtime, "seconds >= 0");
  check(isNumber(s.startDelay) && s.startDelay >= 0, "startDelay", s.startDelay, "seconds >= 0");
  check(isNumber(s.shutdownDelay) && s.shutdownDelay >= 0, "shutdownDelay", s.shutdownDelay, "seconds >= 0");
  check(isInteger(s.reportPeriod), "reportPeriod", s.reportPeriod, "an integer");
  check(s.notifyPv !== "", "notifyPv", s.notifyPv, "a PV name");
  check(SIM_CODECS.includes(s.codec), "codec", s.codec, "lz4, bslz4 or blosc");
  if (s.metadataPv !== null) {
    const names = metadataPvNames(s.metadataPv);
    check(
      "names" in names,
      "metadataPv",
      "refused" in names ? names.refused : s.metadataPv,
      "distinct pva://NAME entries (ca:// and bare names need a Channel Access server, which the simulator does not have)",
    );
  }
  return s;
}
