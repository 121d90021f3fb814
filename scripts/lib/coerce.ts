/**
 * Turning loosely typed input (JSON, YAML, command-line text) into pvData values of a known
 * type: numbers become bigint for 64-bit members, arrays become typed arrays, and anything
 * that does not fit is an {@link InputError} naming the member, instead of a value that the
 * encoder would silently wrap or reject later.
 *
 * @module
 */
import { arrayScalarType } from "../../protocol/nt/arrays.ts";
import {
  type AnyValue,
  ARRAY_CONSTRUCTORS,
  type FieldDesc,
  isNumericType,
  memberIndex,
  type NumericArray,
  scalar,
  SCALAR_WIDTH,
  scalarArray,
  type ScalarType,
  type StructValue,
  type UnionDesc,
  type UnionValue,
  type Value,
} from "../../protocol/pvdata/types.ts";
import { defaultValue } from "../../protocol/pvdata/value.ts";

/** Input that does not fit the type it is meant for; the message names the member. */
export class InputError extends Error {
  /** The member path ("" for the whole value). */
  readonly path: string;

  /**
   * An input error.
   * @param path the member path ("" for the whole value)
   * @param reason what is wrong with it
   */
  constructor(path: string, reason: string) {
    super(path ? `${path}: ${reason}` : reason);
    this.path = path;
    this.name = "InputError";
  }
}

/** How {@link fromJson} treats structure members that the input leaves out. */
export interface CoerceOptions {
  /** Fill them with their defaults (a complete value) instead of leaving them out (a partial one). */
  complete?: boolean;
}

type Loose = unknown;

const show = (x: Loose) => typeof x === "bigint" ? `${x}` : JSON.stringify(x) ?? String(x);

/** An integer read from a number, bigint or decimal/hex string, or undefined. */
function integer(x: Loose): bigint | undefined {
  if (typeof x === "bigint") return x;
  if (typeof x === "number") return Number.isInteger(x) ? BigInt(x) : undefined;
  if (typeof x === "string" && /^\s*[-+]?(\d+|0x[\da-f]+)\s*$/i.test(x)) {
    const s = x.trim();
    return s.startsWith("-") ? -BigInt(s.slice(1)) : BigInt(s.replace(/^\+/, ""));
  }
  return undefined;
}

function scalarFrom(t: ScalarType, x: Loose, path: string): Value {
  const bad = (why = `not a ${t}`) => new InputError(path, `${show(x)} is ${why}`);
  switch (t) {
    case "string":
      if (typeof x === "string") return x;
      if (typeof x === "number" || typeof x === "boolean" || typeof x === "bigint") return String(x);
      throw bad();
    case "bool":
      if (typeof x === "boolean") return x;
      if (x === 0 || x === 1) return x === 1;
      if (typeof x === "string" && /^(true|false|1|0)$/i.test(x.trim())) return /^(true|1)$/i.test(x.trim());
      throw bad();
    case "float32":
    case "float64":
      if (typeof x === "number") return x;
      if (typeof x === "bigint") return Number(x);
      if (typeof x === "string" && x.trim() !== "") {
        const n = Number(x);
        if (!Number.isNaN(n) || x.trim() === "NaN") return n;
      }
      throw bad();
  }
  const i = integer(x);
  if (i === undefined) throw bad();
  const bits = SCALAR_WIDTH[t] * 8;
  const fits = t.startsWith("u") ? BigInt.asUintN(bits, i) === i : BigInt.asIntN(bits, i) === i;
  if (!fits) throw bad(`out of range for ${t}`);
  return bits === 64 ? i : Number(i);
}

function arrayFrom(t: ScalarType, x: Loose, path: string): Value {
  if (ArrayBuffer.isView(x) && isNumericType(t) && x instanceof ARRAY_CONSTRUCTORS[t]) {
    return x as NumericArray;
  }
  if (!Array.isArray(x)) throw new InputError(path, `expected an array of ${t}, got ${show(x)}`);
  const elements = x.map((e, i) => scalarFrom(t, e, `${path}[${i}]`));
  if (!isNumericType(t)) return elements as boolean[] | string[];
  return (ARRAY_CONSTRUCTORS[t].from as (a: unknown[]) => NumericArray)(elements);
}

function isPlainObject(x: Loose): x is Record<string, Loose> {
  return typeof x === "object" && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x);
}

function unionFrom(t: UnionDesc, x: Loose, path: string, opts: CoerceOptions): UnionValue {
  if (x === null) return { name: null, value: null };
  if (!isPlainObject(x) || typeof x.name !== "string" || !("value" in x)) {
    throw new InputError(path, `expected {name, value} for a union, got ${show(x)}`);
  }
  const i = memberIndex(t, x.name);
  if (i < 0) throw new InputError(path, `the union has no member ${x.name}`);
  return { name: x.name, value: fromJson(t.fields[i].type, x.value, opts, `${path}.${x.name}`) };
}

/**
 * The type an `any` takes for a plain input value: int32 for integers that fit, float64 for
 * other numbers, bool, string, and arrays of those (via the NT builders' inference).
 * @throws {InputError} for objects and mixed arrays, whose type cannot be guessed
 */
export function inferType(x: Loose, path = ""): FieldDesc {
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
  if (element === undefined) throw new InputError(path, `cannot tell the type of ${show(x)} for an any`);
  return scalarArray(element);
}

function anyFrom(x: Loose, path: string): AnyValue {
  if (x === null || x === undefined) return { type: null, value: null };
  const type = inferType(x, path);
  return { type, value: fromJson(type, x, {}, path) };
}

function elements(x: Loose, path: string, what: string): Loose[] {
  if (!Array.isArray(x)) throw new InputError(path, `expected an array of ${what}, got ${show(x)}`);
  return x;
}

/**
 * The value of type `t` that `x` describes. Strings are accepted wherever a number is meant
 * (so 64-bit integers survive JSON), unions are `{name, value}`, an `any` takes the type of
 * its content (see {@link inferType}).
 * @throws {InputError} naming the first member that does not fit
 * @example
 * ```ts
 * import { fromJson } from "./coerce.ts";
 * import { scalar, scalarArray, struct } from "../../protocol/pvdata/types.ts";
 * const t = struct("", { n: scalar("int64"), xs: scalarArray("uint8") });
 * fromJson(t, { n: "9007199254740993", xs: [1, 2] }); // { n: 9007199254740993n, xs: Uint8Array [1, 2] }
 * ```
 */
export function fromJson(t: FieldDesc, x: Loose, opts: CoerceOptions = {}, path = ""): Value {
  switch (t.kind) {
    case "scalar":
      return scalarFrom(t.type, x, path);
    case "scalarArray":
      return arrayFrom(t.type, x, path);
    case "structure": {
      if (!isPlainObject(x)) throw new InputError(path, `expected an object, got ${show(x)}`);
      for (const name of Object.keys(x)) {
        if (memberIndex(t, name) < 0) throw new InputError(join(path, name), "no such field");
      }
      const out: StructValue = {};
      for (const m of t.fields) {
        if (m.name in x) out[m.name] = fromJson(m.type, x[m.name], opts, join(path, m.name));
        else if (opts.complete) out[m.name] = defaultValue(m.type);
      }
      return out;
    }
    case "union":
      return unionFrom(t, x, path, opts);
    case "any":
      return anyFrom(x, path);
    case "structureArray":
      return elements(x, path, "structures").map((e, i) =>
        e === null ? null : fromJson(t.element, e, { complete: true }, `${path}[${i}]`) as StructValue
      );
    case "unionArray":
      return elements(x, path, "unions").map((e, i) =>
        e === null ? null : unionFrom(t.element, e, `${path}[${i}]`, opts)
      );
    case "anyArray":
      return elements(x, path, "values").map((e, i) => anyFrom(e, `${path}[${i}]`));
  }
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
  if (t.kind === "scalar") return scalarFrom(t.type, text, path);
  let data: Loose;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(path, `expected JSON for a ${t.kind} (${(e as Error).message})`);
  }
  return fromJson(t, data, {}, path);
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}
