/**
 * The scalar type a JavaScript array holds, for builders that infer member types.
 *
 * @module
 */
import {
  ARRAY_CONSTRUCTORS,
  isNumericType,
  type NumericArray,
  type NumericType,
  type ScalarType,
  type Value,
} from "../pvdata/mod.ts";

/** An array value as builders accept it: a pvData array value, or plain numbers for a numeric type. */
export type ArrayInput = NumericArray | boolean[] | string[] | readonly number[];

const BY_CONSTRUCTOR = new Map<unknown, NumericType>(
  Object.entries(ARRAY_CONSTRUCTORS).map(([t, C]) => [C, t as NumericType]),
);

/**
 * The element type of a numeric typed array.
 * @example
 * ```ts
 * import { typedArrayType } from "./arrays.ts";
 * typedArrayType(new Uint16Array(4)); // "uint16"
 * ```
 */
export function typedArrayType(a: NumericArray): NumericType {
  const t = BY_CONSTRUCTOR.get(a.constructor);
  // Float16Array and Uint8ClampedArray are views too but have no pvData type.
  if (t === undefined) throw new TypeError(`${a.constructor.name} has no pvData scalar type`);
  return t;
}

/**
 * The element type of an array: that of a typed array; "bool" for booleans, "float64" for
 * numbers, "string" for strings (and for an empty plain array, which has no other clue).
 * Returns undefined for anything else.
 */
export function arrayScalarType(a: unknown): ScalarType | undefined {
  if (ArrayBuffer.isView(a) && !(a instanceof DataView)) {
    return BY_CONSTRUCTOR.get(a.constructor);
  }
  if (!Array.isArray(a)) return undefined;
  if (a.every((e) => typeof e === "string")) return "string";
  if (a.every((e) => typeof e === "boolean")) return "bool";
  if (a.every((e) => typeof e === "number")) return "float64";
  return undefined;
}

/**
 * `a` as the pvData value of an array of `type`: plain numbers become the typed array of a
 * numeric type (so readers see the same value before and after the wire); anything else is
 * kept as it is and checked when encoded.
 * @example
 * ```ts
 * import { arrayValue } from "./arrays.ts";
 * arrayValue("int64", [1, 2]); // BigInt64Array [1n, 2n]
 * ```
 */
export function arrayValue(type: ScalarType, a: ArrayInput): Value {
  if (!Array.isArray(a) || !isNumericType(type) || !a.every((e) => typeof e === "number")) return a as Value;
  const wide = type === "int64" || type === "uint64";
  return (ARRAY_CONSTRUCTORS[type].from as (x: readonly unknown[]) => NumericArray)(wide ? a.map(BigInt) : a);
}
