/**
 * Type descriptions (pvaccess-protocol.md §2.6-2.7): the spec's introspection examples, the
 * type cache (0xFD define, 0xFE reuse, 0xFC tagged) wherever a type may appear, and errors.
 */
import assert from "node:assert/strict";
import { DecodeError } from "../../protocol/pvdata/errors.ts";
import { Reader, type TypeCache } from "../../protocol/pvdata/reader.ts";
import { readType, writeType } from "../../protocol/pvdata/typedesc.ts";
import {
  ANY,
  ANY_ARRAY,
  type FieldDesc,
  sameType,
  scalar,
  scalarArray,
  struct,
  structArray,
  union,
  unionArray,
} from "../../protocol/pvdata/types.ts";
import { readValue } from "../../protocol/pvdata/value.ts";
import { decode, encode, hex, ORDERS, toHex } from "./helpers.ts";
import { EXAMPLE_STRUCTURE, SPEC_2_KEYS, SPEC_TYPE_1, SPEC_TYPE_2, TIMESTAMP_T } from "./spec_vectors.ts";

Deno.test("spec introspection #1: 0xFD key 1 defines timeStamp_t, then 0xFE 00 01 reuses it", () => {
  assert.equal(SPEC_TYPE_1.length, 57);
  const cache: TypeCache = new Map();
  const t = decode(SPEC_TYPE_1, false, readType, { typeCache: cache });
  assert.deepEqual(t, TIMESTAMP_T);
  assert.equal(cache.get(1), t);
  assert.equal(decode(hex("fe 00 01"), false, readType, { typeCache: cache }), t);
  // We always send full descriptions: the dump without its 3-byte "FD 00 01" prefix.
  assert.equal(toHex(encode(false, (w) => writeType(w, TIMESTAMP_T))), toHex(SPEC_TYPE_1.subarray(3)));
});

Deno.test("spec introspection #1 in little-endian: the cache key is a little-endian uint16", () => {
  const cache: TypeCache = new Map();
  const le = new Uint8Array(SPEC_TYPE_1);
  le.set([0x01, 0x00], 1);
  decode(le, true, readType, { typeCache: cache });
  assert.deepEqual(decode(hex("fe 01 00"), true, readType, { typeCache: cache }), TIMESTAMP_T);
});

/** Example #2 without its "FD 00 kk" definitions (kk = 1..5): the full form we send. */
function withoutCacheDefinitions(b: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0xfd && b[i + 1] === 0 && b[i + 2] >= 1 && b[i + 2] <= 5) i += 2;
    else out.push(b[i]);
  }
  return new Uint8Array(out);
}

Deno.test("spec introspection #2: nested keys 1-5, bounded and fixed arrays, union, any", () => {
  assert.equal(SPEC_TYPE_2.length, 243);
  const cache: TypeCache = new Map();
  const t = decode(SPEC_TYPE_2, false, readType, { typeCache: cache });
  assert.deepEqual(t, EXAMPLE_STRUCTURE);
  assert.deepEqual([...cache.keys()].sort(), [1, 2, 3, 4, 5]);
  for (const [key, sub] of Object.entries(SPEC_2_KEYS)) assert.deepEqual(cache.get(Number(key)), sub);
  const full = withoutCacheDefinitions(SPEC_TYPE_2);
  assert.equal(full.length, 243 - 5 * 3);
  for (const { le } of ORDERS) {
    assert.equal(toHex(encode(le, (w) => writeType(w, EXAMPLE_STRUCTURE))), toHex(full));
  }
});

Deno.test("type codes: every scalar and array form, bounded string, compound kinds", () => {
  const cases: [FieldDesc, string][] = [
    [scalar("bool"), "00"],
    [scalar("int8"), "20"],
    [scalar("uint64"), "27"],
    [scalar("float32"), "42"],
    [scalar("float64"), "43"],
    [scalar("string"), "60"],
    [{ kind: "scalar", type: "string", bound: 10 }, "83 0a"],
    [scalarArray("bool"), "08"],
    [scalarArray("uint16"), "2d"],
    [scalarArray("float64"), "4b"],
    [scalarArray("string"), "68"],
    [{ kind: "scalarArray", type: "int32", form: "bounded", size: 300 }, "32 fe 2c 01 00 00"],
    [{ kind: "scalarArray", type: "float32", form: "fixed", size: 3 }, "5a 03"],
    [ANY, "82"],
    [ANY_ARRAY, "8a"],
    [struct("", {}), "80 00 00"],
    [structArray(struct("p", { x: scalar("int8") })), "88 80 01 70 01 01 78 20"],
    [unionArray(union("", { a: scalar("int8") })), "89 81 00 01 01 61 20"],
  ];
  for (const [t, bytes] of cases) {
    assert.equal(toHex(encode(true, (w) => writeType(w, t))), bytes, JSON.stringify(t));
    assert.deepEqual(decode(hex(bytes), true, readType), t, bytes);
  }
  assert.equal(toHex(encode(true, (w) => writeType(w, null))), "ff");
  assert.equal(decode(hex("ff"), true, readType), null);
});

Deno.test("type cache: definitions and references in nested members and struct-array elements", () => {
  // struct { a: FD 01 00 struct{x:int32}, b: FE 01 00, c: (FD 02 00 struct p{y:int8})[], d: FE 02 00 }
  const bytes = hex(`80 00 04
    01 61 fd 01 00 80 00 01 01 78 22
    01 62 fe 01 00
    01 63 88 fd 02 00 80 01 70 01 01 79 20
    01 64 fe 02 00`);
  const inner = struct("", { x: scalar("int32") });
  const p = struct("p", { y: scalar("int8") });
  const t = decode(bytes, true, readType);
  assert.deepEqual(t, struct("", { a: inner, b: inner, c: structArray(p), d: p }));
});

Deno.test("type cache: 0xFD/0xFE inside any values, and across messages of one connection", () => {
  const t = struct("", { v: ANY, w: ANY });
  const cache: TypeCache = new Map();
  // v: FD 03 00 struct{x:int32} + value 5; w: FE 03 00 + value 7 (little-endian)
  const msg1 = hex("fd 03 00 80 00 01 01 78 22 05 00 00 00 fe 03 00 07 00 00 00");
  const inner = struct("", { x: scalar("int32") });
  assert.deepEqual(decode(msg1, true, (r) => readValue(r, t), { typeCache: cache }), {
    v: { type: inner, value: { x: 5 } },
    w: { type: inner, value: { x: 7 } },
  });
  // A later message on the same connection may refer to key 3 without defining it.
  const msg2 = hex("fe 03 00 09 00 00 00 ff");
  assert.deepEqual(decode(msg2, true, (r) => readValue(r, t), { typeCache: cache }), {
    v: { type: inner, value: { x: 9 } },
    w: { type: null, value: null },
  });
});

Deno.test("type cache: 0xFC tagged definition is accepted and cached", () => {
  const cache: TypeCache = new Map();
  assert.deepEqual(
    decode(hex("fc 07 00 78 56 34 12 22"), true, readType, { typeCache: cache }),
    scalar("int32"),
  );
  assert.deepEqual(cache.get(7), scalar("int32"));
});

Deno.test("type cache: an undefined 0xFE key is a DecodeError, also inside an any value", () => {
  assert.throws(() => decode(hex("fe 09 00"), true, readType), (e) => {
    return e instanceof DecodeError && /never defined/.test(e.reason);
  });
  assert.throws(() => decode(hex("80 00 01 01 61 fe 09 00"), true, readType), DecodeError);
  assert.throws(() => decode(hex("fe 09 00 00"), true, (r) => readValue(r, ANY)), DecodeError);
});

Deno.test("type cache: a definition must hold a full description", () => {
  assert.throws(() => decode(hex("fd 01 00 ff"), true, readType), DecodeError);
  assert.throws(() => decode(hex("fd 01 00 fe 01 00"), true, readType), DecodeError);
  assert.throws(() => decode(hex("fd 01 00 fd 02 00 22"), true, readType), DecodeError);
});

Deno.test("type errors: unknown codes, bad array elements, truncation", () => {
  for (const bad of ["44", "e0", "61", "88 22", "89 80 00 00", "88 ff", "80 00 02 01 61 22", ""]) {
    assert.throws(() => decode(hex(bad), true, readType), DecodeError, bad);
  }
  const r = new Reader(hex("80 00 01 01 61 44"), true);
  assert.throws(() => readType(r), (e) => e instanceof DecodeError && e.offset === 5);
});

Deno.test("sameType: empty id equals the default id; order and names matter", () => {
  assert.ok(sameType(struct("", { a: scalar("int8") }), struct("structure", { a: scalar("int8") })));
  assert.ok(!sameType(struct("", { a: scalar("int8") }), struct("", { b: scalar("int8") })));
  assert.ok(!sameType(scalarArray("int8"), { kind: "scalarArray", type: "int8", form: "fixed", size: 0 }));
  assert.ok(sameType(union("", {}), union("union", {})));
});

Deno.test("declared fixed and bounded array sizes are capped, naming the member and the size", () => {
  // struct { flags: bool[2^27] } with the fixed form (0x18), then the same bounded (0x10) as float64.
  const fixedBool = hex("80 00 01 05 66 6c 61 67 73 18 fe 00 00 00 08");
  assert.throws(
    () => decode(fixedBool, true, readType),
    (e) =>
      e instanceof DecodeError &&
      /member flags: fixed bool array of 134217728 elements .*exceeds the limit 16777216/.test(e.reason),
  );
  const boundedDouble = hex("80 00 01 01 76 53 fe 00 00 00 40");
  assert.throws(
    () => decode(boundedDouble, true, readType),
    (e) =>
      e instanceof DecodeError && /member v: bounded float64 array of 1073741824 elements/.test(e.reason),
  );
  // At the limit it is accepted.
  const atLimit = hex("80 00 01 01 76 53 fe 00 00 00 01");
  assert.deepEqual(
    decode(atLimit, true, readType),
    struct("", { v: { kind: "scalarArray", type: "float64", form: "bounded", size: 1 << 24 } }),
  );
});
