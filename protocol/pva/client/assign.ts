/**
 * Turning what a caller passes to `put` into a value of the server's PUT type: plain JS
 * values are converted to the field types, and the fields given are marked changed.
 * @module
 */
import { BitSet } from "../../pvdata/bitset.ts";
import { EncodeError } from "../../pvdata/errors.ts";
import { bitOf } from "../../pvdata/partial.ts";
import {
  ARRAY_CONSTRUCTORS,
  type FieldDesc,
  findField,
  isNumericType,
  memberIndex,
  type NumericArray,
  type ScalarType,
  type StructureDesc,
  type StructValue,
  type Value,
} from "../../pvdata/types.ts";

/**
 * Overlays `input` on `current` (a full value of `type`) and marks the fields it sets.
 *
 * `input` is an object of fields (nested objects or dotted keys: `{ "alarm.severity": 2 }`);
 * anything else stands for `{ value: input }`. Numbers become bigint for 64-bit fields,
 * arrays become the field's typed array, and a string or number given for an enum
 * structure (`{index, choices}`, as in NTEnum) selects the choice.
 *
 * @throws EncodeError naming the field that does not exist or does not fit
 * @example
 * ```ts
 * import { assign } from "./assign.ts";
 * import { scalar, struct } from "../../pvdata/types.ts";
 * const t = struct("", { value: scalar("int64") });
 * const { value, changed } = assign(t, { value: 0n }, 3);
 * // value: { value: 3n }, changed: bit 1
 * ```
 */
export function assign(
  type: StructureDesc,
  current: StructValue,
  input: unknown,
): { value: StructValue; changed: BitSet } {
  const changed = new BitSet();
  const fields = isPlainObject(input) ? input : { value: input };
  const value = overlay(type, type, current, fields, "", changed) as StructValue;
  return { value, changed };
}

function overlay(top: FieldDesc, t: FieldDesc, cur: Value, v: unknown, path: string, bits: BitSet): Value {
  if (t.kind === "structure" && isEnum(t) && (typeof v === "string" || typeof v === "number")) {
    return overlay(top, t, cur, { index: enumIndex(cur as StructValue, v, path) }, path, bits);
  }
  if (t.kind !== "structure") {
    bits.set(bitOf(top, path));
    return convert(t, v, path);
  }
  if (!isPlainObject(v)) throw new EncodeError(`${path || "value"}: expected an object for a structure`);
  const out: StructValue = { ...(cur as StructValue) };
  for (const [key, x] of Object.entries(v)) {
    const dot = key.indexOf(".");
    const head = dot < 0 ? key : key.slice(0, dot);
    const member = findField(t, head);
    const at = path ? `${path}.${head}` : head;
    if (member === undefined) throw new EncodeError(`${at}: no such field`);
    out[head] = overlay(top, member, out[head], dot < 0 ? x : { [key.slice(dot + 1)]: x }, at, bits);
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

function isEnum(t: StructureDesc): boolean {
  return memberIndex(t, "index") >= 0 && findField(t, "choices")?.kind === "scalarArray";
}

function enumIndex(cur: StructValue, v: string | number, path: string): number {
  if (typeof v === "number") return v;
  const choices = (cur?.choices ?? []) as string[];
  const i = choices.indexOf(v);
  if (i < 0) throw new EncodeError(`${path || "value"}: "${v}" is not one of ${JSON.stringify(choices)}`);
  return i;
}

function convert(t: FieldDesc, v: unknown, path: string): Value {
  switch (t.kind) {
    case "scalar":
      return convertScalar(t.type, v, path);
    case "scalarArray": {
      if (!Array.isArray(v) && !ArrayBuffer.isView(v)) {
        throw new EncodeError(`${path}: expected an array of ${t.type}`);
      }
      const items = v as ArrayLike<unknown>;
      if (!isNumericType(t.type)) return Array.from(items, (e) => convertScalar(t.type, e, path)) as Value;
      const C = ARRAY_CONSTRUCTORS[t.type];
      if (v instanceof C) return v;
      return (C.from as (x: ArrayLike<unknown>) => NumericArray)(
        Array.from(items, (e) => convertScalar(t.type, e, path)),
      );
    }
    case "union":
      if (!isPlainObject(v) || !("name" in v)) {
        throw new EncodeError(`${path}: expected {name, value} for a union`);
      }
      return v as unknown as Value;
    case "any":
      if (!isPlainObject(v) || !("type" in v)) {
        throw new EncodeError(`${path}: expected {type, value} for an any`);
      }
      return v as unknown as Value;
    default:
      // Arrays of structures and unions are checked as they are written.
      return v as Value;
  }
}

function convertScalar(t: ScalarType, v: unknown, path: string): Value {
  const bad = () => new EncodeError(`${path}: ${JSON.stringify(String(v))} does not fit ${t}`);
  if (t === "string") {
    if (typeof v === "object" || v === undefined) throw bad();
    return String(v);
  }
  if (t === "bool") {
    if (typeof v === "boolean") return v;
    if (typeof v === "number" || typeof v === "bigint") return v !== 0 && v !== 0n;
    if (v === "true" || v === "false") return v === "true";
    throw bad();
  }
  if (t === "int64" || t === "uint64") {
    if (typeof v === "bigint") return v;
    if (typeof v === "number" && Number.isFinite(v)) return BigInt(Math.trunc(v));
    if (typeof v === "string" && /^\s*-?\d+\s*$/.test(v)) return BigInt(v.trim());
    throw bad();
  }
  if (typeof v === "number") return v;
  if (typeof v === "bigint" || typeof v === "boolean") return Number(v);
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  throw bad();
}
