import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type DType,
  encodeFrame,
  frameFromNTNDArray,
  frameToNTNDArray,
  ImageLayoutError,
  ProcessorArgError,
} from "../../mod.ts";
import { type Binning, cropAndBin, RoiProcessor } from "../../processors/roi.ts";
import {
  arbitraryImage,
  coloursOf,
  DATA_STAMP,
  frameOf,
  pixelsOf,
  type PlainImage,
  shapeOf,
  STAMP,
} from "./images.ts";

/** The dtype rules of roi.ts, restated. */
function expectedDtype(dtype: DType, binned: boolean, binning: Binning): DType {
  if (!binned || binning === "mean") return dtype;
  if (dtype === "int8" || dtype === "int16") return "int32";
  if (dtype === "uint8" || dtype === "uint16") return "uint32";
  if (dtype === "int32" || dtype === "uint32") return "float64";
  return dtype;
}

/** Crop then bin, pixel by pixel. */
function reference(
  image: PlainImage,
  o: { x: number; y: number; width?: number; height?: number; bx: number; by: number; binning: Binning },
): PlainImage {
  const nx = Math.floor(Math.min(o.width ?? image.nx, image.nx - o.x) / o.bx);
  const ny = Math.floor(Math.min(o.height ?? image.ny, image.ny - o.y) / o.by);
  const dtype = expectedDtype(image.dtype, o.bx * o.by > 1, o.binning);
  const n = o.bx * o.by;
  const integer = !dtype.startsWith("float");
  return {
    dtype,
    colorMode: image.colorMode,
    nx,
    ny,
    at: (c, ox, oy) => {
      let total = 0;
      for (let j = 0; j < o.by; j++) {
        for (let i = 0; i < o.bx; i++) total += image.at(c, o.x + ox * o.bx + i, o.y + oy * o.by + j);
      }
      if (o.binning === "sum") return total;
      return integer ? Math.round(total / n) : total / n;
    },
  };
}

Deno.test("roi: crop and binning match the pixel-by-pixel reference, every dtype and colour mode", () => {
  fc.assert(
    fc.property(
      arbitraryImage(),
      fc.record({
        x: fc.integer({ min: 0, max: 23 }),
        y: fc.integer({ min: 0, max: 23 }),
        width: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
        height: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
        bx: fc.integer({ min: 1, max: 4 }),
        by: fc.integer({ min: 1, max: 4 }),
        binning: fc.constantFrom<Binning>("sum", "mean"),
      }),
      (image, o) => {
        const frame = frameOf(image, 42);
        const want = reference(image, o);
        if (o.x >= image.nx || o.y >= image.ny || want.nx === 0 || want.ny === 0) {
          assert.throws(() => cropAndBin(frame, o), ImageLayoutError);
          return;
        }
        const out = cropAndBin(frame, o);
        assert.equal(out.dtype, want.dtype);
        assert.deepEqual(out.shape, shapeOf(image.colorMode, want.nx, want.ny));
        assert.deepEqual(out.data, pixelsOf(want));
        assert.equal(out.uncompressedSize, out.data.byteLength);
        assert.equal(out.uniqueId, 42);
        assert.deepEqual([out.timeStamp, out.dataTimeStamp], [STAMP, DATA_STAMP]);
        assert.equal(out.colorMode, image.colorMode);
        assert.equal(out.attributes.ColorMode, image.colorMode);
        // The output publishes as NTNDArray and reads back the same.
        assert.deepEqual(frameFromNTNDArray(frameToNTNDArray(out)).shape, out.shape);
      },
    ),
    { numRuns: 400 },
  );
});

Deno.test("roi: 64-bit bins are exact BigInt sums; means round halves upwards", () => {
  const big = 2 ** 60;
  const image: PlainImage = {
    dtype: "int64",
    colorMode: 0,
    nx: 4,
    ny: 1,
    at: (_c, x) => [big, big, -3, 0][x],
  };
  const sum = cropAndBin(frameOf(image), { bx: 2 });
  assert.deepEqual([...sum.data as BigInt64Array], [2n ** 61n, -3n]);
  const mean = cropAndBin(frameOf(image), { bx: 2, binning: "mean" });
  assert.deepEqual([...mean.data as BigInt64Array], [2n ** 60n, -1n]);
  const odd = cropAndBin(frameOf({ ...image, at: (_c, x) => [-4, 0, 5, 0][x] }), { bx: 2, binning: "mean" });
  assert.deepEqual([...odd.data as BigInt64Array], [-2n, 3n]);
});

Deno.test("roi processor: arguments, statistics and errors", () => {
  const p = new RoiProcessor();
  p.configure({ x: 2, width: 4, bx: 2, binning: "mean" });
  const image: PlainImage = { dtype: "uint16", colorMode: 2, nx: 8, ny: 3, at: (c, x, y) => c + x + 10 * y };
  const out = p.process(frameOf(image));
  assert.deepEqual(out.shape, [3, 2, 3]);
  assert.equal(coloursOf(out.colorMode), 3);
  // A later configure changes only the keys it names.
  p.configure({ processorId: 1, y: 1 });
  assert.deepEqual(p.process(frameOf(image)).shape, [3, 2, 2]);
  assert.deepEqual(p.stats(), { nFrames: 2, width: 2, height: 2 });
  p.resetStats();
  assert.deepEqual(p.stats(), { nFrames: 0, width: 0, height: 0 });

  assert.throws(() => p.configure({ bx: 0 }), /argument bx: expected an integer >= 1, got 0/);
  assert.throws(() => p.configure({ binning: "max" }), /argument binning/);
  assert.throws(() => p.configure({ bx: 512, by: 512 }), /bx × by <= 65536/);
  assert.deepEqual(p.process(frameOf(image)).shape, [3, 2, 2], "a refused configure changes nothing");
  // ColorMode says RGB1, the shape is mono.
  const mismatched = { ...frameOf({ ...image, colorMode: 0 }), colorMode: 2 };
  assert.throws(() => new RoiProcessor().process(mismatched), /colour mode 2 needs three dimensions/);
  p.configure({ x: 100 });
  assert.throws(() => p.process(frameOf(image)), /ROI corner \(100, 1\) lies outside the 8 x 3 frame/);
  const packed = frameFromNTNDArray(encodeFrame(frameToNTNDArray(frameOf(image)), "lz4"));
  assert.throws(() => cropAndBin(packed, {}), /compressed \(lz4\)/);
  // The function checks its options as the processor checks its arguments.
  assert.throws(() => cropAndBin(frameOf(image), { x: -1 }), /argument x: expected an integer >= 0, got -1/);
  assert.throws(() => cropAndBin(frameOf(image), { by: 0.5 }), ProcessorArgError);
});
