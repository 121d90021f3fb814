/**
 * The DBR codec and the CA header: every type round-trips through encode and decode, byte
 * order is network order, payloads that lie about their size fail with a DecodeError, and
 * the extended header carries what does not fit 16 bits.
 */
import fc from "fast-check";
import assert from "node:assert/strict";
import {
  type CaValue,
  dbrLayout,
  dbrSize,
  DbrType,
  dbrTypeOf,
  EPICS_EPOCH_OFFSET,
  LAST_DBR_TYPE,
} from "../../protocol/ca/dbr.ts";
import { decodeDbr } from "../../protocol/ca/dbr_decode.ts";
import { encodeDbr } from "../../protocol/ca/dbr_encode.ts";
import { CaCommand, encodeMessage, readHeader } from "../../protocol/ca/header.ts";
import { DecodeError, EncodeError } from "../../protocol/pvdata/errors.ts";

/** A value of element type `element` that survives its wire type exactly. */
function elementArb(element: number): fc.Arbitrary<number | string> {
  switch (element) {
    case 0:
      return fc.string({ maxLength: 39, unit: "grapheme-ascii" }).filter((s) => !s.includes("\0"));
    case 1:
      return fc.integer({ min: -32768, max: 32767 });
    case 2:
      return fc.float({ noNaN: true }).map(Math.fround);
    case 3:
      return fc.integer({ min: 0, max: 65535 });
    case 4:
      return fc.integer({ min: 0, max: 255 });
    case 5:
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    default:
      return fc.double({ noNaN: true });
  }
}

/** A whole CaValue of DBR type `type`, with every field its form carries. */
function valueArb(type: number): fc.Arbitrary<CaValue> {
  const l = dbrLayout(type)!;
  const el = elementArb(l.element);
  const limit = l.element === 0 || l.element === 3 ? fc.constant(0) : el as fc.Arbitrary<number>;
  return fc.record({
    values: fc.array(el, { minLength: 1, maxLength: 20 }),
    status: fc.integer({ min: 0, max: 21 }),
    severity: fc.integer({ min: 0, max: 3 }),
    seconds: fc.integer({ min: EPICS_EPOCH_OFFSET, max: EPICS_EPOCH_OFFSET + 2 ** 32 - 1 }),
    nanoseconds: fc.integer({ min: 0, max: 999_999_999 }),
    limits: fc.array(limit, { minLength: 8, maxLength: 8 }),
    units: fc.string({ maxLength: 7, unit: fc.constantFrom(..."abcdefgh mV%") }),
    precision: fc.integer({ min: 0, max: 15 }),
    choices: fc.array(fc.string({ maxLength: 25, unit: fc.constantFrom(..."OnOfabc ") }), { maxLength: 16 }),
  }).map((r) => {
    const v: CaValue = {
      dbrType: type,
      count: r.values.length,
      value: r.values.length === 1 ? r.values[0] : arrayOf(l.element, r.values),
    };
    if (l.form !== "plain") v.alarm = { status: r.status, severity: r.severity };
    if (l.form === "time") v.timeStamp = { secondsPastEpoch: r.seconds, nanoseconds: r.nanoseconds };
    if ((l.form === "gr" || l.form === "ctrl") && l.element === 3) v.choices = r.choices;
    else if (l.form === "gr" || l.form === "ctrl") {
      if (l.element !== 0) {
        const [a, b, c, d, e, f, g, h] = r.limits;
        v.display = { limitLow: b, limitHigh: a, units: r.units };
        if (l.element === 2 || l.element === 6) v.display.precision = r.precision;
        v.valueAlarm = { lowAlarmLimit: f, lowWarningLimit: e, highWarningLimit: d, highAlarmLimit: c };
        if (l.form === "ctrl") v.control = { limitLow: h, limitHigh: g };
      }
    }
    return v;
  });
}

function arrayOf(element: number, values: (number | string)[]): CaValue["value"] {
  const n = values as number[];
  switch (element) {
    case 0:
      return values as string[];
    case 1:
      return Int16Array.from(n);
    case 2:
      return Float32Array.from(n);
    case 3:
      return Uint16Array.from(n);
    case 4:
      return Uint8Array.from(n);
    case 5:
      return Int32Array.from(n);
    default:
      return Float64Array.from(n);
  }
}

const ALL_TYPES = Array.from({ length: LAST_DBR_TYPE + 1 }, (_, i) => i);

Deno.test("dbr: every type round-trips through encode and decode", () => {
  for (const type of ALL_TYPES) {
    fc.assert(
      fc.property(valueArb(type), (v) => {
        const bytes = encodeDbr(v);
        assert.equal(bytes.length, dbrSize(type, v.count));
        assert.deepEqual(decodeDbr(type, v.count, bytes), v);
      }),
      { numRuns: 40 },
    );
  }
});

Deno.test("dbr: values are big-endian at the offsets of db_access.h", () => {
  const payload = encodeDbr({
    dbrType: DbrType.TIME_DOUBLE,
    count: 1,
    value: 1.5,
    alarm: { status: 3, severity: 2 },
    timeStamp: { secondsPastEpoch: EPICS_EPOCH_OFFSET + 0x01020304, nanoseconds: 5 },
  });
  const v = new DataView(payload.buffer);
  assert.equal(payload.length, 24);
  assert.deepEqual([v.getInt16(0), v.getInt16(2), v.getUint32(4), v.getUint32(8)], [3, 2, 0x01020304, 5]);
  assert.equal(v.getFloat64(16), 1.5);
  const char = encodeDbr({
    dbrType: DbrType.TIME_CHAR,
    count: 2,
    value: Uint8Array.of(7, 9),
    alarm: undefined,
  });
  assert.deepEqual([...char.subarray(15)], [7, 9]);
});

Deno.test("dbr: one element of an array channel stays an array", () => {
  const payload = encodeDbr({ dbrType: DbrType.LONG, count: 1, value: 42 });
  assert.equal(decodeDbr(DbrType.LONG, 1, payload).value, 42);
  assert.deepEqual(decodeDbr(DbrType.LONG, 1, payload, { array: true }).value, Int32Array.of(42));
  assert.deepEqual(decodeDbr(DbrType.TIME_DOUBLE, 0, new Uint8Array(16)).value, new Float64Array(0));
});

Deno.test("dbr: a payload shorter than its count, or an unknown type, is a DecodeError", () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...ALL_TYPES),
      fc.integer({ min: 1, max: 2 ** 32 - 1 }),
      fc.uint8Array({ maxLength: 600 }),
      (type, count, bytes) => {
        const fits = bytes.length >= dbrSize(type, count) ||
          (dbrLayout(type)!.element === 0 && count === 1 && bytes.length > dbrLayout(type)!.valueOffset);
        try {
          const v = decodeDbr(type, count, bytes);
          assert.ok(fits, `decoded ${count} elements of type ${type} from ${bytes.length} bytes`);
          assert.equal(v.count, count);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
          assert.ok(!fits);
        }
      },
    ),
  );
  assert.throws(() => decodeDbr(35, 1, new Uint8Array(64)), DecodeError);
  assert.throws(() => decodeDbr(-1, 1, new Uint8Array(64)), DecodeError);
});

Deno.test("dbr: values that do not fit their type are an EncodeError", () => {
  assert.throws(() => encodeDbr({ dbrType: DbrType.STRING, count: 1, value: "x".repeat(40) }), EncodeError);
  assert.throws(() => encodeDbr({ dbrType: DbrType.DOUBLE, count: 2, value: 1 }), EncodeError);
  assert.throws(() => encodeDbr({ dbrType: DbrType.SHORT, count: 1, value: "1" }), EncodeError);
  assert.throws(() => encodeDbr({ dbrType: 99, count: 1, value: 1 }), EncodeError);
});

Deno.test("dbr: TIME and CTRL of a native type", () => {
  for (let native = 0; native <= 6; native++) {
    assert.equal(dbrLayout(dbrTypeOf("time", native))!.form, "time");
    assert.equal(dbrLayout(dbrTypeOf("ctrl", native))!.element, native);
  }
  assert.equal(dbrTypeOf("time", DbrType.DOUBLE), DbrType.TIME_DOUBLE);
});

Deno.test("header: payloads pad to 8; large ones and large counts use the extended header", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 70_000 }),
      fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      (size, count, p1) => {
        const bytes = encodeMessage(
          { command: CaCommand.READ_NOTIFY, dataType: 20, dataCount: count, parameter1: p1, parameter2: 7 },
          new Uint8Array(size),
        );
        const h = readHeader(bytes, 0)!;
        assert.equal(h.header.payloadSize % 8, 0);
        assert.ok(h.header.payloadSize >= size && h.header.payloadSize < size + 8);
        assert.equal(h.size + h.header.payloadSize, bytes.length);
        assert.equal(h.size, h.header.payloadSize >= 0xffff || count >= 0xffff ? 24 : 16);
        assert.deepEqual([h.header.dataCount, h.header.parameter1, h.header.parameter2], [count, p1, 7]);
        // Cut anywhere inside the header, it is not a header yet.
        assert.equal(readHeader(bytes.subarray(0, h.size - 1), 0), undefined);
      },
    ),
    { numRuns: 200 },
  );
});
