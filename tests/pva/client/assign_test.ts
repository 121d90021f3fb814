/** How put input becomes a value of the PUT type (no server needed). */
import assert from "node:assert/strict";
import { assign } from "../../../protocol/pva/client/assign.ts";
import { EncodeError } from "../../../protocol/pvdata/errors.ts";
import { bitOf } from "../../../protocol/pvdata/partial.ts";
import { scalar, scalarArray, struct } from "../../../protocol/pvdata/types.ts";
import { defaultValue } from "../../../protocol/pvdata/value.ts";
import type { StructValue } from "../../../protocol/pvdata/types.ts";

const T = struct("", {
  value: scalar("float64"),
  count: scalar("int64"),
  arr: scalarArray("uint16"),
  names: scalarArray("string"),
  alarm: struct("alarm_t", { severity: scalar("int32"), message: scalar("string") }),
  mode: struct("enum_t", { index: scalar("int32"), choices: scalarArray("string") }),
});
const current: StructValue = {
  ...defaultValue(T) as StructValue,
  mode: { index: 0, choices: ["Off", "On"] },
};

Deno.test("assign: a bare value means the value field, converted and marked", () => {
  const { value, changed } = assign(T, current, "2.5");
  assert.equal(value.value, 2.5);
  assert.deepEqual([...changed], [bitOf(T, "value")]);
  assert.equal(current.value, 0, "the current value is not modified");
});

Deno.test("assign: 64-bit fields get bigint, arrays the field's typed array", () => {
  const { value, changed } = assign(T, current, { count: 2 ** 53, arr: [1, 70000 % 65536], names: [1, "b"] });
  assert.equal(value.count, 2n ** 53n);
  assert.ok(value.arr instanceof Uint16Array);
  assert.deepEqual([...value.arr as Uint16Array], [1, 4464]);
  assert.deepEqual(value.names, ["1", "b"]);
  assert.deepEqual([...changed], [bitOf(T, "count"), bitOf(T, "arr"), bitOf(T, "names")]);
});

Deno.test("assign: nested objects and dotted keys mark only the leaves given", () => {
  const { value, changed } = assign(T, current, { alarm: { severity: 2 }, "alarm.message": "hi" });
  assert.deepEqual(value.alarm, { severity: 2, message: "hi" });
  assert.deepEqual([...changed], [bitOf(T, "alarm.severity"), bitOf(T, "alarm.message")]);
  assert.equal(value.mode, current.mode, "untouched branches are shared");
});

Deno.test("assign: an enum takes a choice name or an index", () => {
  assert.equal((assign(T, current, { mode: "On" }).value.mode as StructValue).index, 1);
  assert.equal((assign(T, current, { mode: 0 }).value.mode as StructValue).index, 0);
  assert.deepEqual([...assign(T, current, { mode: "On" }).changed], [bitOf(T, "mode.index")]);
  assert.throws(() => assign(T, current, { mode: "Auto" }), /not one of \["Off","On"\]/);
});

Deno.test("assign: unknown fields and values that do not fit are EncodeErrors naming the field", () => {
  assert.throws(
    () => assign(T, current, { nope: 1 }),
    (e) => e instanceof EncodeError && /nope/.test(e.message),
  );
  assert.throws(() => assign(T, current, { value: "abc" }), /value: "abc" does not fit float64/);
  assert.throws(() => assign(T, current, { count: 1.5e400 }), /count/);
  assert.throws(() => assign(T, current, { arr: 3 }), /arr: expected an array/);
});
