/** NTAttribute: the builder, both element layouts on the wire, reading attribute lists. */
import assert from "node:assert/strict";
import { scalar, scalarArray, type StructureDesc } from "../../protocol/pvdata/types.ts";
import {
  NT_ATTRIBUTE_ID,
  NT_ATTRIBUTE_T,
  NT_ATTRIBUTE_T_PVXS,
  ntAttribute,
  NTError,
  readAttributes,
  SourceType,
} from "../../protocol/nt/mod.ts";
import { ORDERS } from "../pvdata/helpers.ts";
import { viaWire } from "./helpers.ts";

const names = (t: StructureDesc) => t.fields.map((m) => m.name);

Deno.test("attribute element layouts: normativeTypesCPP and pvxs", () => {
  assert.equal(NT_ATTRIBUTE_T.id, NT_ATTRIBUTE_ID);
  assert.deepEqual(names(NT_ATTRIBUTE_T), ["name", "value", "descriptor", "sourceType", "source"]);
  assert.equal(NT_ATTRIBUTE_T_PVXS.id, NT_ATTRIBUTE_ID);
  assert.deepEqual(
    names(NT_ATTRIBUTE_T_PVXS),
    ["name", "value", "tags", "descriptor", "alarm", "timeStamp", "sourceType", "source"],
  );
});

Deno.test("ntAttribute: defaults, and the any value survives the wire in both layouts", () => {
  const a = ntAttribute("Gain", { type: scalar("float64"), value: 2.5 });
  assert.equal(a.type, NT_ATTRIBUTE_T);
  assert.deepEqual(a.value, {
    name: "Gain",
    value: { type: scalar("float64"), value: 2.5 },
    descriptor: "",
    sourceType: SourceType.driver,
    source: "",
  });
  const b = ntAttribute("Temp", { type: scalarArray("int16"), value: new Int16Array([3, 4]) }, "T", 2, "X:T");
  for (const { le, name } of ORDERS) {
    for (const layout of [NT_ATTRIBUTE_T, NT_ATTRIBUTE_T_PVXS]) {
      const got = viaWire(b, le, layout).value;
      assert.equal(got.name, "Temp", name);
      assert.deepEqual(got.value, { type: scalarArray("int16"), value: new Int16Array([3, 4]) }, name);
      assert.deepEqual([got.descriptor, got.sourceType, got.source], ["T", 2, "X:T"], name);
    }
  }
});

Deno.test("readAttributes: name to inner value, empty any as null, null elements skipped", () => {
  const list = [
    ntAttribute("ColorMode", { type: scalar("int32"), value: 2 }).value,
    null,
    ntAttribute("Empty", { type: null, value: null }).value,
    ntAttribute("Model", { type: scalar("string"), value: "sim" }).value,
  ];
  const map = readAttributes("NTNDArray", list);
  assert.deepEqual([...map], [["ColorMode", 2], ["Empty", null], ["Model", "sim"]]);
  assert.equal(readAttributes("NTNDArray", undefined).size, 0);
});

Deno.test("readAttributes: NTError on malformed lists", () => {
  const at = (field: string) => (e: unknown) => e instanceof NTError && e.field === field;
  assert.throws(() => readAttributes("NTNDArray", "x"), at("attribute"));
  assert.throws(
    () => readAttributes("NTNDArray", [{ value: { type: null, value: null } }]),
    at("attribute[0]"),
  );
  assert.throws(() => readAttributes("NTNDArray", [{ name: "a", value: 3 }]), at("attribute[0].value"));
});
