/** Loose input as typed values (coerce) and partial objects over full values (overlay). */
import fc from "fast-check";
import assert from "node:assert/strict";
import { BitSet } from "../../protocol/pvdata/bitset.ts";
import { coerce, overlay } from "../../protocol/pvdata/coerce.ts";
import { CoerceError, EncodeError } from "../../protocol/pvdata/errors.ts";
import { bitOf } from "../../protocol/pvdata/partial.ts";
import {
  ANY,
  type FieldDesc,
  scalar,
  SCALAR_WIDTH,
  scalarArray,
  type ScalarType,
  struct,
  structArray,
  type StructValue,
  union,
} from "../../protocol/pvdata/types.ts";
import { defaultValue } from "../../protocol/pvdata/value.ts";

/** The CoerceError `f` throws (fails when it throws something else or nothing). */
function coerceError(f: () => unknown): CoerceError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof CoerceError, `expected a CoerceError, got ${e}`);
    assert.ok(e instanceof EncodeError, "a CoerceError is an EncodeError");
    return e;
  }
  assert.fail("nothing was thrown");
}

const INTEGERS: ScalarType[] = ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64"];

Deno.test("coerce: every integer type takes exactly its range, as number or bigint by width", () => {
  for (const t of INTEGERS) {
    const bits = BigInt(SCALAR_WIDTH[t] * 8);
    const low = t.startsWith("u") ? 0n : -(1n << (bits - 1n));
    const high = low + (1n << bits) - 1n;
    const wide = bits === 64n;
    fc.assert(fc.property(fc.bigInt({ min: low, max: high }), (i) => {
      const want = wide ? i : Number(i);
      assert.equal(coerce(scalar(t), i), want);
      assert.equal(coerce(scalar(t), `${i}`), want);
      if (!wide) assert.equal(coerce(scalar(t), Number(i)), want);
    }));
    for (const outside of [low - 1n, high + 1n]) {
      const e = coerceError(() => coerce(scalar(t), `${outside}`, "n"));
      assert.equal(e.message, `n: "${outside}" is out of range for ${t}`);
      assert.equal(e.path, "n");
    }
  }
});

Deno.test("coerce: integers from hex strings; fractions and junk do not fit", () => {
  assert.equal(coerce(scalar("uint8"), "0xff"), 255);
  assert.equal(coerce(scalar("int32"), " -0x10 "), -16);
  assert.equal(coerce(scalar("uint64"), "0xffffffffffffffff"), 2n ** 64n - 1n);
  assert.equal(coerce(scalar("int64"), 2 ** 53), 2n ** 53n);
  assert.equal(coerce(scalar("int16"), 7n), 7);
  assert.match(
    coerceError(() => coerce(scalar("int32"), 1.5, "a.b")).message,
    /^a\.b: 1\.5 does not fit int32/,
  );
  coerceError(() => coerce(scalar("int64"), Infinity));
  coerceError(() => coerce(scalar("uint8"), "0x"));
  coerceError(() => coerce(scalar("int8"), true));
});

Deno.test("coerce: bools, floats and strings", () => {
  assert.deepEqual(["TRUE", " false", 1, 0, "0", 1n, true].map((x) => coerce(scalar("bool"), x)), [
    true,
    false,
    true,
    false,
    false,
    true,
    true,
  ]);
  coerceError(() => coerce(scalar("bool"), 2));
  coerceError(() => coerce(scalar("bool"), "yes"));
  assert.ok(Number.isNaN(coerce(scalar("float64"), "NaN") as number));
  assert.equal(coerce(scalar("float32"), " 2.5e3 "), 2500);
  assert.equal(coerce(scalar("float64"), 3n), 3);
  assert.match(
    coerceError(() => coerce(scalar("float64"), "abc", "v")).message,
    /^v: "abc" does not fit float64/,
  );
  coerceError(() => coerce(scalar("float64"), ""));
  assert.equal(coerce(scalar("string"), 12n), "12");
  assert.equal(coerce(scalar("string"), false), "false");
  coerceError(() => coerce(scalar("string"), null));
});

Deno.test("coerce: a typed array of the field's class passes through, others are converted and checked", () => {
  const frame = new Uint16Array([1, 2, 3]);
  assert.equal(coerce(scalarArray("uint16"), frame), frame, "the same object, not a copy");
  const converted = coerce(scalarArray("int64"), [1, "2", 3n]);
  assert.ok(converted instanceof BigInt64Array);
  assert.deepEqual([...converted], [1n, 2n, 3n]);
  const fromOther = coerce(scalarArray("uint8"), new Float64Array([1, 255]));
  assert.ok(fromOther instanceof Uint8Array);
  assert.deepEqual([...fromOther], [1, 255]);
  assert.equal(
    coerceError(() => coerce(scalarArray("uint8"), new Float64Array([1, 256]), "xs")).path,
    "xs[1]",
  );
  assert.deepEqual(coerce(scalarArray("string"), ["a", 1]), ["a", "1"]);
  assert.match(
    coerceError(() => coerce(scalarArray("int8"), 3, "arr")).message,
    /^arr: expected an array of int8/,
  );
});

Deno.test("coerce: structures default what is left out; unions, anys and structure arrays", () => {
  const point = struct("point_t", { x: scalar("float64"), tag: scalar("string") });
  const t = struct("", {
    p: point,
    u: union("", { n: scalar("uint8"), s: scalar("string") }),
    a: ANY,
    ps: structArray(point),
  });
  assert.deepEqual(coerce(t, { p: { x: "1.5" }, u: { name: "n", value: "0x10" }, ps: [{ tag: 7 }, null] }), {
    p: { x: 1.5, tag: "" },
    u: { name: "n", value: 16 },
    a: { type: null, value: null },
    ps: [{ x: 0, tag: "7" }, null],
  });
  const unknown = coerceError(() => coerce(t, { p: { y: 1 } }));
  assert.equal(unknown.path, "p.y");
  assert.match(unknown.message, /^p\.y: no such field \(point_t has no field y\)$/);
  assert.match(
    coerceError(() => coerce(t, { u: { name: "z", value: 1 } })).message,
    /u: the union has no member z/,
  );
  assert.equal(coerceError(() => coerce(t, { u: { name: "n", value: 300 } })).path, "u.n");
  assert.deepEqual((coerce(t, { u: null }) as StructValue).u, { name: null, value: null });
  assert.deepEqual(coerce(ANY, { type: scalar("int64"), value: 5 }), { type: scalar("int64"), value: 5n });
  assert.match(coerceError(() => coerce(ANY, 5)).message, /expected \{type, value\} for an any/);
  const infer = (): FieldDesc => scalar("int16");
  assert.deepEqual(coerce(ANY, "7", "", infer), { type: scalar("int16"), value: 7 });
  assert.equal(coerceError(() => coerce(t, { ps: [{ x: "no" }] })).path, "ps[0].x");
});

const T = struct("", {
  value: scalar("float64"),
  count: scalar("int64"),
  arr: scalarArray("uint16"),
  alarm: struct("alarm_t", { severity: scalar("int32"), message: scalar("string") }),
  mode: struct("enum_t", { index: scalar("int32"), choices: scalarArray("string") }),
});
const BASE: StructValue = { ...defaultValue(T) as StructValue, mode: { index: 0, choices: ["Off", "On"] } };

Deno.test("overlay: nested objects and dotted keys replace and mark only the leaves given", () => {
  const changed = new BitSet();
  const next = overlay(T, BASE, { alarm: { severity: "2" }, "alarm.message": "hi", count: 5 }, changed);
  assert.deepEqual(next.alarm, { severity: 2, message: "hi" });
  assert.equal(next.count, 5n, "leaves are coerced");
  assert.deepEqual([...changed], [bitOf(T, "count"), bitOf(T, "alarm.severity"), bitOf(T, "alarm.message")]);
  assert.equal(next.mode, BASE.mode, "untouched branches are shared");
  assert.deepEqual(BASE.alarm, { severity: 0, message: "" }, "the base is not modified");
});

Deno.test("overlay: a typed array of the field's class is kept, not copied", () => {
  const frame = new Uint16Array(1 << 16);
  const changed = new BitSet();
  assert.equal(overlay(T, BASE, { arr: frame }, changed).arr, frame);
  assert.deepEqual([...changed], [bitOf(T, "arr")]);
});

Deno.test("overlay: an enum structure takes a choice name or an index", () => {
  const byName = new BitSet();
  assert.deepEqual(overlay(T, BASE, { mode: "On" }, byName).mode, { index: 1, choices: ["Off", "On"] });
  assert.deepEqual([...byName], [bitOf(T, "mode.index")]);
  assert.equal((overlay(T, BASE, { mode: 1 }, new BitSet()).mode as StructValue).index, 1);
  assert.match(
    coerceError(() => overlay(T, BASE, { mode: "Auto" }, new BitSet())).message,
    /^mode: "Auto" is not one of \["Off","On"\]$/,
  );
  assert.equal(coerceError(() => overlay(T, BASE, { mode: 2 ** 40 }, new BitSet())).path, "mode.index");
});

Deno.test("overlay: unknown members and non-objects for structures are errors; nothing is marked", () => {
  const changed = new BitSet();
  const e = coerceError(() => overlay(T, BASE, { "alarm.nope": 1 }, changed));
  assert.equal(e.path, "alarm.nope");
  assert.match(e.message, /no field nope/);
  assert.match(
    coerceError(() => overlay(T, BASE, { alarm: 3 }, changed)).message,
    /^alarm: expected an object/,
  );
  assert.ok(changed.isEmpty());
});
