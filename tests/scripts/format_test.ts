import assert from "node:assert/strict";
import { ntEnum, ntNDArray, ntScalar, ntScalarArray } from "../../protocol/nt/mod.ts";
import { scalar, scalarArray, struct, union } from "../../protocol/pvdata/types.ts";
import { arrayText, formatTime, formatType, formatValue } from "../../scripts/lib/format.ts";

const TS = { secondsPastEpoch: 1700000000n, nanoseconds: 1500, userTag: 0 };

Deno.test("NTScalar, NTScalarArray and NTEnum print on one line with time and alarm", () => {
  const s = ntScalar("float64", 2.5, { timeStamp: TS, alarm: { severity: 2, message: "HIHI" } });
  assert.deepEqual(formatValue("pv:x", s.type, s.value), [
    "pv:x 2023-11-14T22:13:20.000001500Z 2.5 MAJOR HIHI",
  ]);
  const a = ntScalarArray("int32", [1, 2, 3], { timeStamp: TS });
  assert.deepEqual(formatValue("pv:a", a.type, a.value), ["pv:a 2023-11-14T22:13:20.000001500Z [1, 2, 3]"]);
  const e = ntEnum(1, ["Off", "On"]);
  assert.deepEqual(formatValue("pv:e", e.type, e.value), ["pv:e (1) On"]);
  const str = ntScalar("string", 'say "hi"');
  assert.deepEqual(formatValue("pv:s", str.type, str.value), ['pv:s "say \\"hi\\""']);
});

Deno.test("other values print as a tree under the PV name", () => {
  const t = struct("my_t", {
    n: scalar("int64"),
    u: union("", { a: scalar("int8"), b: scalar("string") }),
    inner: struct("", { flag: scalar("bool") }),
  });
  assert.deepEqual(
    formatValue("pv:t", t, { n: 2n ** 60n, u: { name: "b", value: "x" }, inner: { flag: true } }),
    [
      "pv:t (my_t)",
      "    n = 1152921504606846976",
      '    u->b = "x"',
      "    inner",
      "        flag = true",
    ],
  );
});

Deno.test("long arrays are cut with their length; the NDArray value union shows its member", () => {
  assert.equal(arrayText(new Uint8Array(12), 3), "[0, 0, 0, ...] (12 elements)");
  assert.equal(arrayText(["a"], 3), '["a"]');
  assert.equal(arrayText(new Int8Array([1, 2]), -1), "[1, 2]");
  const f = ntNDArray({ data: new Uint16Array(100), dims: [10, 10] });
  const lines = formatValue("pv:img", f.type, f.value, { arrayLimit: 2 });
  assert.equal(lines[0], "pv:img (epics:nt/NTNDArray:1.0)");
  assert.equal(lines[1], "    value->ushortValue = [0, 0, ...] (100 elements)");
  assert.ok(lines.includes('    dimension structure[] "dimension_t" (2 elements)'));
});

Deno.test("a malformed normative type falls back to the tree", () => {
  const t = struct("epics:nt/NTScalar:1.0", { notValue: scalar("int32") });
  assert.deepEqual(formatValue("pv:odd", t, { notValue: 1 }), [
    "pv:odd (epics:nt/NTScalar:1.0)",
    "    notValue = 1",
  ]);
});

Deno.test("types print as an indented tree of `type name` lines", () => {
  const t = struct("pt", { x: scalarArray("float32"), u: union("", { s: scalar("string") }) });
  assert.deepEqual(formatType(t), ['structure "pt"', "    float32[] x", "    union u", "        string s"]);
  assert.equal(formatTime({ secondsPastEpoch: 0n, nanoseconds: 0, userTag: 0 }), "<undefined>");
});
