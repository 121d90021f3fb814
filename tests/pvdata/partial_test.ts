/**
 * Partial values (pvaccess-protocol.md §2.9): NTScalar bit numbering, hand-derived partial
 * payloads, and merging onto a previous value without changing it.
 */
import assert from "node:assert/strict";
import { BitSet } from "../../protocol/pvdata/bitset.ts";
import {
  bitCount,
  bitOf,
  changedLeaves,
  compactBits,
  expandBits,
  maskChanged,
  mergeChanged,
  overlapBits,
  pathOf,
  readPartial,
  writePartial,
} from "../../protocol/pvdata/partial.ts";
import { Reader } from "../../protocol/pvdata/reader.ts";
import { scalar, scalarArray, struct, structArray, type StructValue } from "../../protocol/pvdata/types.ts";
import { defaultValue, writeValue } from "../../protocol/pvdata/value.ts";
import { assertSame, decode, encode, hex, toHex } from "./helpers.ts";

const NTSCALAR = struct("epics:nt/NTScalar:1.0", {
  value: scalar("float64"),
  alarm: struct("alarm_t", { severity: scalar("int32"), status: scalar("int32"), message: scalar("string") }),
  timeStamp: struct("time_t", {
    secondsPastEpoch: scalar("int64"),
    nanoseconds: scalar("int32"),
    userTag: scalar("int32"),
  }),
});

const NTSCALAR_BITS: [string, number][] = [
  ["", 0],
  ["value", 1],
  ["alarm", 2],
  ["alarm.severity", 3],
  ["alarm.status", 4],
  ["alarm.message", 5],
  ["timeStamp", 6],
  ["timeStamp.secondsPastEpoch", 7],
  ["timeStamp.nanoseconds", 8],
  ["timeStamp.userTag", 9],
];

Deno.test("NTScalar bit numbering: 0 top, 1 value, 2 alarm, 3-5 its members, 6 timeStamp, 7-9", () => {
  assert.equal(bitCount(NTSCALAR), 10);
  for (const [path, bit] of NTSCALAR_BITS) {
    assert.equal(bitOf(NTSCALAR, path), bit, path);
    assert.equal(pathOf(NTSCALAR, bit), path, String(bit));
  }
  assert.equal(bitOf(NTSCALAR, "alarm.nope"), -1);
  assert.equal(bitOf(NTSCALAR, "value.x"), -1);
  assert.equal(pathOf(NTSCALAR, 10), undefined);
});

Deno.test("bit numbering: a structure array is one leaf, whatever its element type", () => {
  const t = struct("", {
    a: structArray(struct("", { x: scalar("int8"), y: scalar("int8") })),
    b: scalar("int8"),
  });
  assert.equal(bitCount(t), 3);
  assert.equal(bitOf(t, "b"), 2);
});

Deno.test("partial payload {1, 7}: value then secondsPastEpoch, little-endian", () => {
  const v = {
    ...defaultValue(NTSCALAR) as StructValue,
    value: 1.5,
    timeStamp: { secondsPastEpoch: 0x1122334455667788n, nanoseconds: 3, userTag: 0 },
  };
  // BitSet {1, 7} = 01 82; float64 1.5 LE; int64 LE.
  const bytes = "01 82 00 00 00 00 00 00 f8 3f 88 77 66 55 44 33 22 11";
  const bits = BitSet.of(1, 7);
  assert.equal(
    toHex(encode(true, (w) => {
      bits.write(w);
      writePartial(w, NTSCALAR, v, bits);
    })),
    bytes,
  );
  const merged = decode(
    hex(bytes),
    true,
    (r) => readPartial(r, NTSCALAR, BitSet.read(r), defaultValue(NTSCALAR)),
  );
  assertSame(merged, {
    ...defaultValue(NTSCALAR) as StructValue,
    value: 1.5,
    timeStamp: { secondsPastEpoch: 0x1122334455667788n, nanoseconds: 0, userTag: 0 },
  });
});

Deno.test("partial payload big-endian {2}: the whole alarm once", () => {
  const v = { ...defaultValue(NTSCALAR) as StructValue, alarm: { severity: 2, status: 3, message: "HIHI" } };
  const bits = BitSet.of(2, 3, 5);
  const bytes = "00 00 00 02 00 00 00 03 04 48 49 48 49";
  assert.equal(toHex(encode(false, (w) => writePartial(w, NTSCALAR, v, bits))), bytes);
  const merged = decode(hex(bytes), false, (r) => readPartial(r, NTSCALAR, bits, defaultValue(NTSCALAR)));
  assertSame((merged as StructValue).alarm, v.alarm);
});

Deno.test("a set top bit sends the whole structure once, even with member bits set", () => {
  const v = defaultValue(NTSCALAR);
  const full = encode(true, (w) => writeValue(w, NTSCALAR, v));
  assert.equal(toHex(encode(true, (w) => writePartial(w, NTSCALAR, v, BitSet.of(0, 1, 3)))), toHex(full));
  assert.equal(encode(true, (w) => writePartial(w, NTSCALAR, v, new BitSet())).length, 0);
});

Deno.test("readPartial: prev is not changed and untouched branches are shared", () => {
  const prev = {
    value: 1,
    alarm: { severity: 0, status: 0, message: "" },
    timeStamp: { secondsPastEpoch: 1n, nanoseconds: 2, userTag: 3 },
  };
  const snapshot = structuredClone(prev);
  const next = new Reader(hex("01 00 00 00"), true);
  const merged = readPartial(next, NTSCALAR, BitSet.of(3), prev) as StructValue;
  assert.deepEqual(prev, snapshot);
  assert.equal(merged.timeStamp, prev.timeStamp);
  assert.notEqual(merged.alarm, prev.alarm);
  assert.deepEqual(merged.alarm, { severity: 1, status: 0, message: "" });
});

Deno.test("readPartial: bits past the type and empty sets leave the value alone", () => {
  const t = struct("", { a: scalarArray("int8") });
  const prev = { a: new Int8Array([1]) };
  assert.equal(readPartial(new Reader(new Uint8Array(0), true), t, BitSet.of(5), prev), prev);
  assert.equal(readPartial(new Reader(new Uint8Array(0), true), t, new BitSet(), prev), prev);
});

Deno.test("changedLeaves lists the leaves a bitset carries", () => {
  assert.deepEqual(changedLeaves(NTSCALAR, BitSet.of(1, 6)), [
    "value",
    "timeStamp.secondsPastEpoch",
    "timeStamp.nanoseconds",
    "timeStamp.userTag",
  ]);
  assert.deepEqual(changedLeaves(NTSCALAR, BitSet.of(4)), ["alarm.status"]);
  assert.equal(changedLeaves(NTSCALAR, BitSet.of(0)).length, 7);
});

Deno.test("expandBits, compactBits, maskChanged and overlapBits agree on the NTScalar numbering", () => {
  const t = struct("epics:nt/NTScalar:1.0", {
    value: scalar("float64"),
    alarm: struct("alarm_t", {
      severity: scalar("int32"),
      status: scalar("int32"),
      message: scalar("string"),
    }),
  });
  assert.deepEqual([...expandBits(t, BitSet.of(2))], [2, 3, 4, 5]);
  assert.deepEqual([...expandBits(t, BitSet.of(0))], [0, 1, 2, 3, 4, 5]);
  assert.deepEqual([...compactBits(t, BitSet.of(2, 3, 4, 5))], [2]);
  assert.deepEqual([...compactBits(t, BitSet.of(0, 2, 3, 5))], [3, 5]);
  // A whole-structure change seen through a selection of value and alarm.severity.
  assert.deepEqual([...maskChanged(t, BitSet.of(0), BitSet.of(0, 1, 2, 3))], [1, 3]);
  // Folding "everything changed" with "severity changed" loses a severity value.
  assert.deepEqual([...overlapBits(t, BitSet.of(0), BitSet.of(3))], [3]);
  assert.deepEqual([...overlapBits(t, BitSet.of(1), BitSet.of(2))], []);
});

Deno.test("mergeChanged: marked fields from the update, the rest shared with the base, neither changed", () => {
  const base = {
    value: 1.5,
    alarm: { severity: 0, status: 0, message: "" },
    timeStamp: { secondsPastEpoch: 10n, nanoseconds: 1, userTag: 0 },
  };
  // A monitor that missed the update in between: its alarm and timeStamp are stale.
  const update = {
    value: 9,
    alarm: { severity: 2, status: 3, message: "stale" },
    timeStamp: { secondsPastEpoch: 12n, nanoseconds: 7, userTag: 0 },
  };
  const frozenBase = structuredClone(base);
  const frozenUpdate = structuredClone(update);
  const seconds = bitOf(NTSCALAR, "timeStamp.secondsPastEpoch");
  const merged = mergeChanged(
    NTSCALAR,
    base,
    update,
    BitSet.of(bitOf(NTSCALAR, "value"), seconds),
  ) as StructValue;
  assert.deepEqual(merged, {
    value: 9,
    alarm: { severity: 0, status: 0, message: "" },
    timeStamp: { secondsPastEpoch: 12n, nanoseconds: 1, userTag: 0 },
  });
  assert.equal(merged.alarm, base.alarm, "an unmarked branch is shared");
  assert.deepEqual(base, frozenBase);
  assert.deepEqual(update, frozenUpdate);
  const whole = mergeChanged(NTSCALAR, base, update, BitSet.of(bitOf(NTSCALAR, "alarm"))) as StructValue;
  assert.equal(whole.alarm, update.alarm, "a marked structure is taken whole");
  assert.equal(mergeChanged(NTSCALAR, base, update, BitSet.of(0)), update, "bit 0: the update itself");
  assert.equal(mergeChanged(NTSCALAR, base, update, new BitSet()), base, "no bits: the base itself");
});
