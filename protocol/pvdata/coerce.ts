/**
 * Loose JavaScript input (JSON, YAML, command-line text, what a caller passes to put or post)
 * as values of a known type, and partial objects laid over a full structure value.
 *
 * Conversion is strict: integers are range-checked (decimal and hex strings are accepted so
 * 64-bit values survive JSON), 64-bit integers become bigint, arrays become the field's typed
 * array, and anything that does not fit is a {@link CoerceError} naming the member, instead
 * of a value the encoder would silently wrap or reject later.
 *
 * @module
 */
import type { BitSet } from "./bitset.ts";
import { CoerceError } from "./errors.ts";
import { bitOf } from "./partial.ts";
import {
  type AnyValue,
  ARRAY_CONSTRUCTORS,
  type FieldDesc,
  findField,
  isNumericType,
  memberIndex,
  type NumericArray,
  SCALAR_WIDTH,
  type ScalarType,
  type StructureDesc,
  type StructValue,
  type UnionDesc,
  type UnionValue,
  type Value,
} from "./types.ts";
import { defaultValue } from "./value.ts";

/**
 * Chooses the type of a value given for an `any` without `{type, value}` (JSON and YAML
 * cannot say it); throws a {@link CoerceError} when it cannot tell.
 */
export type InferType = (x: unknown, path: string) => FieldDesc;

/**
 * True for a plain object of members: not null, not an array, not a typed array. The one
 * such test of the project: structure, union and any values, pvRequest options, parsed
 * YAML and JSON mappings all go through it.
 * @example
 * ```ts
 * import { isPlainObject } from "./coerce.ts";
 * isPlainObject({ value: 1 }); // true
 * isPlainObject([1]); // false
 * ```
 */
export function isPlainObject(x: unknown): x is StructValue {
  return typeof x === "object" && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x);
}

const show = (x: unknown) => typeof x === "bigint" ? `${x}` : JSON.stringify(x) ?? String(x);

const join = (path: string, name: string) => path ? `${path}.${name}` : name;

/** An integer read from a bigint, an integral number or a decimal/hex string, or undefined. */
function integer(x: unknown): bigint | undefined {
  if (typeof x === "bigint") return x;
  if (typeof x === "number") return Number.isInteger(x) ? BigInt(x) : undefined;
  if (typeof x === "string" && /^\s*[-+]?(\d+|0x[\da-f]+)\s*$/i.test(x)) {
    const s = x.trim();
    return s.startsWith("-") ? -BigInt(s.slice(1)) : BigInt(s.replace(/^\+/, ""));
  }
  return undefined;
}

function coerceInteger(t: ScalarType, x: unknown, path: string): number | bigint {
  const bits = SCALAR_WIDTH[t] * 8;
  const unsigned = t.startsWith("u");
  const outOfRange = () => new CoerceError(path, `${show(x)} is out of range for ${t}`);
  // Plain numbers for narrow types are the common case (every post): no bigint detour.
  if (typeof x === "number" && bits < 64 && Number.isInteger(x)) {
    const low = unsigned ? 0 : -(2 ** (bits - 1));
    if (x < low || x > low + 2 ** bits - 1) throw outOfRange();
    return x;
  }
  const i = integer(x);
  if (i === undefined) throw mismatch(t, x, path);
  if ((unsigned ? BigInt.asUintN(bits, i) : BigInt.asIntN(bits, i)) !== i) throw outOfRange();
  return bits === 64 ? i : Number(i);
}

// The message keeps both phrasings callers have matched on ("does not fit", "is not a").
function mismatch(t: ScalarType, x: unknown, path: string): CoerceError {
  return new CoerceError(path, `${show(x)} does not fit ${t} (${show(x)} is not a ${t} value)`);
}

function coerceScalar(t: ScalarType, x: unknown, path: string): Value {
  switch (t) {
    case "string":
      if (typeof x === "string") return x;
      if (typeof x === "number" || typeof x === "boolean" || typeof x === "bigint") return String(x);
      break;
    case "bool":
      if (typeof x === "boolean") return x;
      if (x === 0 || x === 1 || x === 0n || x === 1n) return x === 1 || x === 1n;
      if (typeof x === "string" && /^\s*(true|false|1|0)\s*$/i.test(x)) return /^\s*(true|1)\s*$/i.test(x);
      break;
    case "float32":
    case "float64":
      if (typeof x === "number") return x;
      if (typeof x === "bigint") return Number(x);
      if (typeof x === "string" && x.trim() !== "") {
        const n = Number(x);
        if (!Number.isNaN(n) || x.trim() === "NaN") return n;
      }
      break;
    default:
      return coerceInteger(t, x, path);
  }
  throw mismatch(t, x, path);
}

function coerceArray(t: ScalarType, x: unknown, path: string): Value {
  const C = isNumericType(t) ? ARRAY_CONSTRUCTORS[t] : undefined;
  if (C !== undefined && x instanceof C) return x as NumericArray;
  if (!Array.isArray(x) && !(ArrayBuffer.isView(x) && !(x instanceof DataView))) {
    throw new CoerceError(path, `expected an array of ${t}, got ${show(x)}`);
  }
  const items = Array.from(x as ArrayLike<unknown>, (e, i) => coerceScalar(t, e, `${path}[${i}]`));
  if (C === undefined) return items as boolean[] | string[];
  return (C.from as (a: unknown[]) => NumericArray)(items);
}

function noField(t: StructureDesc, path: string, name: string): CoerceError {
  return new CoerceError(join(path, name), `no such field (${t.id || "the structure"} has no field ${name})`);
}

function notObject(path: string, x: unknown): CoerceError {
  return new CoerceError(path, `expected an object for a structure, got ${show(x)}`);
}

function coerceStruct(t: StructureDesc, x: unknown, path: string, infer?: InferType): StructValue {
  if (!isPlainObject(x)) throw notObject(path, x);
  for (const name of Object.keys(x)) if (memberIndex(t, name) < 0) throw noField(t, path, name);
  const out: StructValue = {};
  for (const m of t.fields) {
    out[m.name] = Object.hasOwn(x, m.name)
      ? coerce(m.type, x[m.name], join(path, m.name), infer)
      : defaultValue(m.type);
  }
  return out;
}

function coerceUnion(t: UnionDesc, x: unknown, path: string, infer?: InferType): UnionValue {
  if (x === null || (isPlainObject(x) && x.name === null)) return { name: null, value: null };
  if (!isPlainObject(x) || typeof x.name !== "string" || !("value" in x)) {
    throw new CoerceError(path, `expected {name, value} for a union, got ${show(x)}`);
  }
  const i = memberIndex(t, x.name);
  if (i < 0) throw new CoerceError(path, `the union has no member ${x.name}`);
  return { name: x.name, value: coerce(t.fields[i].type, x.value, join(path, x.name), infer) };
}

function coerceAny(x: unknown, path: string, infer?: InferType): AnyValue {
  if (x === null || x === undefined) return { type: null, value: null };
  if (isPlainObject(x) && "type" in x && "value" in x && (x.type === null || isPlainObject(x.type))) {
    if (x.type === null) return { type: null, value: null };
    const type = x.type as unknown as FieldDesc;
    return { type, value: coerce(type, x.value, path, infer) };
  }
  if (infer === undefined) throw new CoerceError(path, `expected {type, value} for an any, got ${show(x)}`);
  const type = infer(x, path);
  return { type, value: coerce(type, x, path, infer) };
}

function elements(x: unknown, path: string, what: string): unknown[] {
  if (!Array.isArray(x)) throw new CoerceError(path, `expected an array of ${what}, got ${show(x)}`);
  return x;
}

/**
 * The value of type `t` that `x` describes. Integers come from numbers, bigints and
 * decimal/hex strings (range-checked); bools from booleans, 0/1 and "true"/"false"; floats
 * from numbers and numeric strings ("NaN" too); arrays from arrays or typed arrays (one of
 * the field's own class is kept, not copied); structures from plain objects (members left out
 * take their defaults); unions from `{name, value}`; an `any` from `{type, value}`, or from
 * any value whose type `infer` can tell; structure and union arrays from arrays of those.
 * @param path the member path `x` stands for, used in error messages
 * @param infer the type of an `any` given without `{type, value}` (none: such input is an error)
 * @throws {CoerceError} naming the first member that does not fit
 * @example
 * ```ts
 * import { coerce } from "./coerce.ts";
 * import { scalar, scalarArray, struct } from "./types.ts";
 * const t = struct("", { n: scalar("int64"), xs: scalarArray("uint8"), ok: scalar("bool") });
 * coerce(t, { n: "9007199254740993", xs: [1, "0x10"] }); // { n: 9007199254740993n, xs: Uint8Array [1, 16], ok: false }
 * ```
 */
export function coerce(t: FieldDesc, x: unknown, path = "", infer?: InferType): Value {
  switch (t.kind) {
    case "scalar":
      return coerceScalar(t.type, x, path);
    case "scalarArray":
      return coerceArray(t.type, x, path);
    case "structure":
      return coerceStruct(t, x, path, infer);
    case "union":
      return coerceUnion(t, x, path, infer);
    case "any":
      return coerceAny(x, path, infer);
    case "structureArray":
      return elements(x, path, "structures").map((e, i) =>
        e === null ? null : coerceStruct(t.element, e, `${path}[${i}]`, infer)
      );
    case "unionArray":
      return elements(x, path, "unions").map((e, i) =>
        e === null ? null : coerceUnion(t.element, e, `${path}[${i}]`, infer)
      );
    case "anyArray":
      return elements(x, path, "values").map((e, i) => coerceAny(e, `${path}[${i}]`, infer));
  }
}

/** An enum_t-like structure (as in NTEnum): an index and a string array of choices. */
function isEnum(t: StructureDesc): boolean {
  return memberIndex(t, "index") >= 0 && findField(t, "choices")?.kind === "scalarArray";
}

function choiceIndex(base: Value, choice: string, path: string): number {
  const choices = ((base as StructValue | undefined)?.choices ?? []) as string[];
  const i = choices.indexOf(choice);
  if (i < 0) throw new CoerceError(path, `"${choice}" is not one of ${JSON.stringify(choices)}`);
  return i;
}

function overlayAt(
  t: FieldDesc,
  base: Value,
  patch: unknown,
  path: string,
  bit: number,
  changed: BitSet,
): Value {
  if (t.kind !== "structure") {
    const value = coerce(t, patch, path);
    changed.set(bit);
    return value;
  }
  if (isEnum(t) && typeof patch === "number") patch = { index: patch };
  if (isEnum(t) && typeof patch === "string") patch = { index: choiceIndex(base, patch, path) };
  if (!isPlainObject(patch)) throw notObject(path, patch);
  const out: StructValue = { ...(base as StructValue) };
  for (const [key, x] of Object.entries(patch)) {
    const dot = key.indexOf(".");
    const name = dot < 0 ? key : key.slice(0, dot);
    const i = memberIndex(t, name);
    if (i < 0) throw noField(t, path, name);
    const given = dot < 0 ? x : { [key.slice(dot + 1)]: x };
    out[name] = overlayAt(
      t.fields[i].type,
      out[name],
      given,
      join(path, name),
      bit + bitOf(t, name),
      changed,
    );
  }
  return out;
}

/**
 * `base` with the members given in `patch` replaced: nested objects merge into
 * sub-structures, keys may be dotted paths (`"alarm.severity"`), and an enum structure
 * (`{index, choices}`) also takes a choice name or an index. Each value written is
 * {@link coerce}d to its field's type and its bit (numbered as in partial.ts) set in
 * `changed`. `base` is not modified; branches the patch does not touch are shared.
 * @throws {CoerceError} naming a member that does not exist or a value that does not fit
 * @example
 * ```ts
 * import { BitSet } from "./bitset.ts";
 * import { overlay } from "./coerce.ts";
 * import { scalar, struct } from "./types.ts";
 * const t = struct("", { value: scalar("int64"), alarm: struct("alarm_t", { severity: scalar("int32") }) });
 * const changed = new BitSet();
 * overlay(t, { value: 0n, alarm: { severity: 0 } }, { value: 3, "alarm.severity": 2 }, changed);
 * // { value: 3n, alarm: { severity: 2 } }; changed holds bits 1 and 3
 * ```
 */
export function overlay(t: StructureDesc, base: StructValue, patch: unknown, changed: BitSet): StructValue {
  return overlayAt(t, base, patch, "", 0, changed) as StructValue;
}
