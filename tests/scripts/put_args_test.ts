import assert from "node:assert/strict";
import { fromJson, fromText, InputError } from "../../scripts/lib/coerce.ts";
import { rpcArgument } from "../../scripts/lib/nturi.ts";
import { putInput } from "../../scripts/lib/put_args.ts";
import { ANY, scalar, scalarArray, struct } from "../../protocol/pvdata/types.ts";

Deno.test("put words: one value, JSON, or field=value pairs", () => {
  assert.equal(putInput(["3.5"]), "3.5");
  assert.equal(putInput(["On"]), "On");
  assert.deepEqual(putInput(["[1, 2]"]), [1, 2]);
  assert.deepEqual(putInput(['{"value": 1}']), { value: 1 });
  assert.deepEqual(putInput(["value=3", "alarm.severity=2", 'tags=["a"]']), {
    value: "3",
    "alarm.severity": "2",
    tags: ["a"],
  });
  assert.deepEqual(putInput(["value=a=b"]), { value: "a=b" });
  assert.throws(() => putInput([]), InputError);
  assert.throws(() => putInput(["value=1", "oops"]), /expected field=value pairs, got "oops"/);
  assert.throws(() => putInput(["[1,"]), /value: bad JSON/);
});

Deno.test("rpc words become an NTURI with string query members", () => {
  const { type, value } = rpcArgument("calc:add", ["a=1", "b=x y"]);
  assert.equal(type.kind === "structure" && type.id, "epics:nt/NTURI:1.0");
  assert.deepEqual(value, { scheme: "pva", authority: "", path: "calc:add", query: { a: "1", b: "x y" } });
  assert.throws(() => rpcArgument("s", ["a=1", "a=2"]), /a: given twice/);
  assert.throws(() => rpcArgument("s", ["1a=1"]), /expected key=value/);
});

Deno.test("coercion checks integer ranges and names the member", () => {
  const t = struct("", { s: struct("", { b: scalar("uint8") }) });
  assert.deepEqual(fromJson(t, { s: { b: "0xff" } }), { s: { b: 255 } });
  assert.throws(() => fromJson(t, { s: { b: 256 } }), /^InputError: s\.b: 256 is out of range for uint8$/);
  assert.throws(() => fromText(scalar("int32"), "1.5"), /"1.5" is not a int32/);
  assert.throws(() => fromText(scalarArray("int8"), "[1, 2"), /expected JSON for a scalarArray/);
  assert.deepEqual(fromText(scalar("bool"), "TRUE"), true);
  assert.ok(Number.isNaN(fromText(scalar("float64"), "NaN") as number));
  assert.deepEqual(fromJson(struct("", { a: scalar("int8"), b: scalar("string") }), {}, { complete: true }), {
    a: 0,
    b: "",
  });
});

Deno.test("an any takes the type of what it holds", () => {
  assert.deepEqual(fromJson(ANY, 3), { type: scalar("int32"), value: 3 });
  assert.deepEqual(fromJson(ANY, 2 ** 40), { type: scalar("float64"), value: 2 ** 40 });
  assert.deepEqual(fromJson(ANY, ["a"]), { type: scalarArray("string"), value: ["a"] });
  assert.deepEqual(fromJson(ANY, null), { type: null, value: null });
  assert.throws(() => fromJson(ANY, { a: 1 }), /cannot tell the type/);
});
