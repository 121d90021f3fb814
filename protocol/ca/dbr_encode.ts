/**
 * Encoding a {@link CaValue} as a DBR payload in network byte order, the inverse of
 * `decodeDbr`: what a CA server sends (used by test servers, and by writes).
 * @module
 */
import { EncodeError } from "../pvdata/errors.ts";
import {
  type CaValue,
  type DbrElement,
  dbrLayout,
  EPICS_EPOCH_OFFSET,
  MAX_ENUM_STATES,
  MAX_ENUM_STRING_SIZE,
  MAX_STRING_SIZE,
  MAX_UNITS_SIZE,
} from "./dbr.ts";

/**
 * The payload of `v` as DBR type `v.dbrType` with `v.count` elements (before padding to 8);
 * pads and absent fields are zero.
 * @throws EncodeError for an unknown type or values that do not fit it
 * @example
 * ```ts
 * import { encodeDbr } from "./dbr_encode.ts";
 * import { DbrType } from "./dbr.ts";
 * encodeDbr({ dbrType: DbrType.SHORT, count: 1, value: 7 }); // Uint8Array [0, 7]
 * ```
 */
export function encodeDbr(v: CaValue): Uint8Array {
  const layout = dbrLayout(v.dbrType);
  if (layout === undefined) throw new EncodeError(`unknown DBR type ${v.dbrType}`);
  const out = new Uint8Array(layout.valueOffset + Math.max(v.count, 1) * layout.elementSize);
  const view = new DataView(out.buffer);
  if (layout.form !== "plain") {
    view.setInt16(0, v.alarm?.status ?? 0);
    view.setInt16(2, v.alarm?.severity ?? 0);
  }
  if (layout.form === "time") {
    view.setUint32(4, (v.timeStamp?.secondsPastEpoch ?? EPICS_EPOCH_OFFSET) - EPICS_EPOCH_OFFSET);
    view.setUint32(8, v.timeStamp?.nanoseconds ?? 0);
  }
  if ((layout.form === "gr" || layout.form === "ctrl") && layout.element !== 0) {
    writeLimits(v, layout.element, layout.form === "ctrl", view, out);
  }
  const values = typeof v.value === "number" || typeof v.value === "string" ? [v.value] : v.value;
  if (values.length !== v.count) throw new EncodeError(`count ${v.count} but ${values.length} values`);
  for (let i = 0; i < values.length; i++) {
    writeElement(layout.element, view, out, layout.valueOffset + i * layout.elementSize, values[i]);
  }
  return out;
}

function writeElement(element: DbrElement, view: DataView, out: Uint8Array, at: number, x: unknown): void {
  if (element === 0) {
    if (typeof x !== "string") throw new EncodeError(`a DBR string needs a string, not ${typeof x}`);
    writeString(out, at, MAX_STRING_SIZE, x);
    return;
  }
  if (typeof x !== "number") throw new EncodeError(`a DBR number needs a number, not ${typeof x}`);
  writeNumber(element, view, at, x);
}

function writeNumber(element: DbrElement, view: DataView, at: number, x: number): void {
  switch (element) {
    case 1:
      return view.setInt16(at, x);
    case 2:
      return view.setFloat32(at, x);
    case 3:
      return view.setUint16(at, x);
    case 4:
      return view.setUint8(at, x);
    case 5:
      return view.setInt32(at, x);
    default:
      return view.setFloat64(at, x);
  }
}

/** A NUL-terminated string in a fixed field; too long a string is an error, not cut. */
function writeString(out: Uint8Array, at: number, size: number, text: string): void {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length >= size) throw new EncodeError(`"${text}" does not fit a ${size}-byte CA string`);
  out.set(bytes, at);
}

function writeLimits(v: CaValue, element: DbrElement, ctrl: boolean, view: DataView, out: Uint8Array): void {
  if (element === 3) {
    const choices = v.choices ?? [];
    if (choices.length > MAX_ENUM_STATES) throw new EncodeError(`${choices.length} enum states, at most 16`);
    view.setInt16(4, choices.length);
    choices.forEach((c, i) => writeString(out, 6 + i * MAX_ENUM_STRING_SIZE, MAX_ENUM_STRING_SIZE, c));
    return;
  }
  const floating = element === 2 || element === 6;
  const unitsAt = floating ? 8 : 4;
  if (floating) view.setInt16(4, v.display?.precision ?? 0);
  writeString(out, unitsAt, MAX_UNITS_SIZE, v.display?.units ?? "");
  const size = [40, 2, 4, 2, 1, 4, 8][element];
  const limits = [
    v.display?.limitHigh,
    v.display?.limitLow,
    v.valueAlarm?.highAlarmLimit,
    v.valueAlarm?.highWarningLimit,
    v.valueAlarm?.lowWarningLimit,
    v.valueAlarm?.lowAlarmLimit,
    ...(ctrl ? [v.control?.limitHigh, v.control?.limitLow] : []),
  ];
  limits.forEach((x, i) => writeNumber(element, view, unitsAt + MAX_UNITS_SIZE + i * size, x ?? 0));
}
