/** NTEnum: building, reading, wire round trips, errors. */
import assert from "node:assert/strict";
import type { StructureDesc } from "../../protocol/pvdata/types.ts";
import { ENUM_T, NT_ENUM_ID, ntEnum, NTError, ntScalar, readNTEnum } from "../../protocol/nt/mod.ts";
import { ORDERS } from "../pvdata/helpers.ts";
import { viaWire } from "./helpers.ts";

Deno.test("ntEnum: value is an enum_t, options follow", () => {
  const e = ntEnum(1, ["Off", "On"], { alarm: {}, timeStamp: {} });
  const t = e.type as StructureDesc;
  assert.equal(t.id, NT_ENUM_ID);
  assert.deepEqual(t.fields.map((m) => m.name), ["value", "alarm", "timeStamp"]);
  assert.equal(t.fields[0].type, ENUM_T);
  assert.deepEqual(e.value.value, { index: 1, choices: ["Off", "On"] });
  assert.equal(ntEnum(0, ["x"], { alarm: {}, timeStamp: {} }).type, t);
});

Deno.test("readNTEnum: round trips in both byte orders", () => {
  const e = ntEnum(2, ["a", "b", "ç"], { descriptor: "mode", alarm: { severity: 1 } });
  for (const { le, name } of ORDERS) {
    const got = readNTEnum(viaWire(e, le));
    assert.equal(got.index, 2, name);
    assert.deepEqual(got.choices, ["a", "b", "ç"], name);
    assert.equal(got.descriptor, "mode", name);
    assert.equal(got.alarm?.severity, 1, name);
    assert.equal(got.timeStamp, undefined, name);
  }
});

Deno.test("readNTEnum: NTError naming the bad field", () => {
  const field = (f: string) => (e: unknown) => e instanceof NTError && e.ntType === "NTEnum" && e.field === f;
  assert.throws(() => readNTEnum(ntScalar("int32", 1)), field(""));
  assert.throws(() => readNTEnum({ value: 1 }), field("value"));
  assert.throws(() => readNTEnum({ value: { choices: [] } }), field("value.index"));
  assert.throws(() => readNTEnum({ value: { index: 0, choices: [1] } } as never), field("value.choices"));
});
