/**
 * Decoding DBR payloads from untrusted bytes: the header fields of each form, then the
 * values, byte-swapped once from network order into a fresh typed array.
 * @module
 */
import { DecodeError } from "../pvdata/errors.ts";
import {
  type CaValue,
  type CaValueData,
  type DbrElement,
  type DbrLayout,
  dbrLayout,
  EPICS_EPOCH_OFFSET,
  MAX_ENUM_STATES,
  MAX_ENUM_STRING_SIZE,
  MAX_STRING_SIZE,
  MAX_UNITS_SIZE,
} from "./dbr.ts";
import { readNulTerminated } from "./header.ts";

/** Options of {@link decodeDbr}. */
export interface DecodeDbrOptions {
  /** Return an array even for one element (the channel is an array: its native count is above 1). */
  array?: boolean;
}

/**
 * Decodes `count` values of DBR type `type` from a payload.
 * @throws DecodeError for an unknown type or a payload too short for `count` values
 * @example
 * ```ts
 * import { decodeDbr } from "./dbr_decode.ts";
 * import { DbrType } from "./dbr.ts";
 * const payload = new Uint8Array(8);
 * new DataView(payload.buffer).setFloat64(0, 2.5);
 * decodeDbr(DbrType.DOUBLE, 1, payload).value; // 2.5
 * ```
 */
export function decodeDbr(
  type: number,
  count: number,
  payload: Uint8Array,
  opts: DecodeDbrOptions = {},
): CaValue {
  const layout = dbrLayout(type);
  if (layout === undefined) throw new DecodeError(0, `unknown DBR type ${type}`);
  // One string may come shorter than its 40-byte field: CA clients write DBR_STRING so.
  const shortString = layout.element === 0 && count === 1 && payload.length > layout.valueOffset;
  const need = layout.valueOffset + count * layout.elementSize;
  if (payload.length < need && !shortString) {
    throw new DecodeError(
      0,
      `DBR type ${type} with ${count} elements needs ${need} bytes, payload has ${payload.length}`,
    );
  }
  const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const out: CaValue = {
    dbrType: type,
    count,
    value: readValues(layout.element, v, layout.valueOffset, count, opts.array === true || count !== 1),
  };
  if (layout.form !== "plain") out.alarm = { status: v.getInt16(0), severity: v.getInt16(2) };
  if (layout.form === "time") {
    out.timeStamp = { secondsPastEpoch: v.getUint32(4) + EPICS_EPOCH_OFFSET, nanoseconds: v.getUint32(8) };
  }
  if ((layout.form === "gr" || layout.form === "ctrl") && layout.element !== 0) readLimits(layout, v, out);
  return out;
}

/** The values: a scalar for one element of a scalar channel, else an array (one copy). */
function readValues(
  element: DbrElement,
  v: DataView,
  at: number,
  count: number,
  array: boolean,
): CaValueData {
  if (element === 0) {
    const strings: string[] = [];
    for (let i = 0; i < count; i++) strings.push(readString(v, at + i * MAX_STRING_SIZE, MAX_STRING_SIZE));
    return array ? strings : strings[0];
  }
  if (element === 4) {
    const bytes = new Uint8Array(v.buffer, v.byteOffset + at, count).slice();
    return array ? bytes : bytes[0];
  }
  if (!array) return readNumber(element, v, at);
  switch (element) {
    case 1:
      return fill(new Int16Array(count), (i) => v.getInt16(at + 2 * i));
    case 2:
      return fill(new Float32Array(count), (i) => v.getFloat32(at + 4 * i));
    case 3:
      return fill(new Uint16Array(count), (i) => v.getUint16(at + 2 * i));
    case 5:
      return fill(new Int32Array(count), (i) => v.getInt32(at + 4 * i));
    default:
      return fill(new Float64Array(count), (i) => v.getFloat64(at + 8 * i));
  }
}

function fill<T extends { length: number; [i: number]: number }>(a: T, get: (i: number) => number): T {
  for (let i = 0; i < a.length; i++) a[i] = get(i);
  return a;
}

/** One number of element type `element` at `at`. */
function readNumber(element: DbrElement, v: DataView, at: number): number {
  switch (element) {
    case 1:
      return v.getInt16(at);
    case 2:
      return v.getFloat32(at);
    case 3:
      return v.getUint16(at);
    case 4:
      return v.getUint8(at);
    case 5:
      return v.getInt32(at);
    default:
      return v.getFloat64(at);
  }
}

function readString(v: DataView, at: number, size: number): string {
  return readNulTerminated(new Uint8Array(v.buffer, v.byteOffset + at, Math.min(size, v.byteLength - at)));
}

/** The fields GR and CTRL forms put between the alarm and the values. */
function readLimits(layout: DbrLayout, v: DataView, out: CaValue): void {
  if (layout.element === 3) {
    const n = Math.max(0, Math.min(v.getInt16(4), MAX_ENUM_STATES));
    out.choices = Array.from(
      { length: n },
      (_, i) => readString(v, 6 + i * MAX_ENUM_STRING_SIZE, MAX_ENUM_STRING_SIZE),
    );
    return;
  }
  const floating = layout.element === 2 || layout.element === 6;
  // FLOAT and DOUBLE put precision and a pad before the units.
  const unitsAt = floating ? 8 : 4;
  let at = unitsAt + MAX_UNITS_SIZE;
  const next = () => {
    const x = readNumber(layout.element, v, at);
    at += layout.elementSize;
    return x;
  };
  const [upperDisp, lowerDisp, upperAlarm, upperWarning, lowerWarning, lowerAlarm] = [1, 2, 3, 4, 5, 6].map(
    next,
  );
  out.display = { limitLow: lowerDisp, limitHigh: upperDisp, units: readString(v, unitsAt, MAX_UNITS_SIZE) };
  if (floating) out.display.precision = v.getInt16(4);
  out.valueAlarm = {
    lowAlarmLimit: lowerAlarm,
    lowWarningLimit: lowerWarning,
    highWarningLimit: upperWarning,
    highAlarmLimit: upperAlarm,
  };
  if (layout.form === "ctrl") {
    const [upperCtrl, lowerCtrl] = [1, 2].map(next);
    out.control = { limitLow: lowerCtrl, limitHigh: upperCtrl };
  }
}
