/**
 * Our types and values in the JSON form the Python peer clients print (see py/p4p_client.py):
 * types in p4p's notation, numeric arrays longer than a limit as a digest of their bytes,
 * unions as {name, value}, anys as {type, value}. Comparing a peer's document with this form
 * of what we host proves the peer decoded exactly our bytes.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type {
  FieldDesc,
  Member,
  NumericArray,
  ScalarType,
  StructValue,
  UnionValue,
  Value,
} from "../../protocol/pvdata/types.ts";

/** A type in p4p's notation: a code, or [kind, id, [[name, type], ...]]. */
export type PeerType = string | [string, string | null, [string, PeerType][]];

/** How a peer presents what it received. */
export interface PeerView {
  /** Numeric arrays longer than this print as {length, dtype, sha256}. Default 10000. */
  maxElements?: number;
  /**
   * p4p hands an `any` holding a scalar over as a bare Python value, so its type is inferred
   * from the Python kind: every integer is int64, every float float64.
   */
  inferAnyScalars?: boolean;
  /** pvapy shows no structure ids: every id is null. */
  withoutIds?: boolean;
}

const CODES: Record<ScalarType, string> = {
  bool: "?",
  int8: "b",
  uint8: "B",
  int16: "h",
  uint16: "H",
  int32: "i",
  uint32: "I",
  int64: "l",
  uint64: "L",
  float32: "f",
  float64: "d",
  string: "s",
};

/**
 * The p4p notation of a type; p4p reports an empty id as "structure".
 * @example
 * ```ts
 * import { scalar, struct } from "../../protocol/pvdata/types.ts";
 * peerType(struct("", { value: scalar("float64") })); // ["S", "structure", [["value", "d"]]]
 * ```
 */
export function peerType(t: FieldDesc, view: PeerView = {}): PeerType {
  const id = (s: string) => view.withoutIds ? null : s || "structure";
  const members = (fields: readonly Member[]): [string, PeerType][] =>
    fields.map((m) => [m.name, peerType(m.type, view)]);
  switch (t.kind) {
    case "scalar":
      return CODES[t.type];
    case "scalarArray":
      return "a" + CODES[t.type];
    case "structure":
      return ["S", id(t.id), members(t.fields)];
    case "union":
      return ["U", id(t.id), members(t.fields)];
    case "structureArray":
      return ["aS", id(t.element.id), members(t.element.fields)];
    case "unionArray":
      return ["aU", id(t.element.id), members(t.element.fields)];
    case "any":
      return "v";
    case "anyArray":
      return "av";
  }
}

/** Integers the peers print as JSON numbers become numbers here too; larger ones stay bigint. */
function plainNumber(x: number | bigint): number | bigint {
  return typeof x === "bigint" && x >= BigInt(Number.MIN_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(x)
    : x;
}

/** The digest the peers print for a long numeric array: its little-endian bytes' sha256. */
function arrayDigest(
  type: ScalarType,
  a: NumericArray | boolean[],
): { length: number; dtype: string; sha256: string } {
  const bytes = Array.isArray(a)
    ? Uint8Array.from(a, Number)
    : new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  // numpy names its dtypes as pvData names scalar types.
  return { length: a.length, dtype: type, sha256 };
}

/**
 * A value of type `t` as the peer prints it.
 * @example
 * ```ts
 * import { scalar, struct } from "../../protocol/pvdata/types.ts";
 * peerValue(struct("", { value: scalar("uint64") }), { value: 5n }); // { value: 5 }
 * ```
 */
export function peerValue(t: FieldDesc, v: Value, view: PeerView = {}): unknown {
  switch (t.kind) {
    case "scalar":
      return typeof v === "number" || typeof v === "bigint" ? plainNumber(v) : v;
    case "scalarArray": {
      const a = v as NumericArray | boolean[] | string[];
      if (t.type !== "string" && a.length > (view.maxElements ?? 10000)) {
        return arrayDigest(t.type, a as NumericArray | boolean[]);
      }
      return Array.from(
        a as ArrayLike<number | bigint | boolean | string>,
        (x) => typeof x === "number" || typeof x === "bigint" ? plainNumber(x) : x,
      );
    }
    case "structure":
      return Object.fromEntries(
        t.fields.map((m) => [m.name, peerValue(m.type, (v as StructValue)[m.name], view)]),
      );
    case "structureArray":
      return (v as (StructValue | null)[]).map((e) => e === null ? null : peerValue(t.element, e, view));
    case "union":
      return peerUnion(t.fields, v as UnionValue, view);
    case "unionArray":
      return (v as (UnionValue | null)[]).map((e) =>
        e === null ? null : peerUnion(t.element.fields, e, view)
      );
    case "any":
    case "anyArray": {
      const items = t.kind === "any" ? [v] : v as Value[];
      const out = items.map((e) => {
        const any = e as { type: FieldDesc | null; value: Value } | null;
        if (any === null || any.type === null) return null;
        const inner = any.type;
        const type = view.inferAnyScalars && inner.kind === "scalar"
          ? inferredCode(inner.type)
          : peerType(inner, view);
        return { type, value: peerValue(inner, any.value, view) };
      });
      return t.kind === "any" ? out[0] : out;
    }
  }
}

function peerUnion(fields: readonly Member[], u: UnionValue, view: PeerView): unknown {
  if (u.name === null) return null;
  const member = fields.find((m) => m.name === u.name)!;
  return { name: u.name, value: peerValue(member.type, u.value, view) };
}

/** The code p4p gives a Python scalar of this type when it comes out of an `any`. */
function inferredCode(t: ScalarType): string {
  if (t === "float32" || t === "float64") return "d";
  if (t === "bool" || t === "string") return CODES[t];
  return "l";
}
