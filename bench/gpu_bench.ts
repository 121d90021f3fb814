/**
 * `deno task bench:gpu`: the CPU image-statistics processor against the GPU one on the same
 * frames (512 × 512 and 2048 × 2048; float32 and uint16), in batches of 1, 8 and 32 as
 * `--accumulate-objects` would deliver them. Both are called directly (no sandbox, no network),
 * so the figures are the processors' own: frames/s, and the latency of one call (a batch).
 * Prints the adapter first and says when it is a software one (llvmpipe: the GPU code then runs
 * on the CPU's cores, and is no faster than the CPU processor). Each case runs for about
 * `BENCH_SECONDS` (default 1) and at least twice; `BENCH_CASES=512` keeps only the small frames;
 * a case whose call would take more than `BENCH_CALL_BUDGET` seconds (default 5, judged from its
 * batch of 1) is listed but left out, so a run on a software adapter stays within a couple of
 * minutes.
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

/** Longest a single call may be expected to take before a case is left out (seconds). */
const CALL_BUDGET = Number(Deno.env.get("BENCH_CALL_BUDGET") ?? 5);

/** Runs `call` (one batch) for about SECONDS after a warm-up call; frames/s and the median call in ms. */
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
    const perFrame = { cpu: 0, gpu: 0 };
    for (const batch of BATCHES) {
      // The same pixels batch times: the processors are called directly and keep no copy.
      const frames = Array.from({ length: batch }, () => one);
      const row = `| ${size}² | ${dtype} | ${batch} |`;
      // A case whose calls would take longer than the budget (judged from batch 1) is left out.
      const expected = Math.max(perFrame.cpu, perFrame.gpu) * batch / 1000;
      if (expected > CALL_BUDGET) {
        console.log(`${row} left out: about ${expected.toFixed(0)} s per call here | | | | |`);
        continue;
      }
      const c = await measure(batch, () => frames.forEach((f) => cpu.process(f)));
      const g = await measure(batch, () => gpu.processBatch(frames));
      if (batch === 1) Object.assign(perFrame, { cpu: c.ms, gpu: g.ms });
      console.log(
        `${row} ${c.fps.toFixed(1)} | ${c.ms.toFixed(1)} | ${g.fps.toFixed(1)} | ${g.ms.toFixed(1)} | ${
          (g.fps / c.fps).toFixed(2)
        } |`,
      );
    }
  }
}
gpu.stop();
