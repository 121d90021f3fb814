/** LZ4 blocks: round trips, the format's corner cases, and corrupted input. */
import fc from "fast-check";
import assert from "node:assert/strict";
import { CodecError, decodeLz4Block, encodeLz4Block, lz4BlockBound } from "../../protocol/codecs/mod.ts";
import { bytesOf, decodesOrRejects, detectorImage } from "./helpers.ts";

function roundTrip(data: Uint8Array): Uint8Array {
  const packed = encodeLz4Block(data);
  assert.ok(packed.length <= lz4BlockBound(data.length));
  const out = new Uint8Array(data.length);
  assert.equal(decodeLz4Block(packed, out), data.length);
  return out;
}

Deno.test("lz4: arbitrary bytes and repetitive bytes round-trip", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 3000 }), (data) => assert.deepEqual(roundTrip(data), data)),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 9 }), fc.integer({ min: 1, max: 400 })), {
        maxLength: 20,
      }),
      (runs) => {
        const data = Uint8Array.from(
          runs.flatMap(([pattern, times]) => Array(times).fill([...pattern]).flat()),
        );
        assert.deepEqual(roundTrip(data), data);
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("lz4: a detector frame round-trips and compresses", () => {
  const image = bytesOf(detectorImage(512, 256));
  const packed = encodeLz4Block(image);
  assert.ok(packed.length < image.length * 0.9, `${packed.length} of ${image.length}`);
  assert.deepEqual(roundTrip(image), image);
});

Deno.test("lz4: overlapping matches repeat their pattern (runs longer than the offset)", () => {
  // "a", then a match at offset 1 of 4 + 15 + 255 + 26 = 300 bytes, then the literal "b".
  const block = Uint8Array.from([0x1f, 97, 1, 0, 255, 26, 0x10, 98]);
  const out = new Uint8Array(1 + 4 + 15 + 255 + 26 + 1);
  assert.equal(decodeLz4Block(block, out), out.length);
  assert.equal(new TextDecoder().decode(out), "a".repeat(out.length - 1) + "b");
});

Deno.test("lz4: truncated, overflowing and bad-offset blocks are CodecErrors", () => {
  const data = bytesOf(detectorImage(64, 64));
  const packed = encodeLz4Block(data);
  for (const cut of [0, 1, 2, packed.length >> 1, packed.length - 1]) {
    const out = new Uint8Array(data.length);
    const outcome = decodesOrRejects("lz4", () => {
      if (decodeLz4Block(packed.subarray(0, cut), out) !== data.length) throw new CodecError("lz4", "short");
    });
    assert.equal(outcome, "rejected", `cut at ${cut}`);
  }
  assert.throws(() => decodeLz4Block(packed, new Uint8Array(data.length - 1)), /lz4: output overflows/);
  assert.throws(() => decodeLz4Block(Uint8Array.from([0x00, 5, 0]), new Uint8Array(10)), /match offset 5/);
  assert.throws(() => decodeLz4Block(Uint8Array.from([0x10, 1, 0, 0]), new Uint8Array(10)), /match offset 0/);
  assert.throws(() => decodeLz4Block(Uint8Array.from([0xf0, 255, 255]), new Uint8Array(10)), /truncated/);
});

Deno.test("lz4: random and mutated blocks never write outside the output", () => {
  const image = bytesOf(detectorImage(64, 32));
  const packed = encodeLz4Block(image);
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.tuple(fc.nat(packed.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1 }).map(
          (flips) => {
            const m = packed.slice();
            for (const [at, x] of flips) m[at] ^= x;
            return m;
          },
        ),
      ),
      (input) => {
        // The output is a window of a larger buffer: bytes around it must stay untouched.
        const backing = new Uint8Array(image.length + 64).fill(0xee);
        const out = backing.subarray(32, 32 + image.length);
        decodesOrRejects("lz4", () => decodeLz4Block(input, out));
        assert.ok(backing.subarray(0, 32).every((b) => b === 0xee));
        assert.ok(backing.subarray(32 + image.length).every((b) => b === 0xee));
      },
    ),
    { numRuns: 300 },
  );
});
