import assert from "node:assert/strict";
import fc from "fast-check";
import { CodecError, decompressArray, type EncodableCodec, SCALAR_TYPES } from "../../mod.ts";
import { COMPRESS_CODECS, compressFrame, CompressProcessor } from "../../processors/compress.ts";
import { decompressFrame, DecompressProcessor } from "../../processors/decompress.ts";
import { arbitraryImage, DATA_STAMP, frameOf, pixelsOf, STAMP } from "./images.ts";

Deno.test("compress then decompress: every codec, dtype and colour mode gives the frame back", () => {
  fc.assert(
    fc.property(arbitraryImage({ maxSize: 64 }), fc.constantFrom(...COMPRESS_CODECS), (image, codec) => {
      const pixels = pixelsOf(image);
      const packed = compressFrame(frameOf(image, 17), codec);
      assert.equal(packed.codec.name, codec);
      assert.equal(packed.codec.parameters.value, SCALAR_TYPES.indexOf(image.dtype));
      assert.equal(packed.dtype, image.dtype);
      assert.equal(packed.uncompressedSize, pixels.byteLength);
      assert.ok(packed.data instanceof Uint8Array);
      // The bytes are the codec's own: its decoder gives the pixels back without the processors.
      const decoded = decompressArray(codec, packed.data, {
        elementType: image.dtype,
        uncompressedSize: pixels.byteLength,
      });
      assert.deepEqual(decoded, pixels);
      const back = decompressFrame(packed);
      assert.deepEqual(back.data, pixels);
      assert.equal(back.codec.name, "");
      assert.equal(back.uncompressedSize, pixels.byteLength);
      for (const f of [packed, back]) {
        assert.deepEqual(f.shape, frameOf(image).shape);
        assert.deepEqual([f.uniqueId, f.timeStamp, f.dataTimeStamp], [17, STAMP, DATA_STAMP]);
        assert.equal(f.colorMode, image.colorMode);
      }
    }),
    { numRuns: 200 },
  );
});

Deno.test("compress: the same codec is kept as it is, another is decoded and compressed again", () => {
  const image = {
    dtype: "int16" as const,
    colorMode: 0,
    nx: 40,
    ny: 30,
    at: (_c: number, x: number) => x % 7,
  };
  const lz4 = compressFrame(frameOf(image), "lz4");
  assert.equal(compressFrame(lz4, "lz4"), lz4);
  const bslz4 = compressFrame(lz4, "bslz4");
  assert.equal(bslz4.codec.name, "bslz4");
  assert.deepEqual(decompressFrame(bslz4).data, pixelsOf(image));
});

Deno.test("compress and decompress processors: statistics; corrupt and oversized frames are CodecErrors", () => {
  const image = { dtype: "uint16" as const, colorMode: 4, nx: 32, ny: 16, at: () => 7 };
  const compress = new CompressProcessor();
  const decompress = new DecompressProcessor();
  for (const codec of ["bslz4", "blosc"] as EncodableCodec[]) {
    compress.configure({ codec });
    const packed = compress.process(frameOf(image));
    assert.equal(packed.codec.name, codec);
    const back = decompress.process(packed);
    assert.deepEqual(back.data, pixelsOf(image));
  }
  const s = compress.stats();
  assert.equal(s.nFrames, 2);
  assert.equal(s.uncompressedBytes, 2 * 32 * 16 * 3 * 2);
  assert.ok(s.compressedBytes > 0 && s.compressedBytes < s.uncompressedBytes);
  assert.equal(s.ratio, s.uncompressedBytes / s.compressedBytes);
  const plain = frameOf(image);
  assert.equal(decompress.process(plain), plain, "a raw frame goes through");
  assert.deepEqual(decompress.stats(), {
    nFrames: 3,
    nDecompressed: 2,
    compressedBytes: s.compressedBytes,
    uncompressedBytes: s.uncompressedBytes,
  });
  compress.resetStats();
  decompress.resetStats();
  assert.deepEqual(compress.stats(), { nFrames: 0, uncompressedBytes: 0, compressedBytes: 0, ratio: 0 });
  assert.equal(decompress.stats().nFrames, 0);

  const damaged = compressFrame(frameOf(image), "lz4");
  (damaged.data as Uint8Array).fill(0xff, 0, 8);
  assert.throws(() => decompress.process(damaged), CodecError);
  decompress.configure({ maxBytes: 1000 });
  assert.throws(
    () => decompress.process(compressFrame(frameOf(image), "lz4")),
    /uncompressed size 3072 exceeds the limit of 1000 bytes/,
  );
  assert.throws(() => compress.configure({ codec: "zstd" }), /argument codec/);
});
