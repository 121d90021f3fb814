/**
 * NTScalar and NTScalarArray: one value (or array) with optional descriptor, alarm,
 * timeStamp, display and control.
 *
 * @module
 */
import {
  findField,
  isPlainObject,
  scalar,
  scalarArray,
  type ScalarType,
  type Typed,
  type Value,
} from "../pvdata/mod.ts";
import { type NTInput, required, unwrap } from "./access.ts";
import { type ArrayInput, arrayValue } from "./arrays.ts";
import { NTError } from "./errors.ts";
import { type Meta, type MetaOptions, metaType, metaValues, readMeta } from "./meta.ts";

/** Type id of NTScalar. */
export const NT_SCALAR_ID = "epics:nt/NTScalar:1.0";
/** Type id of NTScalarArray. */
export const NT_SCALAR_ARRAY_ID = "epics:nt/NTScalarArray:1.0";

/**
 * An NTScalar holding `value`; the type object is shared by all values built with the same
 * scalar type and choice of options.
 * @example
 * ```ts
 * import { ntScalar } from "./scalar.ts";
 * import { timeStampNow } from "./time.ts";
 * const pv = ntScalar("float64", 1.5, { alarm: {}, timeStamp: timeStampNow(), display: { units: "mm" } });
 * ```
 */
export function ntScalar(type: ScalarType, value: Value, opts: MetaOptions = {}): Typed {
  return {
    type: metaType(NT_SCALAR_ID, { value: scalar(type) }, opts, type),
    value: { value, ...metaValues(opts) },
  };
}

/**
 * An NTScalarArray holding `value` (plain numbers become the typed array of `type`).
 * @example
 * ```ts
 * import { ntScalarArray } from "./scalar.ts";
 * const pv = ntScalarArray("int32", new Int32Array([1, 2, 3]), { timeStamp: {} });
 * ```
 */
export function ntScalarArray(type: ScalarType, value: ArrayInput, opts: MetaOptions = {}): Typed {
  return {
    type: metaType(NT_SCALAR_ARRAY_ID, { value: scalarArray(type) }, opts, type),
    value: { value: arrayValue(type, value), ...metaValues(opts) },
  };
}

/** An NTScalar or NTScalarArray as read: its value and the optional members present. */
export interface NTScalarData extends Meta {
  /** The scalar, or the array (typed arrays are views onto the received bytes when possible). */
  value: Value;
}

/**
 * Reads an NTScalar or NTScalarArray by field name.
 * @throws {NTError} when `value` is missing or is not a scalar or scalar array
 * @example
 * ```ts
 * import { ntScalar, readNTScalar } from "./scalar.ts";
 * readNTScalar(ntScalar("int32", 7, { alarm: { severity: 1 } })).alarm?.severity; // 1
 * ```
 */
export function readNTScalar(input: NTInput): NTScalarData {
  const { type, value: v } = unwrap(input, "NTScalar", "NTScalarArray");
  const value = required("NTScalar", v, "value");
  const kind = type ? findField(type, "value")?.kind : undefined;
  if (type ? kind !== "scalar" && kind !== "scalarArray" : isPlainObject(value)) {
    throw new NTError("NTScalar", "value", "expected a scalar or a scalar array");
  }
  return { value, ...readMeta("NTScalar", v) };
}
