import assert from "node:assert/strict";
import fc from "fast-check";
import { type DType, frameFromNTNDArray, ntNDArray } from "../../mod.ts";
import {
  applyThreshold,
  type ThresholdMode,
  type ThresholdOptions,
  ThresholdProcessor,
} from "../../processors/threshold.ts";
import { arbitraryImage, DATA_STAMP, frameOf, STAMP, typed } from "./images.ts";

const RANGE: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  int64: [-(2 ** 53), 2 ** 53],
  uint64: [0, 2 ** 53],
};

/** Sample by sample: what each becomes, and the counts. */
function reference(dtype: DType, samples: number[], o: Required<ThresholdOptions>) {
  const range = RANGE[dtype];
  const fit = (v: number) => range ? Math.min(Math.max(v, range[0]), range[1]) : v;
  const low = o.belowMode === "zero" ? 0 : fit(range ? Math.ceil(o.below) : o.below);
  const high = o.aboveMode === "zero" ? 0 : fit(range ? Math.floor(o.above) : o.above);
  const over = samples.filter((v) => v >= o.below);
  return {
    pixels: typed(dtype, samples.map((v) => v < o.below ? low : v > o.above ? high : v)),
    nOver: over.length,
    sumOver: over.reduce((a, b) => a + b, 0),
    nAbove: samples.filter((v) => v >= o.below && v > o.above).length,
  };
}

Deno.test("threshold: pixels and counts match the sample-by-sample reference, every dtype and colour mode", () => {
  fc.assert(
    fc.property(
      arbitraryImage(),
      fc.double({ min: -2500, max: 2500, noNaN: true }),
      fc.double({ min: -2500, max: 2500, noNaN: true }),
      fc.constantFrom<ThresholdMode>("zero", "clamp"),
      fc.constantFrom<ThresholdMode>("zero", "clamp"),
      (image, below, above, belowMode, aboveMode) => {
        const frame = frameOf(image, 3);
        const samples = Array.from(frame.data as ArrayLike<number | bigint>, Number);
        const o = { below, above, belowMode, aboveMode };
        const want = reference(image.dtype, samples, o);
        const counts = applyThreshold(frame, o);
        assert.deepEqual(frame.data, want.pixels);
        assert.deepEqual(counts, { nOver: want.nOver, sumOver: want.sumOver, nAbove: want.nAbove });
      },
    ),
    { numRuns: 400 },
  );
});

Deno.test("threshold: written thresholds round towards the kept side and stay within the dtype", () => {
  const frame = (data: Uint8Array | Int16Array | BigInt64Array | Float32Array) =>
    frameFromNTNDArray(ntNDArray({ data, dims: [data.length] }));
  const u8 = frame(new Uint8Array([3, 10, 11, 250]));
  applyThreshold(u8, { below: 10.5, belowMode: "clamp", above: 249.5 });
  assert.deepEqual([...u8.data], [11, 11, 11, 249]);
  const saturated = frame(new Uint8Array([3, 200]));
  applyThreshold(saturated, { below: 300, belowMode: "clamp" });
  assert.deepEqual([...saturated.data], [255, 255]);
  const i64 = frame(new BigInt64Array([-5n, 0n, 2n ** 62n]));
  assert.deepEqual(applyThreshold(i64, { below: -1, above: 1e30, aboveMode: "zero" }), {
    nOver: 2,
    sumOver: 2 ** 62,
    nAbove: 0,
  });
  assert.deepEqual([...i64.data], [0n, 0n, 2n ** 62n]);
  const f32 = frame(new Float32Array([0.05, 0.2]));
  applyThreshold(f32, { below: 0.1, belowMode: "clamp" });
  assert.deepEqual([...f32.data], [Math.fround(0.1), Math.fround(0.2)]);
});

Deno.test("threshold processor: the same frame back, statistics of the latest frame", () => {
  const p = new ThresholdProcessor();
  p.configure({ below: 2 });
  p.configure({ above: 4, aboveMode: "zero" }); // keeps below
  const frame = frameOf({ dtype: "int32", colorMode: 2, nx: 2, ny: 1, at: (c, x) => c + 3 * x });
  const out = p.process(frame);
  assert.equal(out, frame);
  assert.deepEqual([...out.data], [0, 0, 2, 3, 4, 0]);
  assert.deepEqual([out.uniqueId, out.timeStamp, out.dataTimeStamp], [1, STAMP, DATA_STAMP]);
  assert.deepEqual(p.stats(), {
    nFrames: 1,
    nOver: 4,
    fractionOver: 4 / 6,
    sumOver: 2 + 3 + 4 + 5,
    meanOver: 3.5,
    nAbove: 1,
  });
  p.resetStats();
  assert.deepEqual(p.stats(), { nFrames: 0, nOver: 0, fractionOver: 0, sumOver: 0, meanOver: 0, nAbove: 0 });
  assert.throws(() => p.configure({ below: "2" }), /argument below: expected a finite number/);
  assert.throws(() => p.configure({ aboveMode: "wrap" }), /argument aboveMode/);
});
