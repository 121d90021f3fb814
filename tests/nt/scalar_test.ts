/** NTScalar and NTScalarArray: building, reading by name, wire round trips, errors. */
import assert from "node:assert/strict";
import { scalar, scalarArray, struct, type StructureDesc } from "../../protocol/pvdata/types.ts";
import {
  ALARM_T,
  NT_SCALAR_ARRAY_ID,
  NT_SCALAR_ID,
  ntEnum,
  NTError,
  ntScalar,
  ntScalarArray,
  readNTScalar,
  TIME_T,
  timeStampFrom,
} from "../../protocol/nt/mod.ts";
import { ORDERS } from "../pvdata/helpers.ts";
import { viaWire } from "./helpers.ts";

const names = (t: StructureDesc) => t.fields.map((m) => m.name);

Deno.test("ntScalar: only the value unless options are given, then in NT order", () => {
  const bare = ntScalar("int32", 5);
  assert.equal((bare.type as StructureDesc).id, NT_SCALAR_ID);
  assert.deepEqual(names(bare.type as StructureDesc), ["value"]);
  assert.deepEqual(bare.value, { value: 5 });

  const full = ntScalar("float64", 1.5, {
    control: { minStep: 0.1 },
    display: { units: "mm" },
    timeStamp: timeStampFrom(1000),
    alarm: {},
    descriptor: "position",
  });
  const t = full.type as StructureDesc;
  assert.deepEqual(names(t), ["value", "descriptor", "alarm", "timeStamp", "display", "control"]);
  assert.deepEqual(t.fields[0].type, scalar("float64"));
  assert.equal(t.fields[2].type, ALARM_T);
  assert.equal(t.fields[3].type, TIME_T);
  assert.equal(full.value.descriptor, "position");
  assert.deepEqual(full.value.alarm, { severity: 0, status: 0, message: "" });
  assert.deepEqual(full.value.timeStamp, { secondsPastEpoch: 1n, nanoseconds: 0, userTag: 0 });
  assert.equal((full.value.display as { units: string }).units, "mm");
  assert.deepEqual(full.value.control, { limitLow: 0, limitHigh: 0, minStep: 0.1 });
});

Deno.test("ntScalar: one type object per scalar type and choice of options", () => {
  assert.equal(
    ntScalar("int32", 1, { alarm: {} }).type,
    ntScalar("int32", 2, { alarm: { severity: 1 } }).type,
  );
  assert.notEqual(ntScalar("int32", 1).type, ntScalar("int32", 1, { alarm: {} }).type);
  assert.notEqual(ntScalar("int32", 1).type, ntScalar("int16", 1).type);
  assert.notEqual(ntScalar("int32", 1).type, ntScalarArray("int32", [1]).type);
});

Deno.test("ntScalarArray: typed or plain arrays, id NTScalarArray", () => {
  const a = ntScalarArray("int16", new Int16Array([1, -2]), { timeStamp: {} });
  assert.equal((a.type as StructureDesc).id, NT_SCALAR_ARRAY_ID);
  assert.deepEqual((a.type as StructureDesc).fields[0].type, scalarArray("int16"));
  for (const { le, name } of ORDERS) {
    assert.deepEqual(readNTScalar(viaWire(a, le)).value, new Int16Array([1, -2]), name);
    // Plain arrays are converted on encoding and come back as typed arrays.
    const plain = viaWire(ntScalarArray("float32", [0.5, 2]), le);
    assert.deepEqual(readNTScalar(plain).value, new Float32Array([0.5, 2]), name);
    const strings = viaWire(ntScalarArray("string", ["a", "bc"]), le);
    assert.deepEqual(readNTScalar(strings).value, ["a", "bc"], name);
  }
});

Deno.test("readNTScalar: round trips in both byte orders keep value and options", () => {
  const pv = ntScalar("int64", 1n << 40n, {
    descriptor: "d",
    alarm: { severity: 2, status: 3, message: "m" },
    timeStamp: timeStampFrom(1234.5, 7),
    display: { limitHigh: 10, form: { index: 1, choices: ["Default", "String"] } },
    control: { limitLow: -1 },
  });
  for (const { le, name } of ORDERS) {
    const got = readNTScalar(viaWire(pv, le));
    assert.deepEqual(got, { ...pv.value, value: 1n << 40n }, name);
  }
});

Deno.test("readNTScalar: finds fields by name in the pvxs order and on bare values", () => {
  // pvxs: value, alarm, timeStamp, display (without descriptor) - a different order.
  const pvxsType = struct(NT_SCALAR_ID, {
    value: scalar("uint16"),
    alarm: ALARM_T,
    timeStamp: TIME_T,
    display: struct("", { limitLow: scalar("uint16"), limitHigh: scalar("uint16"), units: scalar("string") }),
  });
  const value = {
    value: 42,
    alarm: { severity: 1, status: 0, message: "" },
    timeStamp: { secondsPastEpoch: 5n, nanoseconds: 6, userTag: 0 },
    display: { limitLow: 0, limitHigh: 100, units: "V" },
  };
  for (const { le, name } of ORDERS) {
    const got = readNTScalar(viaWire({ type: pvxsType, value }, le));
    assert.equal(got.value, 42, name);
    assert.equal(got.alarm?.severity, 1, name);
    assert.equal(got.timeStamp?.secondsPastEpoch, 5n, name);
    assert.equal(got.display?.units, "V", name);
    assert.equal(got.descriptor, undefined, name);
  }
  assert.equal(readNTScalar({ value: "text" }).value, "text");
});

Deno.test("readNTScalar: typed NTError on non-NTScalar input", () => {
  const err = (field: string) => (e: unknown) => e instanceof NTError && e.field === field;
  assert.throws(() => readNTScalar(ntEnum(0, ["a"])), err(""));
  assert.throws(() => readNTScalar({ alarm: {} }), err("value"));
  assert.throws(() => readNTScalar({ value: { x: 1 } }), err("value"));
  assert.throws(() => readNTScalar({ value: 1, descriptor: 3 }), err("descriptor"));
  assert.throws(() => readNTScalar({ value: 1, alarm: "bad" }), err("alarm"));
  // A typed input is judged by its type: a structure member named value is not a scalar.
  const odd = { type: struct(NT_SCALAR_ID, { value: struct("", {}) }), value: { value: {} } };
  assert.throws(() => readNTScalar(odd), err("value"));
  assert.throws(() => readNTScalar(null as never), NTError);
});
