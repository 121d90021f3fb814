/**
 * The pvData type system: field descriptions (types) and the TypeScript shape of values.
 *
 * Types are plain immutable objects so they can be written literally, compared structurally
 * and sent to workers. Values follow their type: numbers for 8..32-bit scalars, bigint for
 * 64-bit ones, typed arrays for numeric arrays, plain objects for structures.
 *
 * @module
 */

/** Names of the pvData scalar types. */
export type ScalarType =
  | "bool"
  | "int8"
  | "int16"
  | "int32"
  | "int64"
  | "uint8"
  | "uint16"
  | "uint32"
  | "uint64"
  | "float32"
  | "float64"
  | "string";

/** Every scalar type name, in the pvData ScalarType numbering order (bool = 0 ... string = 11). */
export const SCALAR_TYPES: readonly ScalarType[] = [
  "bool",
  "int8",
  "int16",
  "int32",
  "int64",
  "uint8",
  "uint16",
  "uint32",
  "uint64",
  "float32",
  "float64",
  "string",
];

/** A scalar field; `bound` marks a bounded string (pvDataCPP only). */
export interface ScalarDesc {
  /** Discriminant of the {@link FieldDesc} union. */
  readonly kind: "scalar";
  /** The value's scalar type. */
  readonly type: ScalarType;
  /** Maximum string length; only valid for `"string"`, absent when unbounded. */
  readonly bound?: number;
}

/**
 * A scalar array. `fixed` arrays carry no count on the wire; `bounded` arrays do, and both
 * record their size limit. pvxs never sends either, pvDataCPP may.
 */
export interface ScalarArrayDesc {
  /** Discriminant of the {@link FieldDesc} union. */
  readonly kind: "scalarArray";
  /** The element type. */
  readonly type: ScalarType;
  /** How the length is limited; absent means `"variable"` (any length, the usual case). */
  readonly form?: "variable" | "bounded" | "fixed";
  /** Element limit of a bounded array, or exact element count of a fixed one. */
  readonly size?: number;
}

/** A named member of a structure or union. */
export interface Member {
  /** Field name, unique within its parent; also the key in the value object. */
  readonly name: string;
  /** The member's type. */
  readonly type: FieldDesc;
}

/** A structure with an id such as `epics:nt/NTScalar:1.0` ("" or "structure" by default). */
export interface StructureDesc {
  /** Discriminant of the {@link FieldDesc} union. */
  readonly kind: "structure";
  /** Type id sent on the wire; normative types are recognised by it. */
  readonly id: string;
  /** Members in wire order, which also fixes the BitSet numbering of partial updates. */
  readonly fields: readonly Member[];
}

/** A (regular) union: exactly one of its members, or none, is selected. */
export interface UnionDesc {
  /** Discriminant of the {@link FieldDesc} union. */
  readonly kind: "union";
  /** Type id sent on the wire ("" or "union" by default). */
  readonly id: string;
  /** The choices, in wire order: a value selects one by its index. */
  readonly fields: readonly Member[];
}

/** A variant union (`any`): holds a value of any type, sent with its type. */
export interface AnyDesc {
  /** Discriminant of the {@link FieldDesc} union. */
  readonly kind: "any";
}

/** An array of structures of one type; elements may be null. */
export interface StructureArrayDesc {
  /** Discriminant of the {@link FieldDesc} union. */
  readonly kind: "structureArray";
  /** The type every non-null element has. */
  readonly element: StructureDesc;
}

/** An array of unions of one type; elements may be null. */
export interface UnionArrayDesc {
  /** Discriminant of the {@link FieldDesc} union. */
  readonly kind: "unionArray";
  /** The type every non-null element has. */
  readonly element: UnionDesc;
}

/** An array of variant unions; elements may be null. */
export interface AnyArrayDesc {
  /** Discriminant of the {@link FieldDesc} union. */
  readonly kind: "anyArray";
}

/** Any pvData field description. */
export type FieldDesc =
  | ScalarDesc
  | ScalarArrayDesc
  | StructureDesc
  | UnionDesc
  | AnyDesc
  | StructureArrayDesc
  | UnionArrayDesc
  | AnyArrayDesc;

/** A numeric typed array as decoded for each numeric scalar array type. */
export type NumericArray =
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** A structure value: members by name. */
export interface StructValue {
  /** Each member's value under its {@link Member.name}. */
  [name: string]: Value;
}

/** A union value: the selected member's name (null = nothing selected) and its value. */
export interface UnionValue {
  /** Name of the selected member, or null when none is selected. */
  name: string | null;
  /** The selected member's value; null when nothing is selected. */
  value: Value;
}

/** A variant union value: its type (null = empty) and value. */
export interface AnyValue {
  /** Type of the held value, or null for an empty variant union. */
  type: FieldDesc | null;
  /** The held value, shaped by `type`; null when empty. */
  value: Value;
}

/** Any pvData value. */
export type Value =
  | boolean
  | number
  | bigint
  | string
  | null
  | NumericArray
  | boolean[]
  | string[]
  | StructValue
  | UnionValue
  | AnyValue
  | (StructValue | null)[]
  | (UnionValue | null)[]
  | (AnyValue | null)[];

/** A value together with its type: what goes over the wire as a whole. */
export interface Typed<V extends Value = StructValue> {
  /** Type of `value`; sent ahead of it on the wire. */
  type: FieldDesc;
  /** The value, shaped by `type`. */
  value: V;
}

/** The typed-array constructor for each numeric scalar type. */
export const ARRAY_CONSTRUCTORS = {
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;

/** Numeric scalar types (those stored in typed arrays). */
export type NumericType = keyof typeof ARRAY_CONSTRUCTORS;

/** True for scalar types stored in typed arrays. */
export function isNumericType(t: ScalarType): t is NumericType {
  return t !== "bool" && t !== "string";
}

/** Byte width of each fixed-size scalar type (0 for string). */
export const SCALAR_WIDTH: Readonly<Record<ScalarType, number>> = {
  bool: 1,
  int8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  uint8: 1,
  uint16: 2,
  uint32: 4,
  uint64: 8,
  float32: 4,
  float64: 8,
  string: 0,
};

// ---- Type builders: terse constructors for literal types ----

/**
 * A scalar field type.
 * @example
 * ```ts
 * import { scalar } from "./types.ts";
 * const t = scalar("float64");
 * ```
 */
export function scalar(type: ScalarType): ScalarDesc {
  return { kind: "scalar", type };
}

/** A variable-length scalar array type. */
export function scalarArray(type: ScalarType): ScalarArrayDesc {
  return { kind: "scalarArray", type };
}

/**
 * A structure type from an object of member types (insertion order is wire order).
 * @example
 * ```ts
 * import { scalar, struct } from "./types.ts";
 * const t = struct("time_t", { secondsPastEpoch: scalar("int64"), nanoseconds: scalar("int32") });
 * ```
 */
export function struct(id: string, fields: Record<string, FieldDesc>): StructureDesc {
  return { kind: "structure", id, fields: Object.entries(fields).map(([name, type]) => ({ name, type })) };
}

/** A union type from an object of member types. */
export function union(id: string, fields: Record<string, FieldDesc>): UnionDesc {
  return { kind: "union", id, fields: Object.entries(fields).map(([name, type]) => ({ name, type })) };
}

/** The variant union type. */
export const ANY: AnyDesc = { kind: "any" };

/** An array-of-structures type. */
export function structArray(element: StructureDesc): StructureArrayDesc {
  return { kind: "structureArray", element };
}

/** An array-of-unions type. */
export function unionArray(element: UnionDesc): UnionArrayDesc {
  return { kind: "unionArray", element };
}

/** The array-of-any type. */
export const ANY_ARRAY: AnyArrayDesc = { kind: "anyArray" };

// ---- Lookup ----

const memberIndexCache = new WeakMap<StructureDesc | UnionDesc, Map<string, number>>();

/** Index of the member `name` in a structure or union, or -1. */
export function memberIndex(desc: StructureDesc | UnionDesc, name: string): number {
  let map = memberIndexCache.get(desc);
  if (!map) {
    map = new Map(desc.fields.map((m, i) => [m.name, i]));
    memberIndexCache.set(desc, map);
  }
  return map.get(name) ?? -1;
}

/**
 * The type of a (dotted) member path, or undefined.
 * @example
 * ```ts
 * import { findField, scalar, struct } from "./types.ts";
 * const t = struct("", { alarm: struct("alarm_t", { severity: scalar("int32") }) });
 * findField(t, "alarm.severity"); // { kind: "scalar", type: "int32" }
 * ```
 */
export function findField(desc: FieldDesc, path: string): FieldDesc | undefined {
  let cur: FieldDesc = desc;
  for (const part of path.split(".")) {
    if (cur.kind !== "structure") return undefined;
    const i = memberIndex(cur, part);
    if (i < 0) return undefined;
    cur = cur.fields[i].type;
  }
  return cur;
}

/** The structure id, with the empty wire id read as the default "structure"/"union". */
export function typeId(desc: StructureDesc | UnionDesc): string {
  return desc.id === "" ? desc.kind : desc.id;
}

/** Structural equality of two types (ids compared with the empty-id default applied). */
export function sameType(a: FieldDesc, b: FieldDesc): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case "scalar": {
      const o = b as ScalarDesc;
      return a.type === o.type && (a.bound ?? 0) === (o.bound ?? 0);
    }
    case "scalarArray": {
      const o = b as ScalarArrayDesc;
      return a.type === o.type && (a.form ?? "variable") === (o.form ?? "variable") &&
        (a.size ?? 0) === (o.size ?? 0);
    }
    case "structure":
    case "union": {
      const o = b as StructureDesc | UnionDesc;
      return typeId(a) === typeId(o) && a.fields.length === o.fields.length &&
        a.fields.every((m, i) => m.name === o.fields[i].name && sameType(m.type, o.fields[i].type));
    }
    case "structureArray":
    case "unionArray":
      return sameType(a.element, (b as StructureArrayDesc | UnionArrayDesc).element);
    default:
      return true;
  }
}
