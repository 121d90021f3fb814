/**
 * Blosc containers built here (memcpyed, LZ4 per plane, BloscLZ literals) and corrupted
 * headers; containers from the Python package are checked in python_test.ts.
 */
import fc from "fast-check";
import assert from "node:assert/strict";
import { decodeBlosc, encodeBlosc, encodeLz4Block, readBloscHeader } from "../../protocol/codecs/mod.ts";
import { bytesOf, decodesOrRejects, detectorImage } from "./helpers.ts";

const LZ4 = 1 << 5;
const SHUFFLE = 0x1;
const MEMCPYED = 0x2;

function header(
  flags: number,
  typeSize: number,
  nbytes: number,
  blockSize: number,
  cbytes: number,
): Uint8Array {
  const h = new Uint8Array(16);
  const v = new DataView(h.buffer);
  h.set([2, 1, flags, typeSize]);
  v.setUint32(4, nbytes, true);
  v.setUint32(8, blockSize, true);
  v.setUint32(12, cbytes, true);
  return h;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function int32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n, true);
  return b;
}

/** Byte planes of a block: what c-blosc's shuffle makes of it. */
function shuffle(block: Uint8Array, typeSize: number): Uint8Array {
  const n = block.length / typeSize;
  const out = new Uint8Array(block.length);
  for (let i = 0; i < n; i++) for (let j = 0; j < typeSize; j++) out[j * n + i] = block[i * typeSize + j];
  return out;
}

/**
 * A Blosc container as c-blosc writes one with LZ4 and byte shuffle: full blocks split in one
 * stream per byte plane, the last (short) block in one stream.
 */
function bloscLz4(data: Uint8Array, typeSize: number, blockSize: number): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (let start = 0; start < data.length; start += blockSize) {
    const block = shuffle(data.subarray(start, start + blockSize), typeSize);
    const splits = block.length === blockSize ? typeSize : 1;
    const part = block.length / splits;
    blocks.push(concat(Array.from({ length: splits }, (_, j) => {
      const stream = encodeLz4Block(block.subarray(j * part, (j + 1) * part));
      return concat([int32(stream.length), stream]);
    })));
  }
  let offset = 16 + 4 * blocks.length;
  const starts = blocks.map((b) => {
    const at = offset;
    offset += b.length;
    return int32(at);
  });
  return concat([header(LZ4 | SHUFFLE, typeSize, data.length, blockSize, offset), ...starts, ...blocks]);
}

Deno.test("blosc: LZ4 with byte shuffle, split in planes, short last block", () => {
  const image = bytesOf(detectorImage(256, 100));
  const container = bloscLz4(image, 2, 16384);
  assert.deepEqual(readBloscHeader(container), {
    version: 2,
    compressor: "lz4",
    typeSize: 2,
    nbytes: image.length,
    blockSize: 16384,
    cbytes: container.length,
    shuffle: "byte",
    memcpyed: false,
  });
  const out = new Uint8Array(image.length);
  decodeBlosc(container, out);
  assert.deepEqual(out, image);
});

Deno.test("blosc: memcpyed containers and BloscLZ literal runs", () => {
  const data = Uint8Array.from({ length: 300 }, (_, i) => i * 7);
  const copied = concat([header(MEMCPYED, 1, 300, 300, 316), data]);
  const out = new Uint8Array(300);
  decodeBlosc(copied, out);
  assert.deepEqual(out, data);
  // BloscLZ, one block of 40 bytes in one stream: literal runs of 32 and 8 (control bytes 31 and 7).
  const text = new TextEncoder().encode("0123456789abcdefghijklmnopqrstuvwxyzABCD");
  const stream = concat([Uint8Array.of(31), text.subarray(0, 32), Uint8Array.of(7), text.subarray(32)]);
  const body = concat([int32(20), int32(stream.length), stream]);
  const blosclz = concat([header(0x10, 1, 40, 40, 16 + body.length), body]);
  const got = new Uint8Array(40);
  decodeBlosc(blosclz, got);
  assert.deepEqual(got, text);
});

Deno.test("blosc: bad headers, sizes and offsets are CodecErrors naming the problem", () => {
  const image = bytesOf(detectorImage(64, 64));
  const good = bloscLz4(image, 2, 4096);
  const out = new Uint8Array(image.length);
  const mutate = (at: number, bytes: number[]) => {
    const m = good.slice();
    m.set(bytes, at);
    return m;
  };
  const cases: [Uint8Array, RegExp][] = [
    [good.subarray(0, 10), /less than a header/],
    [mutate(0, [3]), /format version 3/],
    [mutate(2, [LZ4 | SHUFFLE | 0x08]), /unknown flag/],
    [mutate(2, [(2 << 5) | SHUFFLE]), /snappy is not supported/],
    [mutate(2, [(6 << 5) | SHUFFLE]), /unknown 6 is not supported/],
    [mutate(4, [0, 0, 1, 0]), /header says 65536 bytes/],
    [mutate(8, [0, 0, 0, 1]), /block size/],
    [mutate(12, [1, 0, 0, 0]), /compressed bytes/],
    [mutate(16, [0xff, 0xff, 0, 0]), /outside the container/],
    [good.subarray(0, good.length - 5), /compressed bytes/],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => decodeBlosc(input, out), message);
    assert.equal(decodesOrRejects("blosc", () => decodeBlosc(input, out)), "rejected");
  }
  assert.throws(() => decodeBlosc(good, new Uint8Array(image.length - 2)), /header says/);
});

Deno.test("blosc: random and mutated containers end in data or a CodecError", () => {
  const image = bytesOf(detectorImage(64, 64));
  const good = bloscLz4(image, 2, 2048);
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1 }).map(
          (flips) => {
            const m = good.slice();
            for (const [at, x] of flips) m[at] ^= x;
            return m;
          },
        ),
      ),
      (input) => {
        decodesOrRejects("blosc", () => decodeBlosc(input, new Uint8Array(image.length)));
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("blosc: a split block that is not a whole number of elements is refused", () => {
  const image = bytesOf(detectorImage(64, 64));
  const odd = bloscLz4(image, 2, 4096).slice();
  new DataView(odd.buffer).setUint32(8, 4095, true);
  assert.throws(() => decodeBlosc(odd, new Uint8Array(image.length)), /does not split in 2 byte planes/);
});

Deno.test("encodeBlosc: containers decode to their input for every size, type size and block size", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 20_000 }),
      fc.constantFrom(1, 2, 4, 8, 3, 16),
      fc.constantFrom(undefined, 256, 1000, 4096),
      fc.integer({ min: 0, max: 3 }),
      fc.integer(),
      (n, typeSize, blockBytes, noise, seed) => {
        // Runs of a few values with `noise` random low bits: compressible to incompressible.
        let s = seed >>> 0 || 1;
        const data = Uint8Array.from({ length: n }, (_, i) => {
          s = (s * 1103515245 + 12345) >>> 0;
          return ((i >> 6) & 0xf0) | ((s >>> 24) & ((1 << (2 * noise)) - 1));
        });
        const packed = encodeBlosc(data, typeSize, { blockBytes });
        const h = readBloscHeader(packed);
        assert.equal(h.compressor, "lz4");
        assert.equal(h.typeSize, typeSize);
        assert.equal(h.nbytes, n);
        assert.equal(h.cbytes, packed.length);
        assert.ok(packed.length <= n + 16, "never longer than memcpyed");
        if (!h.memcpyed) assert.equal(h.shuffle, "byte");
        const back = new Uint8Array(n);
        decodeBlosc(packed, back);
        assert.deepEqual(back, data);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("encodeBlosc: a detector frame shrinks; noise is stored memcpyed; a bad type size is refused", () => {
  const image = bytesOf(detectorImage(512, 512, 3));
  const packed = encodeBlosc(image, 2);
  assert.ok(packed.length < image.length / 2, `${packed.length} of ${image.length}`);
  const h = readBloscHeader(packed);
  assert.equal(h.blockSize, 64 * 1024);
  const noise = crypto.getRandomValues(new Uint8Array(5000));
  const stored = encodeBlosc(noise, 4);
  assert.ok(readBloscHeader(stored).memcpyed);
  assert.deepEqual(stored.subarray(16), noise);
  assert.throws(() => encodeBlosc(new Uint8Array(8), 0), /type size 0/);
});

Deno.test("encodeBlosc: numcodecs (c-blosc in WebAssembly) decodes our containers", async () => {
  const { Blosc } = await import("numcodecs");
  const image = bytesOf(detectorImage(300, 201, 9));
  for (const typeSize of [1, 2, 4]) {
    const decoded = await Blosc.fromConfig({ id: "blosc" }).decode(encodeBlosc(image, typeSize));
    assert.deepEqual(new Uint8Array(decoded), image, `type size ${typeSize}`);
  }
});
