/**
 * pvData values as JSON documents, for `pva ... --json`.
 *
 * The mapping, chosen so that every document is plain JSON that any language reads:
 * - 64-bit integers (bigint) are numbers when exactly representable (|v| <= 2^53 - 1),
 *   otherwise decimal strings, so no digit is lost;
 * - NaN and the infinities, which JSON cannot hold, are the strings "NaN", "Infinity", "-Infinity";
 * - numeric typed arrays are JSON arrays (element by element, by the rules above);
 * - structures are objects with members in wire order;
 * - a union is `{"name": member, "value": ...}` as in the Value model (null when nothing is
 *   selected), so `pva put NAME '<json>'` accepts what `pva get --json` printed;
 * - an `any` is the value it holds (its type is not printed; null when empty).
 *
 * Each command prints one document per line: get and rpc `{name, value}`, monitor
 * `{name, value, changed}` (`changed` lists the dotted leaf fields the update carries),
 * info `{name, type}` (the FieldDesc object as is), list `{guid, host, port, protocol}`.
 *
 * @module
 */
import {
  type AnyValue,
  type FieldDesc,
  memberIndex,
  type StructValue,
  type UnionDesc,
  type UnionValue,
  type Value,
} from "../../protocol/pvdata/types.ts";

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * A number or bigint as JSON: exact integers and finite numbers stay numbers.
 * @example
 * ```ts
 * import { jsonNumber } from "./json.ts";
 * jsonNumber(2n ** 60n); // "1152921504606846976"
 * jsonNumber(42n); // 42
 * ```
 */
export function jsonNumber(n: number | bigint): number | string {
  if (typeof n === "bigint") {
    return n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(n)
      : String(n);
  }
  return Number.isFinite(n) ? n : String(n);
}

/**
 * The JSON form of a value of type `t` (see the module documentation for the mapping).
 * @example
 * ```ts
 * import { toJson } from "./json.ts";
 * import { scalar, scalarArray, struct } from "../../protocol/pvdata/types.ts";
 * const t = struct("", { id: scalar("uint64"), xs: scalarArray("int16") });
 * toJson(t, { id: 2n ** 63n, xs: new Int16Array([1, -2]) }); // { id: "9223372036854775808", xs: [1, -2] }
 * ```
 */
export function toJson(t: FieldDesc, v: Value): Json {
  switch (t.kind) {
    case "scalar":
      return typeof v === "number" || typeof v === "bigint" ? jsonNumber(v) : v as boolean | string;
    case "scalarArray":
      return Array.from(
        v as ArrayLike<number | bigint | boolean | string>,
        (e) => typeof e === "number" || typeof e === "bigint" ? jsonNumber(e) : e,
      );
    case "structure": {
      const out: { [key: string]: Json } = {};
      for (const m of t.fields) out[m.name] = toJson(m.type, (v as StructValue)[m.name]);
      return out;
    }
    case "union":
      return unionJson(t, v as UnionValue | null);
    case "any":
      return anyJson(v as AnyValue | null);
    case "structureArray":
      return (v as (StructValue | null)[]).map((e) => e === null ? null : toJson(t.element, e));
    case "unionArray":
      return (v as (UnionValue | null)[]).map((e) => unionJson(t.element, e));
    case "anyArray":
      return (v as (AnyValue | null)[]).map(anyJson);
  }
}

function unionJson(t: UnionDesc, u: UnionValue | null): Json {
  const i = u?.name == null ? -1 : memberIndex(t, u.name);
  return i < 0 ? null : { name: t.fields[i].name, value: toJson(t.fields[i].type, u!.value) };
}

function anyJson(a: AnyValue | null): Json {
  return a?.type ? toJson(a.type, a.value) : null;
}
