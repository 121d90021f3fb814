/**
 * `deno task bench:gpu`: the CPU image-statistics processor against the GPU one on the same
 * frames (512 × 512 and 2048 × 2048; float32 and uint16), in batches of 1, 8 and 32 as
 * `--accumulate-objects` would deliver them. Both are called directly (no sandbox, no network),
 * so the figures are the processors' own: frames/s, and the latency of one call (a batch).
 * Prints the adapter first and says when it is a software one (llvmpipe: the GPU code then runs
 * on the CPU's cores, and is no faster than the CPU processor). Each case runs for about
 * `BENCH_SECONDS` (default 1) and at least twice; `BENCH_CASES=512` keeps only the small frames.
 *
 * @module
 */
import { type DType, type Frame, frameFromNTNDArray, GpuContext, ntNDArray } from "../mod.ts";
import { ImageStats } from "../processors/image_stats.ts";
import { GpuImageStats } from "../processors/gpu_image_stats.ts";

const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 1);
const SIZES = (Deno.env.get("BENCH_CASES") ?? "512,2048").split(",").map(Number);
const DTYPES: DType[] = ["float32", "uint16"];
const BATCHES = [1, 8, 32];

function frame(dtype: DType, size: number): Frame {
  const n = size * size;
  const data = dtype === "float32"
    ? Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 1000)
    : Uint16Array.from({ length: n }, (_, i) => (i * 2654435761) >>> 20);
  return frameFromNTNDArray(ntNDArray({ data, dims: [size, size] }));
}

/** Runs `call` (one batch) for about SECONDS; frames/s and the median latency of a call in ms. */
async function measure(batch: number, call: () => unknown): Promise<{ fps: number; ms: number }> {
  await call(); // warm-up: shader compilation, buffers
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 2 || performance.now() - start < SECONDS * 1000) {
    const t = performance.now();
    await call();
    times.push(performance.now() - t);
  }
  const total = times.reduce((a, b) => a + b, 0);
  times.sort((a, b) => a - b);
  return { fps: (batch * times.length) / (total / 1000), ms: times[Math.floor(times.length / 2)] };
}

const probe = await GpuContext.open().catch((e) => {
  console.log(`no WebGPU adapter: ${(e as Error).message}`);
  Deno.exit(0);
});
const a = probe.adapter;
console.log(
  `adapter: ${a.description} (vendor ${a.vendor || "?"}${a.architecture ? `, ${a.architecture}` : ""})`,
);
if (a.isFallbackAdapter || /llvmpipe|lavapipe|swiftshader|warp/i.test(a.description)) {
  console.log(
    "  this is a SOFTWARE adapter: the GPU code runs on the CPU's cores (compare shapes, not speed)",
  );
}
probe.destroy();

const cpu = new ImageStats();
const gpu = new GpuImageStats();
await gpu.configure({});
console.log(
  "\n| frame | dtype | batch | CPU frames/s | CPU ms/call | GPU frames/s | GPU ms/call | GPU/CPU |",
);
console.log("| ----- | ----- | ----- | ------------ | ----------- | ------------ | ----------- | ------- |");
for (const size of SIZES) {
  for (const dtype of DTYPES) {
    const one = frame(dtype, size);
    for (const batch of BATCHES) {
      // The same pixels batch times: the processors are called directly and keep no copy.
      const frames = Array.from({ length: batch }, () => one);
      const c = await measure(batch, () => frames.forEach((f) => cpu.process(f)));
      const g = await measure(batch, () => gpu.processBatch(frames));
      console.log(
        `| ${size}² | ${dtype} | ${batch} | ${c.fps.toFixed(1)} | ${c.ms.toFixed(1)} | ${
          g.fps.toFixed(1)
        } | ${g.ms.toFixed(1)} | ${(g.fps / c.fps).toFixed(2)} |`,
      );
    }
  }
}
gpu.stop();
