/**
 * fast-check arbitraries of pvData types (every kind, bounded depth) and of values that fit
 * them, shaped exactly as the decoder produces them.
 *
 * @module
 */
import fc from "fast-check";
import {
  ANY,
  ANY_ARRAY,
  ARRAY_CONSTRUCTORS,
  type FieldDesc,
  isNumericType,
  type Member,
  SCALAR_TYPES,
  type ScalarType,
  type StructureDesc,
  type UnionDesc,
  type Value,
} from "../../protocol/pvdata/types.ts";

const scalarType = fc.constantFrom(...SCALAR_TYPES);
const memberName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,5}$/);
const typeId = fc.constantFrom("", "alarm_t", "epics:nt/NTScalar:1.0", "ü_id");

const leafType: fc.Arbitrary<FieldDesc> = fc.oneof(
  scalarType.map((type): FieldDesc => ({ kind: "scalar", type })),
  fc.integer({ min: 1, max: 8 }).map((bound): FieldDesc => ({ kind: "scalar", type: "string", bound })),
  scalarType.map((type): FieldDesc => ({ kind: "scalarArray", type })),
  fc.tuple(scalarType, fc.constantFrom("bounded" as const, "fixed" as const), fc.integer({ min: 0, max: 4 }))
    .map(([type, form, size]): FieldDesc => ({ kind: "scalarArray", type, form, size })),
  fc.constant(ANY),
  fc.constant(ANY_ARRAY),
);

const members = (inner: fc.Arbitrary<FieldDesc>): fc.Arbitrary<Member[]> =>
  fc.uniqueArray(
    fc.tuple(memberName, inner).map(([name, type]): Member => ({ name, type })),
    { selector: (m) => m.name, maxLength: 4 },
  );

/** A structure type of at most `depth` nested compound levels. */
export function structType(depth = 3): fc.Arbitrary<StructureDesc> {
  return fc.tuple(typeId, members(fieldType(depth - 1)))
    .map(([id, fields]): StructureDesc => ({ kind: "structure", id, fields }));
}

function unionType(depth: number): fc.Arbitrary<UnionDesc> {
  return fc.tuple(typeId, members(fieldType(depth - 1)))
    .map(([id, fields]): UnionDesc => ({ kind: "union", id, fields }));
}

/** Any type of at most `depth` nested compound levels. */
export function fieldType(depth = 3): fc.Arbitrary<FieldDesc> {
  if (depth <= 0) return leafType;
  return fc.oneof(
    { arbitrary: leafType, weight: 4 },
    { arbitrary: structType(depth), weight: 2 },
    { arbitrary: unionType(depth), weight: 1 },
    {
      arbitrary: structType(depth).map((element): FieldDesc => ({ kind: "structureArray", element })),
      weight: 1,
    },
    { arbitrary: unionType(depth).map((element): FieldDesc => ({ kind: "unionArray", element })), weight: 1 },
  );
}

const INT_RANGES: Partial<Record<ScalarType, [number, number]>> = {
  int8: [-0x80, 0x7f],
  uint8: [0, 0xff],
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff],
};

function scalarValue(t: ScalarType, bound?: number): fc.Arbitrary<Value> {
  const range = INT_RANGES[t];
  if (range) return fc.integer({ min: range[0], max: range[1] });
  switch (t) {
    case "bool":
      return fc.boolean();
    case "int64":
      return fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
    case "uint64":
      return fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
    case "float32":
      // fc.float only yields float32-representable numbers (NaN and -0 included).
      return fc.float();
    case "float64":
      return fc.double();
    default:
      return fc.string({ unit: "binary", maxLength: bound ?? 12 });
  }
}

function arrayValue(t: ScalarType, min: number, max: number): fc.Arbitrary<Value> {
  const items = fc.array(scalarValue(t), { minLength: min, maxLength: max });
  // bool and string elements stay a plain array, as readValue returns them.
  if (!isNumericType(t)) return items as fc.Arbitrary<Value>;
  const C = ARRAY_CONSTRUCTORS[t] as { from(xs: unknown[]): Value };
  return items.map((xs) => C.from(xs));
}

/** A value of type `t`, shaped as readValue returns it. */
export function valueOf(t: FieldDesc): fc.Arbitrary<Value> {
  switch (t.kind) {
    case "scalar":
      return scalarValue(t.type, t.bound);
    case "scalarArray":
      if (t.form === "fixed") return arrayValue(t.type, t.size ?? 0, t.size ?? 0);
      return arrayValue(t.type, 0, t.form === "bounded" ? t.size ?? 0 : 5);
    case "structure":
      return fc.tuple(...t.fields.map((m) => valueOf(m.type)))
        .map((vs) => Object.fromEntries(t.fields.map((m, i) => [m.name, vs[i]])));
    case "union":
      return fc.oneof(
        fc.constant({ name: null, value: null }),
        ...t.fields.map((m) => valueOf(m.type).map((value) => ({ name: m.name, value }))),
      );
    case "any":
      return fc.oneof(
        fc.constant({ type: null, value: null }),
        fieldType(1).chain((type) => valueOf(type).map((value) => ({ type, value }))),
      );
    case "structureArray":
      return fc.array(fc.option(valueOf(t.element), { nil: null }), { maxLength: 3 }) as fc.Arbitrary<Value>;
    case "unionArray":
      return fc.array(fc.option(valueOf(t.element), { nil: null }), { maxLength: 3 }) as fc.Arbitrary<Value>;
    case "anyArray":
      return fc.array(fc.option(valueOf(ANY), { nil: null }), { maxLength: 3 }) as fc.Arbitrary<Value>;
  }
}

/** A structure type together with a value of it. */
export const typedStruct: fc.Arbitrary<{ type: StructureDesc; value: Value }> = structType(3)
  .chain((type) => valueOf(type).map((value) => ({ type, value })));
