import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ARRAY_CONSTRUCTORS,
  type DType,
  frameFromNTNDArray,
  ntAttribute,
  ntNDArray,
  type NumericArray,
  scalar,
} from "../../../mod.ts";
import { IMAGE_STATS_TYPE, imageStatistics } from "../../../processors/image_stats.ts";
import { withHost } from "./helpers.ts";
import { DTYPES } from "../../processors/images.ts";

/** Random samples of a dtype, within ±2^20 (±128 for bytes) so that sums are exact in doubles. */
function samples(dtype: DType, n: number, seed: number): NumericArray {
  let s = seed >>> 0 || 1;
  const next = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const signed = !dtype.startsWith("u");
  const range = dtype.endsWith("8") ? 128 : 2 ** 20;
  const values = Array.from({ length: n }, () => {
    const v = (signed ? next() * 2 - 1 : next()) * (range - 1);
    // Floats in quarters: exact in float32, and every sum exact in a double whatever the order.
    return dtype.startsWith("float") ? Math.round(v * 4) / 4 : Math.round(v);
  });
  const C = ARRAY_CONSTRUCTORS[dtype];
  return dtype.endsWith("64") && !dtype.startsWith("float")
    ? (C as BigInt64ArrayConstructor).from(values, BigInt)
    : (C as Float64ArrayConstructor).from(values);
}

/** The statistics the plain way: sort, reduce, and count each bin by its edges. */
function reference(data: NumericArray, bins: number, lo: number, hi: number) {
  const v = Array.from(data as ArrayLike<number | bigint>, Number).sort((a, b) => a - b);
  const sum = v.reduce((a, b) => a + b, 0);
  const width = (hi - lo) / bins;
  const histogram = Array.from(
    { length: bins },
    (_, k) =>
      v.filter((x) => x >= lo + k * width && (k === bins - 1 ? x <= hi : x < lo + (k + 1) * width)).length,
  );
  return { min: v[0], max: v[v.length - 1], sum, mean: sum / v.length, histogram };
}

Deno.test("imageStatistics matches the reference on random frames of every dtype", () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...DTYPES),
      fc.integer({ min: 1, max: 3000 }),
      fc.integer(),
      fc.integer({ min: 0, max: 6 }),
      (dtype, n, seed, binsLog) => {
        const data = samples(dtype, n, seed);
        const bins = 2 ** binsLog;
        // Power-of-two widths keep the edges exact, so both sides agree on boundary samples.
        const [lo, hi] = dtype.endsWith("8") ? [-128, 128] : [-(2 ** 20), 2 ** 20];
        const got = imageStatistics(data, { bins, min: lo, max: hi });
        const want = reference(data, bins, lo, hi);
        assert.equal(got.min, want.min);
        assert.equal(got.max, want.max);
        assert.equal(got.sum, want.sum);
        assert.equal(got.mean, want.mean);
        assert.deepEqual([...got.histogram], want.histogram);
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("imageStatistics: by default the histogram spans the frame and counts every sample", () => {
  for (const dtype of DTYPES) {
    const data = samples(dtype, 1000, 42);
    const s = imageStatistics(data, { bins: 10 });
    assert.equal(s.histogramMin, s.min);
    assert.equal(s.histogramMax, s.max);
    assert.equal(s.histogram.reduce((a, b) => a + b, 0), 1000, dtype);
  }
  const flat = imageStatistics(new Float32Array([2, 2, 2]), { bins: 4 });
  assert.deepEqual([...flat.histogram], [3, 0, 0, 0]);
  assert.ok(Number.isNaN(imageStatistics(new Uint8Array(0), { bins: 2 }).mean));
});

/** Colour c of pixel (x, y) as docs/processors.md states it, for a reference per channel. */
const SAMPLE: Record<number, (c: number, x: number, y: number, nx: number, ny: number) => number> = {
  2: (c, x, y, nx) => c + 3 * (x + nx * y),
  3: (c, x, y, nx) => x + nx * (c + 3 * y),
  4: (c, x, y, nx, ny) => x + nx * (y + ny * c),
};

function channelReference(data: NumericArray, colorMode: number, nx: number, ny: number) {
  const all = Array.from(data as ArrayLike<number | bigint>, Number);
  const channels = colorMode === 0 ? [all] : [0, 1, 2].map((c) => {
    const v: number[] = [];
    for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) v.push(all[SAMPLE[colorMode](c, x, y, nx, ny)]);
    return v;
  });
  return {
    min: channels.map((v) => Math.min(...v)),
    max: channels.map((v) => Math.max(...v)),
    sum: channels.map((v) => v.reduce((a, b) => a + b, 0)),
  };
}

for (const [colorMode, dims] of [[0, [8, 6]], [2, [3, 8, 6]], [3, [8, 3, 6]], [4, [8, 6, 3]]] as const) {
  Deno.test(`image stats processor in its sandbox: colour mode ${colorMode}, every dtype`, async () => {
    const file = new URL("../../../processors/image_stats.ts", import.meta.url).pathname;
    await withHost({ file, args: { bins: 4 } }, async (host) => {
      assert.deepEqual(host.outputType, IMAGE_STATS_TYPE);
      for (const [i, dtype] of DTYPES.entries()) {
        const data = samples(dtype, dims.reduce((a, b) => a * b, 1), i + colorMode * 100);
        const original = data.slice(); // data moves to the sandbox
        const want = reference(
          data,
          4,
          Math.min(...Array.from(data as ArrayLike<number>, Number)),
          Math.max(...Array.from(data as ArrayLike<number>, Number)),
        );
        const frame = frameFromNTNDArray(ntNDArray({
          data,
          dims: [...dims],
          uniqueId: i,
          attributes: [ntAttribute("ColorMode", { type: scalar("int32"), value: colorMode })],
        }));
        assert.equal(frame.colorMode, colorMode);
        const [out] = await host.process(frame);
        const v = (out as { value: Record<string, unknown> }).value;
        assert.equal(v.uniqueId, i);
        assert.deepEqual([v.min, v.max, v.sum], [want.min, want.max, want.sum], dtype);
        const perColour = channelReference(original, colorMode, 8, 6);
        assert.deepEqual([...v.channelMin as Float64Array], perColour.min, dtype);
        assert.deepEqual([...v.channelMax as Float64Array], perColour.max, dtype);
        assert.deepEqual([...v.channelSum as Float64Array], perColour.sum, dtype);
        assert.equal(data.length, 0, "the pixels moved to the sandbox");
        assert.equal(
          (v.histogram as Uint32Array).reduce((a, b) => a + b, 0),
          dims.reduce((a, b) => a * b, 1),
        );
      }
      const stats = await host.stats();
      assert.equal(stats.nFrames, BigInt(DTYPES.length));
      await host.resetStats();
      assert.equal((await host.stats()).nFrames, 0n);
    });
  });
}
