/** NTTable: column types, labels, equal lengths, wire round trips, errors. */
import assert from "node:assert/strict";
import { scalarArray, type StructureDesc } from "../../protocol/pvdata/types.ts";
import { NT_TABLE_ID, NTError, ntTable, readNTTable } from "../../protocol/nt/mod.ts";
import { ORDERS } from "../pvdata/helpers.ts";
import { viaWire } from "./helpers.ts";

const columns = {
  x: new Float64Array([1.5, 2.5]),
  n: new Int16Array([-1, 7]),
  name: ["a", "b"],
  ok: [true, false],
  y: [3, 4],
};

Deno.test("ntTable: column types are inferred, labels default to column names", () => {
  const t = ntTable(columns);
  const type = t.type as StructureDesc;
  assert.equal(type.id, NT_TABLE_ID);
  assert.deepEqual(type.fields.map((m) => m.name), ["labels", "value"]);
  const value = type.fields[1].type as StructureDesc;
  assert.deepEqual(value.fields, [
    { name: "x", type: scalarArray("float64") },
    { name: "n", type: scalarArray("int16") },
    { name: "name", type: scalarArray("string") },
    { name: "ok", type: scalarArray("bool") },
    { name: "y", type: scalarArray("float64") },
  ]);
  assert.deepEqual(t.value.labels, ["x", "n", "name", "ok", "y"]);
});

Deno.test("readNTTable: round trips in both byte orders with labels and options", () => {
  const labels = ["X (mm)", "N", "Name", "OK", "Y"];
  const t = ntTable(columns, labels, { descriptor: "scan", timeStamp: { userTag: 4 } });
  for (const { le, name } of ORDERS) {
    const got = readNTTable(viaWire(t, le));
    assert.deepEqual(got.labels, labels, name);
    assert.deepEqual(Object.keys(got.columns), ["x", "n", "name", "ok", "y"], name);
    assert.deepEqual(got.columns.x, columns.x, name);
    assert.deepEqual(got.columns.n, columns.n, name);
    assert.deepEqual(got.columns.name, columns.name, name);
    assert.deepEqual(got.columns.ok, columns.ok, name);
    assert.deepEqual(got.columns.y, new Float64Array([3, 4]), name);
    assert.equal(got.descriptor, "scan", name);
    assert.equal(got.timeStamp?.userTag, 4, name);
  }
  const empty = readNTTable(viaWire(ntTable({}), true));
  assert.deepEqual([empty.labels, empty.columns], [[], {}]);
});

Deno.test("ntTable: clear NTErrors for unequal columns, labels and unknown element types", () => {
  const at = (field: string) => (e: unknown) => e instanceof NTError && e.field === field;
  assert.throws(() => ntTable({ a: [1, 2], b: [1] }), at("value.b"));
  assert.throws(() => ntTable({ a: [1, 2], b: [1] }), /1 rows where a has 2/);
  assert.throws(() => ntTable({ a: [1] }, ["A", "B"]), at("labels"));
  assert.throws(() => ntTable({ a: [1, "x"] as unknown as number[] }), at("value.a"));
});

Deno.test("readNTTable: NTErrors on malformed tables", () => {
  const at = (field: string) => (e: unknown) => e instanceof NTError && e.field === field;
  const f = (...x: number[]) => new Float64Array(x);
  assert.throws(() => readNTTable({ value: { a: f(1) } }), at("labels"));
  assert.throws(() => readNTTable({ labels: ["a"] }), at("value"));
  assert.throws(() => readNTTable({ labels: ["a"], value: { a: 1 } }), at("value.a"));
  assert.throws(() => readNTTable({ labels: ["a", "b"], value: { a: f(1), b: f(1, 2) } }), at("value.b"));
  assert.throws(() => readNTTable({ labels: ["a"], value: { a: f(1), b: f(2) } }), at("labels"));
});
