import assert from "node:assert/strict";
import { type DType, type Frame, frameFromNTNDArray, ntAttribute, ntNDArray, scalar } from "../../mod.ts";
import { ImageStats } from "../../processors/image_stats.ts";
import { GpuImageStats } from "../../processors/gpu_image_stats.ts";
import { noGpu } from "./adapter.ts";
import { randomPixels, rng } from "./frames.ts";
import { DTYPES } from "../processors/images.ts";

/** Shapes: odd sizes that leave workgroups part-full, one of several workgroups, and RGB1/2/3. */
const SHAPES: { dims: number[]; colorMode: number }[] = [
  { dims: [1, 1], colorMode: 0 },
  { dims: [7, 3], colorMode: 0 },
  { dims: [129, 67], colorMode: 0 },
  { dims: [3, 5, 7], colorMode: 2 },
  { dims: [9, 3, 11], colorMode: 3 },
  { dims: [13, 5, 3], colorMode: 4 },
];

function frame(dtype: DType, dims: number[], colorMode: number, seed: number): Frame {
  const n = dims.reduce((a, b) => a * b, 1);
  return frameFromNTNDArray(ntNDArray({
    data: randomPixels(dtype, n, seed),
    dims,
    uniqueId: seed,
    attributes: [ntAttribute("ColorMode", { type: scalar("int32"), value: colorMode })],
  }));
}

type Stats = Record<string, unknown>;

function assertSame(gpu: Stats, cpu: Stats, what: string): void {
  for (const key of Object.keys(cpu)) assert.deepEqual(gpu[key], cpu[key], `${what}: ${key}`);
}

Deno.test({
  name:
    "gpu image stats: identical to the CPU processor on random frames of every dtype, odd sizes and colour modes",
  ignore: noGpu,
  fn: async () => {
    for (const args of [{}, { bins: 7, histogramMin: -1000.5, histogramMax: 30000 }, { bins: 3000 }]) {
      const gpu = new GpuImageStats();
      const cpu = new ImageStats();
      await gpu.configure(args);
      cpu.configure(args);
      try {
        for (const dtype of DTYPES) {
          // One batch per dtype: every shape at once, as --accumulate-objects would deliver them.
          const frames = SHAPES.map((s, k) => frame(dtype, s.dims, s.colorMode, 100 * k + dtype.length));
          const expected = frames.map((f) => cpu.process(f).value as Stats);
          const got = await gpu.processBatch(frames);
          got.forEach((g, k) =>
            assertSame(g.value as Stats, expected[k], `${dtype} ${SHAPES[k].dims} ${JSON.stringify(args)}`)
          );
        }
        assert.deepEqual(gpu.stats(), cpu.stats());
      } finally {
        gpu.stop();
      }
    }
  },
});

Deno.test({
  name:
    "gpu image stats: extreme values, sums a float loop gets wrong, infinities and NaN, and an empty frame",
  ignore: noGpu,
  fn: async () => {
    const gpu = new GpuImageStats();
    const cpu = new ImageStats();
    await gpu.configure({});
    try {
      const extremes = [
        new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0]),
        new Uint32Array([0, 2 ** 32 - 1, 7]),
        new Float32Array([-3.4e38, 3.4e38, 0]),
        // In this order a float loop loses the 1s: the exact sum is 3.
        new Float32Array([1e8, 1, 1, 1, -1e8, 1e-30, -1e-30]),
        new Float32Array([1, Infinity, 2]),
        new Float32Array([-Infinity, 1, 2]),
        new Float32Array([Infinity, -Infinity]),
        new Float32Array([NaN, 1]),
        new Float32Array([NaN, NaN]),
        new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n]),
        new BigUint64Array([0n, 2n ** 64n - 1n, 7n, 2n ** 63n]),
        new Float64Array([-1.7e308, 1.7e308, 5e-324, -0.5]),
        new Float64Array([1e300, 1, -1e300, 1e-300]),
        new Float64Array([1, Infinity, 2]),
        new Float64Array([-Infinity, 1, 2]),
        new Float64Array([Infinity, -Infinity]),
        new Float64Array([NaN, 1]),
        new Int8Array(0),
      ];
      for (const data of extremes) {
        const f = frameFromNTNDArray(ntNDArray({ data, dims: [data.length] }));
        const g = (await gpu.process(f)).value as Stats;
        const c = cpu.process(f).value as Stats;
        assert.deepEqual(g, c, f.dtype);
      }
    } finally {
      gpu.stop();
    }
  },
});

/** Pixels of a 64-bit dtype from random words: the whole range (and for float64 every exponent). */
function randomWide(dtype: "int64" | "uint64" | "float64", n: number, seed: number): Frame["data"] {
  const r = rng(seed);
  const words = Uint32Array.from({ length: 2 * n }, () => Math.floor(r() * 2 ** 32));
  if (dtype === "float64") {
    const data = new Float64Array(words.buffer);
    // Random exponents make NaNs (1 in 2048); keep a few, replace the rest with a finite value.
    return data.map((v, i) => Number.isNaN(v) && i % 3 !== 0 ? i : v);
  }
  return dtype === "int64" ? new BigInt64Array(words.buffer) : new BigUint64Array(words.buffer);
}

Deno.test({
  name: "gpu image stats: 64-bit pixels over their whole range, identical to the CPU processor",
  ignore: noGpu,
  fn: async () => {
    const gpu = new GpuImageStats();
    const cpu = new ImageStats();
    await gpu.configure({ bins: 50 });
    cpu.configure({ bins: 50 });
    try {
      for (const dtype of ["int64", "uint64", "float64"] as const) {
        const frames = SHAPES.map((s, k) => {
          const n = s.dims.reduce((a, b) => a * b, 1);
          return frameFromNTNDArray(ntNDArray({
            data: randomWide(dtype, n, 7 * k + dtype.length),
            dims: s.dims,
            uniqueId: k,
            attributes: [ntAttribute("ColorMode", { type: scalar("int32"), value: s.colorMode })],
          }));
        });
        const got = await gpu.processBatch(frames);
        got.forEach((g, k) =>
          assertSame(g.value as Stats, cpu.process(frames[k]).value as Stats, `${dtype} ${SHAPES[k].dims}`)
        );
      }
    } finally {
      gpu.stop();
    }
  },
});
