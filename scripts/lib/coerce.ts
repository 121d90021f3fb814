/**
 * Turning JSON, YAML and command-line text into pvData values of a known type, on top of
 * pvData's `coerce`: what is particular to files and command lines is the type an untyped
 * `any` takes ({@link inferType}), scalars written as bare text, and errors that the CLI
 * reports as usage errors ({@link InputError}).
 *
 * @module
 */
import { arrayScalarType } from "../../protocol/nt/arrays.ts";
import { coerce } from "../../protocol/pvdata/coerce.ts";
import { CoerceError } from "../../protocol/pvdata/errors.ts";
import {
  type FieldDesc,
  scalar,
  scalarArray,
  type StructValue,
  type Value,
} from "../../protocol/pvdata/types.ts";

/** Input that does not fit the type it is meant for; the message names the member. */
export class InputError extends CoerceError {
  /**
   * An input error.
   * @param path the member path ("" for the whole value)
   * @param reason what is wrong with it
   */
  constructor(path: string, reason: string) {
    super(path, reason);
    this.name = "InputError";
  }
}

/** How {@link fromJson} treats structure members that the input leaves out. */
export interface CoerceOptions {
  /** Fill them with their defaults (a complete value) instead of leaving them out (a partial one). */
  complete?: boolean;
}

/**
 * The type an `any` takes for a plain input value: int32 for integers that fit, float64 for
 * other numbers, bool, string, and arrays of those (via the NT builders' inference).
 * @throws {InputError} for objects and mixed arrays, whose type cannot be guessed
 */
export function inferType(x: unknown, path = ""): FieldDesc {
  switch (typeof x) {
    case "boolean":
      return scalar("bool");
    case "string":
      return scalar("string");
    case "bigint":
      return scalar("int64");
    case "number":
      return scalar(Number.isInteger(x) && (x | 0) === x ? "int32" : "float64");
  }
  const element = arrayScalarType(x);
  if (element === undefined) {
    const shown = JSON.stringify(x) ?? String(x);
    throw new InputError(path, `cannot tell the type of ${shown} for an any`);
  }
  return scalarArray(element);
}

/**
 * The value of type `t` that `x` describes, as pvData's `coerce` reads it (strings are
 * accepted wherever a number is meant, so 64-bit integers survive JSON; unions are
 * `{name, value}`), with an `any` taking the type of its content (see {@link inferType}).
 * Without `opts.complete`, the top-level members `x` leaves out are left out of the result.
 * @throws {InputError} naming the first member that does not fit
 * @example
 * ```ts
 * import { fromJson } from "./coerce.ts";
 * import { scalar, scalarArray, struct } from "../../protocol/pvdata/types.ts";
 * const t = struct("", { n: scalar("int64"), xs: scalarArray("uint8") });
 * fromJson(t, { n: "9007199254740993", xs: [1, 2] }); // { n: 9007199254740993n, xs: Uint8Array [1, 2] }
 * ```
 */
export function fromJson(t: FieldDesc, x: unknown, opts: CoerceOptions = {}, path = ""): Value {
  let value: Value;
  try {
    value = coerce(t, x, path, inferType);
  } catch (e) {
    if (e instanceof CoerceError && !(e instanceof InputError)) throw new InputError(e.path, e.reason);
    throw e;
  }
  if (opts.complete || t.kind !== "structure") return value;
  const given = new Set(Object.keys(x as object));
  return Object.fromEntries(Object.entries(value as StructValue).filter(([name]) => given.has(name)));
}

/**
 * The value of type `t` written as command-line text: a scalar as it reads (`3`, `true`,
 * `0x10`, any string), anything else as JSON.
 * @throws {InputError} when the text does not fit or is not valid JSON
 * @example
 * ```ts
 * import { fromText } from "./coerce.ts";
 * import { scalarArray } from "../../protocol/pvdata/types.ts";
 * fromText(scalarArray("float32"), "[1, 2.5]"); // Float32Array [1, 2.5]
 * ```
 */
export function fromText(t: FieldDesc, text: string, path = ""): Value {
  if (t.kind === "scalar") return fromJson(t, text, {}, path);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(path, `expected JSON for a ${t.kind} (${(e as Error).message})`);
  }
  return fromJson(t, data, {}, path);
}
