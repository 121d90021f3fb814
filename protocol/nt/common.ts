/**
 * The sub-structures normative types share (alarm_t, time_t, display_t, control_t, enum_t,
 * codec_t, dimension_t): their types, the TypeScript shape of their values, and builders
 * that fill in defaults.
 *
 * @module
 */
import {
  ANY,
  type AnyValue,
  defaultValue,
  scalar,
  scalarArray,
  struct,
  type StructureDesc,
  type StructValue,
} from "../pvdata/mod.ts";

/** `alarm_t` {severity, status, message}. */
export const ALARM_T: StructureDesc = struct("alarm_t", {
  severity: scalar("int32"),
  status: scalar("int32"),
  message: scalar("string"),
});

/** `time_t` {secondsPastEpoch (POSIX epoch), nanoseconds, userTag}. */
export const TIME_T: StructureDesc = struct("time_t", {
  secondsPastEpoch: scalar("int64"),
  nanoseconds: scalar("int32"),
  userTag: scalar("int32"),
});

/** `enum_t` {index, choices}. */
export const ENUM_T: StructureDesc = struct("enum_t", {
  index: scalar("int32"),
  choices: scalarArray("string"),
});

/** `display_t` in the pvxs/QSRV layout (float64 limits, with precision and form). */
export const DISPLAY_T: StructureDesc = struct("display_t", {
  limitLow: scalar("float64"),
  limitHigh: scalar("float64"),
  description: scalar("string"),
  units: scalar("string"),
  precision: scalar("int32"),
  form: ENUM_T,
});

/** `control_t` {limitLow, limitHigh, minStep}. */
export const CONTROL_T: StructureDesc = struct("control_t", {
  limitLow: scalar("float64"),
  limitHigh: scalar("float64"),
  minStep: scalar("float64"),
});

/** `codec_t` {name, parameters}: how NTNDArray data is compressed ("" = not). */
export const CODEC_T: StructureDesc = struct("codec_t", { name: scalar("string"), parameters: ANY });

/** `dimension_t`: one NTNDArray axis. */
export const DIMENSION_T: StructureDesc = struct("dimension_t", {
  size: scalar("int32"),
  offset: scalar("int32"),
  fullSize: scalar("int32"),
  binning: scalar("int32"),
  reverse: scalar("bool"),
});

/** An `alarm_t` value. */
export type Alarm = { severity: number; status: number; message: string };
/** A `time_t` value. */
export type TimeStamp = { secondsPastEpoch: bigint; nanoseconds: number; userTag: number };
/** An `enum_t` value. */
export type Enum = { index: number; choices: string[] };
/** A `display_t` value. */
export type Display = {
  limitLow: number;
  limitHigh: number;
  description: string;
  units: string;
  precision: number;
  form: Enum;
};
/** A `control_t` value. */
export type Control = { limitLow: number; limitHigh: number; minStep: number };
/** A `codec_t` value; `parameters` is an `any` (an int32 ScalarType code for areaDetector codecs). */
export type Codec = { name: string; parameters: AnyValue };
/** A `dimension_t` value. */
export type Dimension = { size: number; offset: number; fullSize: number; binning: number; reverse: boolean };

/** The default value of `type` overlaid with the members given. */
function filled<T>(type: StructureDesc, given: Partial<T> = {}): T {
  return { ...(defaultValue(type) as StructValue), ...given } as T;
}

/**
 * An alarm value; members left out are 0 / "".
 * @example
 * ```ts
 * import { alarm } from "./common.ts";
 * alarm({ severity: 2, message: "HIHI" }); // { severity: 2, status: 0, message: "HIHI" }
 * ```
 */
export function alarm(given?: Partial<Alarm>): Alarm {
  return filled(ALARM_T, given);
}

/** A time stamp value; members left out are 0 (see also `timeStampNow`, `timeStampFrom`). */
export function timeStamp(given?: Partial<TimeStamp>): TimeStamp {
  return filled(TIME_T, given);
}

/** A display value; members left out take their defaults (empty form enum). */
export function display(given?: Partial<Display>): Display {
  return filled(DISPLAY_T, given);
}

/** A control value; members left out are 0. */
export function control(given?: Partial<Control>): Control {
  return filled(CONTROL_T, given);
}

/** An enum value. */
export function enumOf(index: number, choices: string[]): Enum {
  return { index, choices };
}

/**
 * A dimension of `size` elements, unbinned and not cut out of a larger one.
 * @example
 * ```ts
 * import { dimension } from "./common.ts";
 * dimension(512); // { size: 512, offset: 0, fullSize: 512, binning: 1, reverse: false }
 * ```
 */
export function dimension(size: number): Dimension {
  return { size, offset: 0, fullSize: size, binning: 1, reverse: false };
}
