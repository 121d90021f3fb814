/**
 * `deno bench --allow-all bench/processors_bench.ts`: the image processors on a 1024 × 1024 uint16
 * frame (2 MiB) and a 512 × 512 RGB1 uint8 frame, each group next to a memcpy of the frame (the
 * baseline, for scale). The turns and the transpose read the source down its columns, which
 * copyPixels does in bands of columns; a flip reads along rows. Each processor here sees one
 * pixel type per frame size, as in a consumer; in one process, several types make the copy loops
 * polymorphic and slower.
 *
 * @module
 */
import { type Frame, frameFromNTNDArray, ntAttribute, ntNDArray, scalar } from "../mod.ts";
import { cropAndBin } from "../processors/roi.ts";
import { transformFrame } from "../processors/transform.ts";
import { applyThreshold } from "../processors/threshold.ts";
import { MovingAverage } from "../processors/moving_average.ts";
import { compressFrame } from "../processors/compress.ts";
import { splitFrame } from "../processors/tiles.ts";
import { Stitcher } from "../processors/stitch.ts";

function frame(data: Uint8Array | Uint16Array, dims: number[], colorMode: number): Frame {
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 1000;
  const attributes = [ntAttribute("ColorMode", { type: scalar("int32"), value: colorMode })];
  return frameFromNTNDArray(ntNDArray({ data, dims, attributes }));
}

/** Runs per case: enough for a mean, and the whole file within a minute on a loaded 2-core machine. */
const RUNS = 30;

const CASES = [
  { name: "1024x1024 uint16 mono", frame: frame(new Uint16Array(1024 * 1024), [1024, 1024], 0) },
  { name: "512x512 uint8 RGB1", frame: frame(new Uint8Array(3 * 512 * 512), [3, 512, 512], 2) },
];

for (const { name, frame: f } of CASES) {
  const bytes = new Uint8Array(f.data.buffer, f.data.byteOffset, f.data.byteLength);
  const copy = new Uint8Array(bytes.length);
  const bench = (what: string, fn: () => unknown) =>
    Deno.bench({ name: `${what} · ${name}`, group: name, n: RUNS, warmup: 5, fn: () => void fn() });
  Deno.bench({ name: `memcpy · ${name}`, group: name, baseline: true, n: RUNS, fn: () => copy.set(bytes) });
  bench("crop to the central quarter", () => cropAndBin(f, { x: 256, y: 128, width: 512, height: 256 }));
  bench("bin 2 x 2, sum", () => cropAndBin(f, { bx: 2, by: 2 }));
  bench("bin 2 x 2, mean", () => cropAndBin(f, { bx: 2, by: 2, binning: "mean" }));
  bench("rotate 90", () => transformFrame(f, { rotate: 90 }));
  bench("transpose", () => transformFrame(f, { transpose: true }));
  bench("flip x", () => transformFrame(f, { flipX: true }));
  // In place, so each run thresholds a fresh copy (the copy is the baseline's cost).
  bench("copy + threshold", () => applyThreshold({ ...f, data: f.data.slice() }, { below: 100, above: 900 }));
  const average = new MovingAverage({ n: 10, dtype: "float32" });
  bench("moving average of 10, float32", () => average.add(f));
  bench("compress lz4", () => compressFrame(f, "lz4"));
  bench("compress blosc", () => compressFrame(f, "blosc"));
  bench("tiles 128 x 128 + stitch", () => {
    const stitcher = new Stitcher();
    for (const t of splitFrame(f, { width: 128, height: 128 })) stitcher.add(t);
  });
}
