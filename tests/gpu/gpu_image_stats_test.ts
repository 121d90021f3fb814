import assert from "node:assert/strict";
import { type DType, type Frame, frameFromNTNDArray, ntAttribute, ntNDArray, scalar } from "../../mod.ts";
import { ImageStats } from "../../processors/image_stats.ts";
import { GpuImageStats } from "../../processors/gpu_image_stats.ts";
import { noGpu } from "./adapter.ts";
import { randomPixels } from "./frames.ts";
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

type Stats = Record<string, unknown> & { sum: number; channelSum: Float64Array };

/**
 * The float32 sums are f32 sums of partial sums: each of the n - 1 additions rounds by at most
 * 2^-24 of the running sum of absolute values.
 */
function sumTolerance(f: Frame): number {
  let abs = 0;
  for (const v of f.data as Float32Array) abs += Math.abs(v);
  return f.data.length * 2 ** -24 * abs;
}

function assertSame(gpu: Stats, cpu: Stats, f: Frame, what: string): void {
  const exactSums = f.dtype !== "float32";
  for (const key of Object.keys(cpu)) {
    if (!exactSums && (key === "sum" || key === "mean" || key === "channelSum" || key === "channelMean")) {
      continue;
    }
    assert.deepEqual(gpu[key], cpu[key], `${what}: ${key}`);
  }
  if (!exactSums) {
    const tol = sumTolerance(f);
    assert.ok(Math.abs(gpu.sum - cpu.sum) <= tol, `${what}: sum ${gpu.sum} vs ${cpu.sum} (tolerance ${tol})`);
    cpu.channelSum.forEach((s, c) =>
      assert.ok(
        Math.abs(gpu.channelSum[c] - s) <= tol,
        `${what}: channelSum[${c}] ${gpu.channelSum[c]} vs ${s}`,
      )
    );
  }
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
            assertSame(
              g.value as Stats,
              expected[k],
              frames[k],
              `${dtype} ${SHAPES[k].dims} ${JSON.stringify(args)}`,
            )
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
  name: "gpu image stats: a frame of only the extreme values, and an empty frame",
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
