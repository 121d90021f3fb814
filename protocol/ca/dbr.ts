/**
 * DBR types: the seven element types of Channel Access and the five forms each comes in
 * (plain value, STS with alarm, TIME with alarm and timestamp, GR with display limits, CTRL
 * with control limits too), the byte layout of each form, and the shape we expose them in,
 * close to our NTScalar readers.
 * @module
 */

/** DBR type numbers (db_access.h). `INT` is another name of `SHORT`. */
export const DbrType = {
  STRING: 0,
  SHORT: 1,
  INT: 1,
  FLOAT: 2,
  ENUM: 3,
  CHAR: 4,
  LONG: 5,
  DOUBLE: 6,
  STS_STRING: 7,
  STS_SHORT: 8,
  STS_FLOAT: 9,
  STS_ENUM: 10,
  STS_CHAR: 11,
  STS_LONG: 12,
  STS_DOUBLE: 13,
  TIME_STRING: 14,
  TIME_SHORT: 15,
  TIME_FLOAT: 16,
  TIME_ENUM: 17,
  TIME_CHAR: 18,
  TIME_LONG: 19,
  TIME_DOUBLE: 20,
  GR_STRING: 21,
  GR_SHORT: 22,
  GR_FLOAT: 23,
  GR_ENUM: 24,
  GR_CHAR: 25,
  GR_LONG: 26,
  GR_DOUBLE: 27,
  CTRL_STRING: 28,
  CTRL_SHORT: 29,
  CTRL_FLOAT: 30,
  CTRL_ENUM: 31,
  CTRL_CHAR: 32,
  CTRL_LONG: 33,
  CTRL_DOUBLE: 34,
} as const;

/** The element type of a DBR type: 0 string ... 6 double. */
export type DbrElement = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** What a DBR type carries besides its values. */
export type DbrForm = "plain" | "sts" | "time" | "gr" | "ctrl";

const FORMS: readonly DbrForm[] = ["plain", "sts", "time", "gr", "ctrl"];

/** Bytes of one element, by element type (a string is a fixed 40-byte field). */
export const ELEMENT_SIZE: readonly number[] = [40, 2, 4, 2, 1, 4, 8];

/** Length of a string field (MAX_STRING_SIZE). */
export const MAX_STRING_SIZE = 40;
/** Length of the units field of GR and CTRL forms. */
export const MAX_UNITS_SIZE = 8;
/** Number and length of the state strings of an enum's GR and CTRL forms. */
export const MAX_ENUM_STATES = 16;
/** Length of one enum state string. */
export const MAX_ENUM_STRING_SIZE = 26;

/** Where the first value starts, per form and element type (the C structs' padding included). */
const VALUE_OFFSET: Readonly<Record<DbrForm, readonly number[]>> = {
  plain: [0, 0, 0, 0, 0, 0, 0],
  sts: [4, 4, 4, 4, 5, 4, 8],
  time: [12, 14, 12, 14, 15, 12, 16],
  gr: [4, 24, 40, 422, 19, 36, 64],
  ctrl: [4, 28, 48, 422, 21, 44, 80],
};

/** Highest DBR type number we know (DBR_CTRL_DOUBLE). */
export const LAST_DBR_TYPE = 34;

/** The layout of one DBR type. */
export interface DbrLayout {
  /** The DBR type number. */
  type: number;
  /** What it carries besides the values. */
  form: DbrForm;
  /** Its element type. */
  element: DbrElement;
  /** Offset of the first value. */
  valueOffset: number;
  /** Bytes per value. */
  elementSize: number;
}

/**
 * The layout of a DBR type, or undefined for numbers outside 0..34.
 * @example
 * ```ts
 * import { DbrType, dbrLayout } from "./dbr.ts";
 * dbrLayout(DbrType.TIME_DOUBLE)?.valueOffset; // 16
 * ```
 */
export function dbrLayout(type: number): DbrLayout | undefined {
  if (!Number.isInteger(type) || type < 0 || type > LAST_DBR_TYPE) return undefined;
  const form = FORMS[Math.floor(type / 7)];
  const element = (type % 7) as DbrElement;
  return {
    type,
    form,
    element,
    valueOffset: VALUE_OFFSET[form][element],
    elementSize: ELEMENT_SIZE[element],
  };
}

/** The DBR type of `form` for the element type of `type` (e.g. TIME of a native DOUBLE). */
export function dbrTypeOf(form: DbrForm, type: number): number {
  return FORMS.indexOf(form) * 7 + (type % 7);
}

/**
 * Bytes of a DBR payload holding `count` values, before the padding to 8 (dbr_size_n).
 * @example
 * ```ts
 * import { DbrType, dbrSize } from "./dbr.ts";
 * dbrSize(DbrType.TIME_DOUBLE, 10); // 96
 * ```
 */
export function dbrSize(type: number, count: number): number {
  const l = dbrLayout(type);
  if (l === undefined) throw new RangeError(`DBR type ${type} does not exist`);
  return l.valueOffset + Math.max(count, 1) * l.elementSize;
}

/** Values of one DBR: a number or string for one element, a typed array or strings for arrays. */
export type CaValueData =
  | number
  | string
  | string[]
  | Int16Array
  | Float32Array
  | Uint16Array
  | Uint8Array
  | Int32Array
  | Float64Array;

/** Alarm of STS and later forms: CA's alarm condition (status) and severity (0..3). */
export interface CaAlarm {
  /** 0 none, 1 minor, 2 major, 3 invalid. */
  severity: number;
  /** The alarm condition (epicsAlarmCondition: 0 none, 17 UDF, ...). */
  status: number;
}

/** Timestamp of TIME forms, converted to the POSIX epoch like pvAccess's time_t. */
export interface CaTimeStamp {
  /** Seconds since 1970-01-01 UTC (the EPICS seconds plus {@link EPICS_EPOCH_OFFSET}). */
  secondsPastEpoch: number;
  /** Nanoseconds within the second. */
  nanoseconds: number;
}

/** Display limits, units and precision (GR and CTRL forms of numbers). */
export interface CaDisplay {
  /** Lower display limit (LOPR). */
  limitLow: number;
  /** Upper display limit (HOPR). */
  limitHigh: number;
  /** Engineering units (EGU). */
  units: string;
  /** Digits after the decimal point (FLOAT and DOUBLE only). */
  precision?: number;
}

/** Alarm and warning limits (GR and CTRL forms of numbers). */
export interface CaValueAlarm {
  /** LOLO; NaN while its severity is none (EPICS 7). */
  lowAlarmLimit: number;
  /** LOW. */
  lowWarningLimit: number;
  /** HIGH. */
  highWarningLimit: number;
  /** HIHI. */
  highAlarmLimit: number;
}

/** Drive limits (CTRL forms of numbers). */
export interface CaControl {
  /** Lower drive limit (DRVL). */
  limitLow: number;
  /** Upper drive limit (DRVH). */
  limitHigh: number;
}

/** A decoded DBR: the values and whatever the form carries besides them. */
export interface CaValue {
  /** The DBR type it arrived as. */
  dbrType: number;
  /** Number of elements. */
  count: number;
  /** A number or string for one element of a scalar channel, else an array. */
  value: CaValueData;
  /** STS and later forms. */
  alarm?: CaAlarm;
  /** TIME forms. */
  timeStamp?: CaTimeStamp;
  /** GR and CTRL forms of numbers. */
  display?: CaDisplay;
  /** GR and CTRL forms of numbers. */
  valueAlarm?: CaValueAlarm;
  /** CTRL forms of numbers. */
  control?: CaControl;
  /** The state strings of an enum (GR and CTRL forms). */
  choices?: string[];
}

/** Seconds from the POSIX epoch (1970) to the EPICS epoch (1990-01-01 UTC). */
export const EPICS_EPOCH_OFFSET = 631_152_000;
