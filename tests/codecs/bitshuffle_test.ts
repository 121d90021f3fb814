/** Bitshuffle's transpose: the word-wise fast path and the byte path against the definition. */
import fc from "fast-check";
import assert from "node:assert/strict";
import { bitShuffle, bitUnshuffle } from "../../protocol/codecs/mod.ts";

/** Row 8j + b, byte g, bit k = bit b of byte j of element 8g + k: bshuf_trans_bit_elem, read literally. */
function referenceShuffle(src: Uint8Array, elemSize: number): Uint8Array {
  const n = src.length / elemSize;
  const rowBytes = n / 8;
  const out = new Uint8Array(src.length);
  for (let e = 0; e < n; e++) {
    for (let j = 0; j < elemSize; j++) {
      for (let b = 0; b < 8; b++) {
        if ((src[e * elemSize + j] >> b) & 1) out[(8 * j + b) * rowBytes + (e >> 3)] |= 1 << (e & 7);
      }
    }
  }
  return out;
}

/** n elements of elemSize bytes at a byte offset within a larger buffer. */
const block = fc.record({
  elemSize: fc.constantFrom(1, 2, 3, 4, 8, 12),
  groups: fc.integer({ min: 0, max: 40 }),
  offset: fc.constantFrom(0, 1, 4),
  seed: fc.integer(),
}).map(({ elemSize, groups, offset, seed }) => {
  const length = groups * 8 * elemSize;
  const backing = new Uint8Array(length + offset);
  let x = seed | 1;
  for (let i = 0; i < backing.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    backing[i] = x;
  }
  return { elemSize, data: backing.subarray(offset) };
});

Deno.test("bitshuffle: matches the definition for every size, length and alignment", () => {
  fc.assert(
    fc.property(block, ({ elemSize, data }) => {
      const rows = new Uint8Array(data.length);
      bitShuffle(data, rows, elemSize);
      assert.deepEqual(rows, referenceShuffle(data, elemSize));
      const back = new Uint8Array(data.length);
      bitUnshuffle(rows, back, elemSize);
      assert.deepEqual(back, data);
    }),
    { numRuns: 400 },
  );
});

Deno.test("bitshuffle: the fast path (multiples of 32 elements, aligned) agrees with the definition", () => {
  for (const elemSize of [1, 2, 4, 8]) {
    const data = new Uint8Array(4096 * elemSize).map((_, i) => (i * 2654435761) >>> 24);
    const rows = new Uint8Array(data.length);
    bitShuffle(data, rows, elemSize);
    assert.deepEqual(rows, referenceShuffle(data, elemSize), `elemSize ${elemSize}`);
    const back = new Uint8Array(data.length);
    bitUnshuffle(rows, back, elemSize);
    assert.deepEqual(back, data, `elemSize ${elemSize}`);
  }
});

Deno.test("bitshuffle: a block that is not whole groups of 8 elements is refused", () => {
  assert.throws(() => bitShuffle(new Uint8Array(14), new Uint8Array(14), 2), RangeError);
  assert.throws(() => bitUnshuffle(new Uint8Array(16), new Uint8Array(8), 1), RangeError);
});
