/**
 * Full values (pvaccess-protocol.md §2.8): the spec's 85-byte example, hand-derived vectors,
 * and how numeric arrays come out of the decoder (views, copies, bigint).
 */
import assert from "node:assert/strict";
import { EncodeError } from "../../protocol/pvdata/errors.ts";
import { Reader } from "../../protocol/pvdata/reader.ts";
import { readType } from "../../protocol/pvdata/typedesc.ts";
import {
  ANY,
  ANY_ARRAY,
  type FieldDesc,
  scalar,
  scalarArray,
  struct,
  structArray,
  union,
  unionArray,
  type Value,
} from "../../protocol/pvdata/types.ts";
import { defaultValue, HOST_LITTLE_ENDIAN, readValue, writeValue } from "../../protocol/pvdata/value.ts";
import { assertSame, decode, encode, hex, ORDERS, toHex } from "./helpers.ts";
import { EXAMPLE_STRUCTURE, SPEC_TYPE_2, SPEC_VALUE } from "./spec_vectors.ts";

/** A plain number[]: writeValue accepts it for numeric arrays although `Value` does not list it. */
const plain = (xs: number[]) => xs as unknown as Value;

/** Both directions of one vector: bytes decode to `v`, and `v` encodes to the bytes. */
function roundTrip(t: FieldDesc, v: Value, bytes: string, le: boolean): void {
  assertSame(decode(hex(bytes), le, (r) => readValue(r, t)), v);
  assert.equal(toHex(encode(le, (w) => writeValue(w, t, v))), bytes);
}

// caproto notes that the spec puts 0xAABBCCDD and 0xEEEEEEEE into int32 fields, where they do
// not fit: as int32 they are the negative numbers with the same bits, which is what we expect.
const SPEC_DECODED = {
  value: new Int8Array([1, 2, 3]),
  boundedSizeArray: new Int8Array([4, 5, 6, 7, 8]),
  fixedSizeArray: new Int8Array([9, 10, 11, 12]),
  timeStamp: { secondsPastEpoch: 0x1122334455667788n, nanoseconds: 0xaabbccdd | 0, userTag: 0xeeeeeeee | 0 },
  alarm: { severity: 0x11111111, status: 0x22222222, message: "Allo, Allo!" },
  valueUnion: { name: "intValue", value: 0x33333333 },
  variantUnion: { type: scalar("string"), value: "String inside variant union." },
};

Deno.test("spec encoding example: 85 big-endian bytes of the example #2 structure", () => {
  assert.equal(SPEC_VALUE.length, 85);
  const type = decode(SPEC_TYPE_2, false, readType);
  assert.deepEqual(type, EXAMPLE_STRUCTURE);
  assertSame(decode(SPEC_VALUE, false, (r) => readValue(r, EXAMPLE_STRUCTURE)), SPEC_DECODED);
  assert.equal(
    toHex(encode(false, (w) => writeValue(w, EXAMPLE_STRUCTURE, SPEC_DECODED))),
    toHex(SPEC_VALUE),
  );
});

Deno.test("scalars: every type in both byte orders", () => {
  const cases: [FieldDesc, Value, string, string][] = [
    [scalar("bool"), true, "01", "01"],
    [scalar("int8"), -2, "fe", "fe"],
    [scalar("uint8"), 254, "fe", "fe"],
    [scalar("int16"), 0x1234, "34 12", "12 34"],
    [scalar("uint16"), 0xfedc, "dc fe", "fe dc"],
    [scalar("int32"), -2, "fe ff ff ff", "ff ff ff fe"],
    [scalar("uint32"), 0xdeadbeef, "ef be ad de", "de ad be ef"],
    [scalar("int64"), -2n, "fe ff ff ff ff ff ff ff", "ff ff ff ff ff ff ff fe"],
    [scalar("uint64"), 0xffffffffffffffffn, "ff ff ff ff ff ff ff ff", "ff ff ff ff ff ff ff ff"],
    [scalar("float32"), 1.5, "00 00 c0 3f", "3f c0 00 00"],
    [scalar("float64"), -0, "00 00 00 00 00 00 00 80", "80 00 00 00 00 00 00 00"],
    [scalar("float64"), NaN, "00 00 00 00 00 00 f8 7f", "7f f8 00 00 00 00 00 00"],
    [scalar("string"), "hi", "02 68 69", "02 68 69"],
  ];
  for (const [t, v, le, be] of cases) {
    roundTrip(t, v, le, true);
    roundTrip(t, v, be, false);
  }
  assert.equal(
    decode(hex("02"), true, (r) => readValue(r, scalar("bool"))),
    true,
    "any non-zero byte is true",
  );
});

Deno.test("64-bit scalars decode as bigint; numbers are accepted on encode", () => {
  const v = decode(hex("01 00 00 00 00 00 00 00"), true, (r) => readValue(r, scalar("int64")));
  assert.equal(typeof v, "bigint");
  assert.equal(toHex(encode(true, (w) => writeValue(w, scalar("uint64"), 1))), "01 00 00 00 00 00 00 00");
});

Deno.test("structures, unions and any: hand-derived vectors", () => {
  const t = struct("", { a: scalar("int16"), s: scalar("string") });
  roundTrip(t, { a: 0x1234, s: "hi" }, "34 12 02 68 69", true);
  roundTrip(t, { a: 0x1234, s: "hi" }, "12 34 02 68 69", false);
  const u = union("", { x: scalar("int8"), y: scalar("string") });
  roundTrip(u, { name: "y", value: "a" }, "01 01 61", true);
  roundTrip(u, { name: null, value: null }, "ff", true);
  roundTrip(ANY, { type: scalar("uint16"), value: 2 }, "25 00 02", false);
  roundTrip(ANY, { type: null, value: null }, "ff", false);
  assert.equal(toHex(encode(true, (w) => writeValue(w, t, {}))), "00 00 00", "missing members are defaults");
});

Deno.test("arrays of structures, unions and any with null elements (spec example)", () => {
  const pair = struct("", { a: scalar("int16"), b: scalar("int16") });
  const v = [{ a: 0x1111, b: 0x2222 }, null, { a: 0x3333, b: 0x4444 }];
  for (const { le } of ORDERS) roundTrip(structArray(pair), v, "03 01 11 11 22 22 00 01 33 33 44 44", le);
  const u = union("", { x: scalar("int8") });
  roundTrip(
    unionArray(u),
    [null, { name: "x", value: 5 }, { name: null, value: null }],
    "03 00 01 00 05 01 ff",
    true,
  );
  roundTrip(ANY_ARRAY, [{ type: scalar("int8"), value: -1 }, null], "02 01 20 ff 00", true);
});

Deno.test("scalar arrays: bool, string, bounded and fixed forms", () => {
  roundTrip(scalarArray("bool"), [true, false], "02 01 00", true);
  roundTrip(scalarArray("string"), ["a", ""], "02 01 61 00", true);
  roundTrip(
    { kind: "scalarArray", type: "uint16", form: "bounded", size: 4 },
    new Uint16Array([1, 2]),
    "02 00 01 00 02",
    false,
  );
  roundTrip(
    { kind: "scalarArray", type: "int8", form: "fixed", size: 2 },
    new Int8Array([3, 4]),
    "03 04",
    true,
  );
  assert.throws(
    () =>
      encode(
        true,
        (w) => writeValue(w, { kind: "scalarArray", type: "int8", form: "fixed", size: 2 }, plain([1])),
      ),
    EncodeError,
  );
  assert.equal(
    toHex(encode(false, (w) => writeValue(w, scalarArray("int16"), plain([1, 2])))),
    "02 00 01 00 02",
  );
  assert.equal(
    toHex(encode(true, (w) => writeValue(w, scalarArray("int64"), plain([1])))),
    "01 01 00 00 00 00 00 00 00",
  );
});

/** A float64[] of [1.5, -2] whose elements start at byte `at` of a fresh buffer. */
function float64ArrayAt(at: number, le: boolean): { input: Uint8Array; reader: Reader } {
  const body = encode(le, (w) => writeValue(w, scalarArray("float64"), new Float64Array([1.5, -2])));
  const input = new Uint8Array(at - 1 + body.length);
  input.set(body, at - 1);
  return { input, reader: new Reader(input.subarray(at - 1), le) };
}

Deno.test("numeric arrays: host order and aligned decode as views on the input buffer", () => {
  const { input, reader } = float64ArrayAt(8, HOST_LITTLE_ENDIAN);
  const v = readValue(reader, scalarArray("float64"));
  assert.ok(v instanceof Float64Array);
  assert.equal(v.buffer, input.buffer);
  assert.equal(v.byteOffset, 8);
  assert.deepEqual([...v], [1.5, -2]);
});

Deno.test("numeric arrays: misaligned or foreign-order data decode as correct copies", () => {
  for (
    const [at, le] of [[7, HOST_LITTLE_ENDIAN], [8, !HOST_LITTLE_ENDIAN], [5, !HOST_LITTLE_ENDIAN]] as const
  ) {
    const { input, reader } = float64ArrayAt(at, le);
    const v = readValue(reader, scalarArray("float64"));
    assert.ok(v instanceof Float64Array);
    assert.notEqual(v.buffer, input.buffer, `at ${at}, le ${le}`);
    assert.deepEqual([...v], [1.5, -2]);
  }
  const be = decode(hex("02 00 00 00 01 ff ff ff ff"), false, (r) => readValue(r, scalarArray("int32")));
  assert.ok(be instanceof Int32Array);
  assert.deepEqual([...be], [1, -1]);
  const big = decode(hex("01 ff ff ff ff ff ff ff fe"), false, (r) => readValue(r, scalarArray("uint64")));
  assert.ok(big instanceof BigUint64Array);
  assert.deepEqual([...big], [0xfffffffffffffffen]);
});

Deno.test("numeric arrays: byte arrays are views in either byte order", () => {
  for (const { le } of ORDERS) {
    const input = hex("03 01 02 ff");
    const v = readValue(new Reader(input, le), scalarArray("uint8"));
    assert.ok(v instanceof Uint8Array && v.buffer === input.buffer);
    assert.deepEqual([...v], [1, 2, 255]);
  }
});

Deno.test("defaultValue: zeros, empty strings and arrays, unselected unions", () => {
  const t = struct("", {
    i: scalar("int32"),
    l: scalar("uint64"),
    b: scalar("bool"),
    s: scalar("string"),
    a: scalarArray("float32"),
    f: { kind: "scalarArray", type: "string", form: "fixed", size: 2 },
    u: union("", { x: scalar("int8") }),
    any: ANY,
    sa: structArray(struct("", {})),
  });
  assertSame(defaultValue(t), {
    i: 0,
    l: 0n,
    b: false,
    s: "",
    a: new Float32Array(0),
    f: [],
    u: { name: null, value: null },
    any: { type: null, value: null },
    sa: [],
  });
});

Deno.test("defaultValue: a fixed array declared huge costs nothing until written, then it is zeros", () => {
  const huge: FieldDesc = { kind: "scalarArray", type: "bool", form: "fixed", size: 2 ** 27 };
  const t = struct("", { a: huge, b: huge, c: huge, d: huge });
  // Before the fix this built four 2^27-element arrays (several GiB); now each is empty.
  assertSame(defaultValue(t), { a: [], b: [], c: [], d: [] });
  const fixed = (type: "int16" | "string" | "bool", size: number): FieldDesc => ({
    kind: "scalarArray",
    type,
    form: "fixed",
    size,
  });
  for (const { le } of ORDERS) {
    assert.equal(
      toHex(encode(le, (w) => writeValue(w, fixed("int16", 3), defaultValue(fixed("int16", 3))))),
      "00 00 00 00 00 00",
    );
    // A missing member is written as its default too; empty strings and false are one zero byte each.
    const s = struct("", { s: fixed("string", 2), b: fixed("bool", 1) });
    assert.equal(toHex(encode(le, (w) => writeValue(w, s, {}))), "00 00 00");
    assertSame(decode(hex("00 00 00"), le, (r) => readValue(r, s)), { s: ["", ""], b: [false] });
  }
});

Deno.test("encode errors name the field", () => {
  const t = struct("", { inner: struct("", { x: scalar("int32") }) });
  assert.throws(() => encode(true, (w) => writeValue(w, t, { inner: { x: "no" } })), /inner\.x/);
  assert.throws(
    () => encode(true, (w) => writeValue(w, union("", {}), { name: "zz", value: 1 })),
    EncodeError,
  );
});
