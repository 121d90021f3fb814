/** NTNDArray: both type orders, the frame builder, reading by name, wire round trips, errors. */
import assert from "node:assert/strict";
import {
  ARRAY_CONSTRUCTORS,
  scalar,
  SCALAR_WIDTH,
  struct,
  type StructureDesc,
  type StructValue,
  type Typed,
} from "../../protocol/pvdata/types.ts";
import { HOST_LITTLE_ENDIAN, readValue, writeValue } from "../../protocol/pvdata/value.ts";
import { readNonNullType, writeType } from "../../protocol/pvdata/typedesc.ts";
import { Reader } from "../../protocol/pvdata/reader.ts";
import { Writer } from "../../protocol/pvdata/writer.ts";
import {
  NDARRAY_MEMBERS,
  NT_NDARRAY_ID,
  ntAttribute,
  NTError,
  ntNDArray,
  ntNDArrayType,
  ntNDArrayTypePvxs,
  ntScalar,
  readNTNDArray,
  timeStampFrom,
} from "../../protocol/nt/mod.ts";
import { ORDERS } from "../pvdata/helpers.ts";
import { viaWire } from "./helpers.ts";

const names = (t: StructureDesc) => t.fields.map((m) => m.name);
const int32 = (value: number) => ({ type: scalar("int32"), value });

function frame(): Typed {
  return ntNDArray({
    data: Uint16Array.from({ length: 12 }, (_, i) => i * 1000),
    dims: [4, 3],
    uniqueId: 17,
    timeStamp: timeStampFrom(2000, 1),
    dataTimeStamp: timeStampFrom(1500),
    attributes: [
      ntAttribute("ColorMode", int32(0), "Color mode"),
      ntAttribute("Model", { type: scalar("string"), value: "sim" }).value,
    ],
    descriptor: "detector",
    alarm: { severity: 1 },
  });
}

Deno.test("NTNDArray types: normativeTypesCPP and pvxs field orders", () => {
  assert.equal(ntNDArrayType.id, NT_NDARRAY_ID);
  assert.deepEqual(names(ntNDArrayType), [
    "value",
    "codec",
    "compressedSize",
    "uncompressedSize",
    "dimension",
    "uniqueId",
    "dataTimeStamp",
    "attribute",
    "descriptor",
    "alarm",
    "timeStamp",
    "display",
  ]);
  assert.deepEqual(names(ntNDArrayTypePvxs), [
    "value",
    "codec",
    "compressedSize",
    "uncompressedSize",
    "uniqueId",
    "dataTimeStamp",
    "alarm",
    "timeStamp",
    "dimension",
    "attribute",
  ]);
  const union = ntNDArrayType.fields[0].type as StructureDesc;
  assert.deepEqual(names(union), [
    "booleanValue",
    "byteValue",
    "shortValue",
    "intValue",
    "longValue",
    "ubyteValue",
    "ushortValue",
    "uintValue",
    "ulongValue",
    "floatValue",
    "doubleValue",
  ]);
  assert.ok(union.fields.every((m) => m.type.kind === "scalarArray"));
});

Deno.test("ntNDArray: one shared type; sizes, dimensions and defaults", () => {
  const f = frame();
  assert.equal(f.type, ntNDArrayType);
  assert.equal(ntNDArray({ data: new Uint8Array(1), dims: [1] }).type, ntNDArrayType);
  const v = f.value;
  assert.equal((v.value as { name: string }).name, "ushortValue");
  assert.equal(v.compressedSize, 24n);
  assert.equal(v.uncompressedSize, 24n);
  assert.deepEqual(v.dimension, [
    { size: 4, offset: 0, fullSize: 4, binning: 1, reverse: false },
    { size: 3, offset: 0, fullSize: 3, binning: 1, reverse: false },
  ]);
  assert.deepEqual(v.codec, { name: "", parameters: { type: null, value: null } });
  assert.equal((v.attribute as StructValue[]).length, 2);
  // Without time stamps the frame is stamped now, and the data time equals the publication time.
  const before = BigInt(Math.floor(Date.now() / 1000));
  const now = ntNDArray({ data: new Uint8Array(1), dims: [1] }).value;
  const ts = now.timeStamp as { secondsPastEpoch: bigint };
  assert.ok(ts.secondsPastEpoch >= before);
  assert.deepEqual(now.dataTimeStamp, now.timeStamp);
  assert.equal(now.uniqueId, 0);
});

Deno.test("ntNDArray: the union member follows the typed array", () => {
  for (const [t, C] of Object.entries(ARRAY_CONSTRUCTORS)) {
    const f = ntNDArray({ data: new C(6), dims: [3, 2] });
    assert.equal(
      (f.value.value as { name: string }).name,
      NDARRAY_MEMBERS[t as keyof typeof NDARRAY_MEMBERS],
    );
    assert.equal(f.value.uncompressedSize, BigInt(6 * SCALAR_WIDTH[t as keyof typeof SCALAR_WIDTH]));
    const got = readNTNDArray(viaWire(f, true));
    assert.equal(got.elementType, t);
    assert.ok(got.data instanceof C, t);
  }
});

Deno.test("ntNDArray: compressed frames take their uncompressed size from the codec", () => {
  const lz4 = { name: "lz4", parameters: int32(6) }; // 6 = ushort
  const f = ntNDArray({ data: new Uint8Array(100), dims: [64, 32], codec: lz4 });
  assert.equal((f.value.value as { name: string }).name, "ubyteValue");
  assert.equal(f.value.compressedSize, 100n);
  assert.equal(f.value.uncompressedSize, BigInt(64 * 32 * 2));
  const given = ntNDArray({ data: new Uint8Array(100), dims: [64, 32], codec: lz4, uncompressedSize: 5 });
  assert.equal(given.value.uncompressedSize, 5n);
  for (const { le, name } of ORDERS) {
    const got = readNTNDArray(viaWire(f, le));
    assert.equal(got.elementType, "uint16", name);
    assert.deepEqual(got.codec, lz4, name);
    assert.deepEqual([got.compressedSize, got.uncompressedSize], [100, 4096], name);
  }
});

Deno.test("ntNDArray: NTErrors for inconsistent frames", () => {
  const at = (field: string) => (e: unknown) => e instanceof NTError && e.field === field;
  assert.throws(() => ntNDArray({ data: new Uint8Array(5), dims: [2, 2] }), at("dimension"));
  const lz4 = { name: "lz4", parameters: int32(6) };
  assert.throws(() => ntNDArray({ data: new Uint16Array(5), dims: [2, 2], codec: lz4 }), at("value"));
  const bare = { name: "lz4", parameters: { type: null, value: null } };
  assert.throws(
    () => ntNDArray({ data: new Uint8Array(5), dims: [2, 2], codec: bare }),
    at("uncompressedSize"),
  );
  const bool = { name: "lz4", parameters: int32(0) };
  assert.throws(
    () => ntNDArray({ data: new Uint8Array(5), dims: [2, 2], codec: bool }),
    at("uncompressedSize"),
  );
});

Deno.test("readNTNDArray: both field orders, both byte orders, same result", () => {
  const f = frame();
  const results: ReturnType<typeof readNTNDArray>[] = [];
  for (const { le, name } of ORDERS) {
    for (const type of [ntNDArrayType, ntNDArrayTypePvxs]) {
      const got = readNTNDArray(viaWire(f, le, type));
      assert.deepEqual(got.data, (f.value.value as { value: Uint16Array }).value, name);
      assert.equal(got.elementType, "uint16");
      assert.deepEqual(got.dims, [4, 3]);
      assert.equal(got.uniqueId, 17);
      assert.deepEqual([got.compressedSize, got.uncompressedSize], [24, 24]);
      assert.deepEqual(got.timeStamp, { secondsPastEpoch: 2n, nanoseconds: 0, userTag: 1 });
      assert.deepEqual(got.dataTimeStamp, { secondsPastEpoch: 1n, nanoseconds: 500_000_000, userTag: 0 });
      assert.deepEqual([...got.attributes], [["ColorMode", 0], ["Model", "sim"]]);
      assert.equal(got.colorMode, 0);
      assert.equal(got.alarm?.severity, 1);
      results.push(got);
    }
  }
  // The pvxs layout has no descriptor or display: the only difference between the orders.
  const strip = ({ descriptor: _d, display: _p, ...rest }: ReturnType<typeof readNTNDArray>) => rest;
  for (const r of results) assert.deepEqual(strip(r), strip(results[0]));
  assert.equal(results[0].descriptor, "detector");
  assert.equal(results[1].descriptor, undefined);
});

Deno.test("readNTNDArray: host-order data is a view on the received bytes", () => {
  const data = Uint8Array.from({ length: 1024 }, (_, i) => i & 0xff);
  const w = new Writer(HOST_LITTLE_ENDIAN);
  writeType(w, ntNDArrayType);
  writeValue(w, ntNDArrayType, ntNDArray({ data, dims: [32, 32] }).value);
  const bytes = w.toBytes();
  const r = new Reader(bytes, HOST_LITTLE_ENDIAN);
  const type = readNonNullType(r, "frame");
  const got = readNTNDArray({ type, value: readValue(r, type) as StructValue });
  assert.equal(got.data.buffer, bytes.buffer);
  assert.deepEqual(got.data, data);
});

Deno.test("readNTNDArray: a booleanValue array reads as a Uint8Array of 0 and 1", () => {
  const bools = { ...frame().value, value: { name: "booleanValue", value: [true, false, true] } };
  for (const { le, name } of ORDERS) {
    const got = readNTNDArray(viaWire({ type: ntNDArrayType, value: bools }, le));
    assert.equal(got.elementType, "bool", name);
    assert.deepEqual(got.data, new Uint8Array([1, 0, 1]), name);
  }
  assert.throws(
    () => readNTNDArray({ ...bools, value: { name: "booleanValue", value: new Uint8Array(1) } }),
    NTError,
  );
});

Deno.test("readNTNDArray: ColorMode attribute sets colorMode, bigint or number", () => {
  const rgb = (value: unknown) =>
    ntNDArray({
      data: new Uint8Array(3 * 4),
      dims: [3, 2, 2],
      attributes: [ntAttribute("ColorMode", value as ReturnType<typeof int32>)],
    });
  assert.equal(readNTNDArray(rgb(int32(2))).colorMode, 2);
  assert.equal(readNTNDArray(rgb({ type: scalar("int64"), value: 4n })).colorMode, 4);
  assert.equal(readNTNDArray(rgb({ type: scalar("string"), value: "RGB1" })).colorMode, 0);
});

Deno.test("readNTNDArray: typed NTErrors on what is not an NTNDArray", () => {
  const at = (field: string) => (e: unknown) =>
    e instanceof NTError && e.ntType === "NTNDArray" && e.field === field;
  const v = frame().value;
  const withValue = (value: unknown) => ({ ...v, value }) as StructValue;
  assert.throws(() => readNTNDArray(ntScalar("int32", 1)), at(""));
  assert.throws(() => readNTNDArray({ ...v, value: undefined } as never), at("value"));
  assert.throws(() => readNTNDArray(withValue({ name: null, value: null })), at("value"));
  assert.throws(() => readNTNDArray(withValue({ name: "charValue", value: new Uint8Array(1) })), at("value"));
  assert.throws(
    () => readNTNDArray(withValue({ name: "ushortValue", value: new Uint8Array(1) })),
    at("value.ushortValue"),
  );
  assert.throws(() => readNTNDArray(withValue(new Uint8Array(1))), at("value"));
  assert.throws(() => readNTNDArray({ ...v, codec: undefined } as never), at("codec"));
  assert.throws(() => readNTNDArray({ ...v, codec: { name: 1, parameters: int32(0) } }), at("codec.name"));
  assert.throws(
    () => readNTNDArray({ ...v, codec: { name: "lz4", parameters: int32(11) } }),
    at("codec.parameters"),
  );
  assert.throws(() => readNTNDArray({ ...v, codec: { name: "", parameters: 3 } }), at("codec.parameters"));
  assert.throws(() => readNTNDArray({ ...v, dimension: undefined } as never), at("dimension"));
  assert.throws(() => readNTNDArray({ ...v, dimension: [null] }), at("dimension[0]"));
  assert.throws(() => readNTNDArray({ ...v, dimension: [{ offset: 0 }] }), at("dimension[0].size"));
  assert.throws(() => readNTNDArray({ ...v, uniqueId: "7" }), at("uniqueId"));
  assert.throws(() => readNTNDArray({ ...v, dataTimeStamp: 5 }), at("dataTimeStamp"));
  // A typed input is checked against its type: the member must be declared with that element type.
  const t = struct(NT_NDARRAY_ID, {
    ...Object.fromEntries(ntNDArrayType.fields.map((m) => [m.name, m.type])),
    value: { kind: "union", id: "", fields: [{ name: "ushortValue", type: scalar("uint16") }] },
  });
  assert.throws(() => readNTNDArray({ type: t, value: v }), at("value.ushortValue"));
});
