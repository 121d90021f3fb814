/** Sub-structures, time conversions, isNT and array element types. */
import assert from "node:assert/strict";
import { ARRAY_CONSTRUCTORS, type StructureDesc } from "../../protocol/pvdata/types.ts";
import {
  alarm,
  ALARM_T,
  arrayScalarType,
  arrayValue,
  CODEC_T,
  control,
  CONTROL_T,
  dimension,
  DIMENSION_T,
  display,
  DISPLAY_T,
  ENUM_T,
  enumOf,
  isNT,
  TIME_T,
  timeStamp,
  timeStampFrom,
  timeStampNow,
  toDate,
  typedArrayType,
} from "../../protocol/nt/mod.ts";

const names = (t: StructureDesc) => t.fields.map((m) => m.name);

Deno.test("sub-structure types carry their ids and the pvxs member order", () => {
  assert.deepEqual([ALARM_T.id, ...names(ALARM_T)], ["alarm_t", "severity", "status", "message"]);
  assert.deepEqual([TIME_T.id, ...names(TIME_T)], ["time_t", "secondsPastEpoch", "nanoseconds", "userTag"]);
  assert.deepEqual([ENUM_T.id, ...names(ENUM_T)], ["enum_t", "index", "choices"]);
  assert.deepEqual(
    [DISPLAY_T.id, ...names(DISPLAY_T)],
    ["display_t", "limitLow", "limitHigh", "description", "units", "precision", "form"],
  );
  assert.equal(DISPLAY_T.fields[5].type, ENUM_T);
  assert.deepEqual([CONTROL_T.id, ...names(CONTROL_T)], ["control_t", "limitLow", "limitHigh", "minStep"]);
  assert.deepEqual([CODEC_T.id, ...names(CODEC_T)], ["codec_t", "name", "parameters"]);
  assert.deepEqual(CODEC_T.fields[1].type, { kind: "any" });
  assert.deepEqual(
    [DIMENSION_T.id, ...names(DIMENSION_T)],
    ["dimension_t", "size", "offset", "fullSize", "binning", "reverse"],
  );
});

Deno.test("value builders fill what is left out with defaults", () => {
  assert.deepEqual(alarm({ severity: 2, message: "HIHI" }), { severity: 2, status: 0, message: "HIHI" });
  assert.deepEqual(timeStamp({ userTag: 3 }), { secondsPastEpoch: 0n, nanoseconds: 0, userTag: 3 });
  assert.deepEqual(control({ minStep: 0.5 }), { limitLow: 0, limitHigh: 0, minStep: 0.5 });
  assert.deepEqual(display({ units: "mm", precision: 3 }), {
    limitLow: 0,
    limitHigh: 0,
    description: "",
    units: "mm",
    precision: 3,
    form: { index: 0, choices: [] },
  });
  assert.deepEqual(enumOf(1, ["a", "b"]), { index: 1, choices: ["a", "b"] });
  assert.deepEqual(dimension(512), { size: 512, offset: 0, fullSize: 512, binning: 1, reverse: false });
});

Deno.test("value builders never share mutable defaults between calls", () => {
  const a = display();
  a.form.choices.push("changed");
  assert.deepEqual(display().form.choices, []);
});

Deno.test("timeStampFrom splits milliseconds into seconds and nanoseconds", () => {
  assert.deepEqual(timeStampFrom(1500), { secondsPastEpoch: 1n, nanoseconds: 500_000_000, userTag: 0 });
  assert.deepEqual(timeStampFrom(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)), 9), {
    secondsPastEpoch: BigInt(Date.UTC(2024, 0, 2, 3, 4, 5) / 1000),
    nanoseconds: 678_000_000,
    userTag: 9,
  });
  // Before the epoch the nanoseconds stay positive and the seconds go down.
  assert.deepEqual(timeStampFrom(-1), { secondsPastEpoch: -1n, nanoseconds: 999_000_000, userTag: 0 });
  // Sub-millisecond fractions survive; a fraction that rounds to a full second carries over.
  assert.equal(timeStampFrom(2000.25).nanoseconds, 250_000);
  assert.deepEqual(timeStampFrom(999.9999999), { secondsPastEpoch: 1n, nanoseconds: 0, userTag: 0 });
});

Deno.test("toDate inverts timeStampFrom to the millisecond", () => {
  for (const ms of [0, 1, 1500, 1_700_000_000_123, -2500]) {
    assert.equal(toDate(timeStampFrom(ms)).getTime(), ms);
  }
  assert.equal(toDate({ secondsPastEpoch: 10n, nanoseconds: 999_999_999, userTag: 0 }).getTime(), 10_999);
});

Deno.test("timeStampNow follows the wall clock and does not go backwards", () => {
  const before = Date.now();
  const a = timeStampNow(5);
  const b = timeStampNow();
  const after = Date.now();
  const ms = toDate(a).getTime();
  // The monotonic clock may drift from the wall clock by a little; allow 1 s.
  assert.ok(ms >= before - 1000 && ms <= after + 1000, `${ms} not near [${before}, ${after}]`);
  assert.equal(a.userTag, 5);
  assert.ok(b.secondsPastEpoch > a.secondsPastEpoch || b.nanoseconds >= a.nanoseconds);
});

Deno.test("isNT matches the name and major version 1, any minor version", () => {
  const s = (id: string): StructureDesc => ({ kind: "structure", id, fields: [] });
  assert.ok(isNT(s("epics:nt/NTNDArray:1.0"), "NTNDArray"));
  assert.ok(isNT(s("epics:nt/NTNDArray:1.12"), "NTNDArray"));
  for (
    const id of ["epics:nt/NTNDArray:2.0", "epics:nt/NTNDArray:1.", "epics:nt/NTNDArrayX:1.0", "NTNDArray"]
  ) {
    assert.ok(!isNT(s(id), "NTNDArray"), id);
  }
  assert.ok(!isNT(s("epics:nt/NTScalar:1.0"), "NTNDArray"));
  assert.ok(!isNT({ kind: "union", id: "epics:nt/NTNDArray:1.0", fields: [] }, "NTNDArray"));
  assert.ok(!isNT(null, "NTNDArray"));
});

Deno.test("typedArrayType and arrayScalarType name element types", () => {
  for (const [t, C] of Object.entries(ARRAY_CONSTRUCTORS)) {
    assert.equal(typedArrayType(new C(1)), t);
    assert.equal(arrayScalarType(new C(1)), t);
  }
  assert.throws(() => typedArrayType(new Uint8ClampedArray(1) as unknown as Uint8Array), TypeError);
  assert.equal(arrayScalarType(["a"]), "string");
  assert.equal(arrayScalarType([]), "string");
  assert.equal(arrayScalarType([true, false]), "bool");
  assert.equal(arrayScalarType([1, 2.5]), "float64");
  assert.equal(arrayScalarType([1, "a"]), undefined);
  assert.equal(arrayScalarType(new DataView(new ArrayBuffer(1))), undefined);
  assert.equal(arrayScalarType("abc"), undefined);
});

Deno.test("arrayValue turns plain numbers into the typed array of a numeric type", () => {
  assert.deepEqual(arrayValue("int64", [1, -2]), new BigInt64Array([1n, -2n]));
  assert.deepEqual(arrayValue("uint8", [1, 255]), new Uint8Array([1, 255]));
  const strings = ["a"];
  assert.equal(arrayValue("string", strings), strings);
  const typed = new Int32Array(2);
  assert.equal(arrayValue("int32", typed), typed);
});
