/** bslz4 streams: round trips with and without the 12-byte header, leftovers, corrupted input. */
import fc from "fast-check";
import assert from "node:assert/strict";
import { bslz4BlockSize, decodeBslz4, encodeBslz4 } from "../../protocol/codecs/mod.ts";
import { bytesOf, decodesOrRejects, detectorImage } from "./helpers.ts";

Deno.test("bslz4: default block sizes follow bshuf_default_block_size", () => {
  assert.deepEqual([1, 2, 4, 8, 16, 128].map(bslz4BlockSize), [8192, 4096, 2048, 1024, 512, 128]);
});

Deno.test("bslz4: element counts around block and group edges round-trip, bare and with header", () => {
  fc.assert(
    fc.property(
      fc.constantFrom(1, 2, 4, 8),
      fc.integer({ min: 0, max: 9000 }),
      fc.boolean(),
      (elemSize, n, header) => {
        const data = new Uint8Array(n * elemSize).map((_, i) => (i % 7 === 0 ? i * 31 : i >> 4));
        const packed = encodeBslz4(data, elemSize, { header });
        const out = new Uint8Array(data.length);
        decodeBslz4(packed, out, elemSize);
        assert.deepEqual(out, data);
      },
    ),
    { numRuns: 120 },
  );
});

Deno.test("bslz4: a detector frame compresses better than half", () => {
  const image = bytesOf(detectorImage(1024, 256));
  const packed = encodeBslz4(image, 2);
  assert.ok(packed.length < image.length / 2, `${packed.length} of ${image.length}`);
  const out = new Uint8Array(image.length);
  decodeBslz4(packed, out, 2);
  assert.deepEqual(out, image);
});

Deno.test("bslz4: truncation, wrong sizes, bad headers and trailing bytes are CodecErrors", () => {
  const image = bytesOf(detectorImage(128, 64));
  const bare = encodeBslz4(image, 2);
  const headed = encodeBslz4(image, 2, { header: true });
  const out = new Uint8Array(image.length);
  for (const cut of [0, 3, 4, 20, bare.length >> 1, bare.length - 1]) {
    assert.equal(decodesOrRejects("bslz4", () => decodeBslz4(bare.subarray(0, cut), out, 2)), "rejected");
  }
  assert.throws(() => decodeBslz4(bare, new Uint8Array(image.length + 2), 2), /bslz4:/);
  assert.throws(
    () => decodeBslz4(bare, new Uint8Array(image.length - 1), 2),
    /not a multiple of the element/,
  );
  const trailing = new Uint8Array(bare.length + 1);
  trailing.set(bare);
  assert.throws(() => decodeBslz4(trailing, out, 2), /bytes after the last block/);
  const wrongTotal = headed.slice();
  new DataView(wrongTotal.buffer).setUint32(4, image.length + 2);
  assert.throws(() => decodeBslz4(wrongTotal, out, 2), /header says/);
  const wrongBlock = headed.slice();
  new DataView(wrongBlock.buffer).setUint32(8, 1001);
  assert.throws(() => decodeBslz4(wrongBlock, out, 2), /block size 1001/);
  const hugeBlock = bare.slice();
  new DataView(hugeBlock.buffer).setUint32(0, 0x7fffffff);
  assert.throws(() => decodeBslz4(hugeBlock, out, 2), /says 2147483647 bytes/);
});

Deno.test("bslz4: random and mutated streams end in a frame or a CodecError", () => {
  const image = bytesOf(detectorImage(64, 64));
  const packed = encodeBslz4(image, 2);
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 3000 }),
        fc.array(fc.tuple(fc.nat(packed.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1 }).map(
          (flips) => {
            const m = packed.slice();
            for (const [at, x] of flips) m[at] ^= x;
            return m;
          },
        ),
      ),
      (input) => {
        decodesOrRejects("bslz4", () => decodeBslz4(input, new Uint8Array(image.length), 2));
      },
    ),
    { numRuns: 300 },
  );
});
