import assert from "node:assert/strict";
import type { Frame } from "../../mod.ts";
import { GpuBin } from "../../processors/gpu_bin.ts";
import { GpuThreshold } from "../../processors/gpu_threshold.ts";
import { noGpu } from "./adapter.ts";
import { randomFrame } from "./frames.ts";
import { DTYPES } from "../processors/images.ts";

const SIZES: [number, number][] = [[1, 1], [7, 5], [33, 17], [130, 64]];

/** Binning by the definition: f32 sums of the block, row by row, then the mean's scale. */
function binReference(f: Frame, bx: number, by: number, mean: boolean): Float32Array {
  const [nx, ny] = f.shape;
  const ox = Math.floor(nx / bx);
  const oy = Math.floor(ny / by);
  const px = Array.from(f.data as ArrayLike<number | bigint>, (v) => Math.fround(Number(v)));
  const scale = mean ? Math.fround(1 / (bx * by)) : 1;
  const out = new Float32Array(ox * oy);
  for (let j = 0; j < oy; j++) {
    for (let i = 0; i < ox; i++) {
      let s = 0;
      for (let y = 0; y < by; y++) {
        for (let x = 0; x < bx; x++) s = Math.fround(s + px[(j * by + y) * nx + i * bx + x]);
      }
      out[j * ox + i] = Math.fround(s * scale);
    }
  }
  return out;
}

Deno.test({
  name: "gpu bin: sum and mean of blocks match the definition for every dtype; edges dropped; metadata kept",
  ignore: noGpu,
  fn: async () => {
    for (const [bx, by, mode] of [[2, 2, "sum"], [3, 2, "mean"], [1, 4, "sum"]] as const) {
      const bin = new GpuBin();
      await bin.configure({ bx, by, mode });
      try {
        for (const dtype of DTYPES) {
          const frames = SIZES.map(([nx, ny], k) => randomFrame(dtype, nx, ny, 31 * k + bx, k + 1));
          const want = frames.map((f) => binReference(f, bx, by, mode === "mean"));
          const got = await bin.processBatch(frames);
          got.forEach((g, k) => {
            const what = `${dtype} ${SIZES[k]} ${bx}x${by} ${mode}`;
            assert.equal(g.dtype, "float32", what);
            assert.deepEqual(g.shape, [Math.floor(SIZES[k][0] / bx), Math.floor(SIZES[k][1] / by)], what);
            assert.deepEqual(g.data, want[k], what);
            assert.equal(g.uniqueId, k + 1);
            assert.deepEqual(g.timeStamp, frames[k].timeStamp);
          });
        }
      } finally {
        bin.stop();
      }
    }
  },
});

Deno.test({
  name: "gpu threshold: pixels below become 0, others kept, in the frame's own dtype (float32 for 64-bit)",
  ignore: noGpu,
  fn: async () => {
    for (const threshold of [0, 100.5, -3e9, 1e12]) {
      const th = new GpuThreshold();
      await th.configure({ threshold });
      try {
        for (const dtype of DTYPES) {
          const frames = SIZES.map(([nx, ny], k) => randomFrame(dtype, nx, ny, 7 * k + 1, k + 1));
          const got = await th.processBatch(frames);
          got.forEach((g, k) => {
            const what = `${dtype} ${SIZES[k]} threshold ${threshold}`;
            const src = Array.from(frames[k].data as ArrayLike<number | bigint>, Number);
            const wide = dtype.endsWith("64");
            const values = wide ? src.map(Math.fround) : src;
            assert.equal(g.dtype, wide ? "float32" : dtype, what);
            assert.deepEqual(g.shape, frames[k].shape, what);
            assert.deepEqual(
              Array.from(g.data as ArrayLike<number>),
              values.map((v) => v < threshold ? 0 : v),
              what,
            );
          });
          const last = frames.at(-1)!;
          const kept = Array.from(last.data as ArrayLike<number | bigint>, Number)
            .map((v) => dtype.endsWith("64") ? Math.fround(v) : v).filter((v) => v >= threshold).length;
          assert.equal(th.stats().nAbove, kept, `${dtype} nAbove`);
        }
      } finally {
        th.stop();
      }
    }
  },
});
