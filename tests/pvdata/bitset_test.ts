/**
 * BitSet: the spec's little-endian dumps, and the byte-order trap from 8 bytes on
 * (pvaccess-protocol.md §2.5): a big-endian connection reverses each full 64-bit word.
 */
import assert from "node:assert/strict";
import { BitSet } from "../../protocol/pvdata/bitset.ts";
import { DecodeError } from "../../protocol/pvdata/errors.ts";
import { decode, encode, hex, ORDERS, toHex } from "./helpers.ts";

const SPEC_TAIL = [8, 17, 24, 25, 34, 40, 42, 49, 50];

// [bits, little-endian bytes, big-endian bytes]
const VECTORS: [number[], string, string][] = [
  [[], "00", "00"],
  [[0], "01 01", "01 01"],
  [[1], "01 02", "01 02"],
  [[7], "01 80", "01 80"],
  [[8], "02 00 01", "02 00 01"],
  [[15], "02 00 80", "02 00 80"],
  [[55], "07 00 00 00 00 00 00 80", "07 00 00 00 00 00 00 80"],
  [[56], "08 00 00 00 00 00 00 00 01", "08 01 00 00 00 00 00 00 00"],
  [[63], "08 00 00 00 00 00 00 00 80", "08 80 00 00 00 00 00 00 00"],
  [[64], "09 00 00 00 00 00 00 00 00 01", "09 00 00 00 00 00 00 00 00 01"],
  [[65], "09 00 00 00 00 00 00 00 00 02", "09 00 00 00 00 00 00 00 00 02"],
  [[0, 1, 2, 4], "01 17", "01 17"],
  [[0, 1, 2, 4, 8], "02 17 01", "02 17 01"],
  [SPEC_TAIL, "07 00 01 02 03 04 05 06", "07 00 01 02 03 04 05 06"],
  [[...SPEC_TAIL, 56, 57, 58], "08 00 01 02 03 04 05 06 07", "08 07 06 05 04 03 02 01 00"],
  [
    [...SPEC_TAIL, 56, 57, 58, 67, 72, 75, 81, 83],
    "0b 00 01 02 03 04 05 06 07 08 09 0a",
    "0b 07 06 05 04 03 02 01 00 08 09 0a",
  ],
  [
    [127],
    "10 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 80",
    "10 00 00 00 00 00 00 00 00 80 00 00 00 00 00 00 00",
  ],
  [
    [0, 63, 64, 127],
    "10 01 00 00 00 00 00 00 80 01 00 00 00 00 00 00 80",
    "10 80 00 00 00 00 00 00 01 80 00 00 00 00 00 00 01",
  ],
];

Deno.test("BitSet: spec and hand-derived vectors, encode and decode in both orders", () => {
  for (const [bits, le, be] of VECTORS) {
    for (const { le: littleEndian, name } of ORDERS) {
      const bytes = littleEndian ? le : be;
      const set = BitSet.of(...bits);
      assert.equal(toHex(encode(littleEndian, (w) => set.write(w))), bytes, `encode {${bits}} ${name}`);
      assert.deepEqual([...decode(hex(bytes), littleEndian, BitSet.read)], bits, `decode {${bits}} ${name}`);
    }
  }
});

Deno.test("BitSet: trailing zero bytes are accepted on read and trimmed on write", () => {
  const padded = decode(hex("0a 00 00 00 00 00 00 00 05 00 00"), false, BitSet.read);
  assert.deepEqual([...padded], [0, 2]);
  assert.equal(toHex(encode(false, (w) => padded.write(w))), "01 05");
  const cleared = BitSet.of(3, 200).clear(200);
  assert.equal(toHex(encode(true, (w) => cleared.write(w))), "01 08");
});

Deno.test("BitSet: set operations", () => {
  const a = BitSet.of(1, 5, 70);
  assert.ok(a.has(70) && !a.has(69) && !a.has(1000));
  assert.equal(a.nextSetBit(6), 70);
  assert.equal(a.nextSetBit(71), -1);
  assert.ok(a.anyInRange(2, 71) && !a.anyInRange(6, 70));
  assert.deepEqual([...a.clone().or(BitSet.of(2, 300))], [1, 2, 5, 70, 300]);
  assert.deepEqual([...a.clone().and(BitSet.of(5, 70, 71))], [5, 70]);
  assert.deepEqual([...BitSet.range(3, 6)], [3, 4, 5]);
  assert.ok(BitSet.of(4).equals(BitSet.range(4, 5)) && !BitSet.of(4).equals(BitSet.of(5)));
  assert.ok(a.clone().clearAll().isEmpty());
  assert.deepEqual([...a], [1, 5, 70], "clone leaves the original alone");
});

Deno.test("BitSet: a length past the end or past the limit is a DecodeError", () => {
  assert.throws(() => decode(hex("03 01 02"), true, BitSet.read), DecodeError);
  assert.throws(() => decode(hex("fe fe ff ff ff"), true, BitSet.read), DecodeError);
  assert.throws(() => decode(hex("ff"), true, BitSet.read), DecodeError);
  assert.throws(
    () => decode(hex("04 01 01 01 01"), true, BitSet.read, { limits: { maxArrayBytes: 3 } }),
    DecodeError,
  );
});
