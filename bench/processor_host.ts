/**
 * `deno task bench:processor`: frames per second through a {@link ProcessorHost} running the
 * pass-through processor, in a Worker and in a child process, for small and large frames, with
 * one frame in flight and with four. Each frame's output (the same pixels, moved back) is sent
 * again as the next input, so the figures are the sandbox's own cost: messages, transfers, pipe
 * copies.
 *
 * @module
 */
import { frameFromNTNDArray, ntNDArray, ProcessorHost } from "../mod.ts";
import type { Frame, Isolation } from "../mod.ts";

const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 2);
const SIZES = [{ label: "1 KiB", bytes: 1024 }, { label: "256 KiB", bytes: 512 * 512 }, {
  label: "16 MiB",
  bytes: 4096 * 4096,
}];
const file = new URL("../processors/passthrough.ts", import.meta.url).pathname;

const WINDOWS = [1, 4];

/** Frames per second with `window` frames circulating at once. */
async function run(isolation: Isolation, bytes: number, window: number): Promise<number> {
  const host = new ProcessorHost({ file, isolation });
  await host.start();
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  const start = performance.now();
  await Promise.all(Array.from({ length: window }, async () => {
    let frame: Frame = frameFromNTNDArray(ntNDArray({ data: new Uint8Array(bytes), dims: [bytes] }));
    while (performance.now() < end) {
      frame = (await host.process(frame))[0] as Frame;
      n++;
    }
  }));
  const rate = n / ((performance.now() - start) / 1000);
  await host.stop();
  return rate;
}

console.log("| frame | isolation | in flight | frames/s | MB/s (each way) |");
console.log("| ----- | --------- | --------- | -------- | --------------- |");
for (const { label, bytes } of SIZES) {
  for (const isolation of ["worker", "process"] as const) {
    for (const window of WINDOWS) {
      const fps = await run(isolation, bytes, window);
      console.log(
        `| ${label} | ${isolation} | ${window} | ${fps.toFixed(0)} | ${(fps * bytes / 1e6).toFixed(0)} |`,
      );
    }
  }
}
