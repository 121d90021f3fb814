/**
 * `deno bench` of one preview, the cost the pipeline pays at most twice a second per process: the sample a
 * consumer takes on its frame path (point-sample to 256 px), the render (sample, auto-scale, colour) and the
 * render with PNG encoding, on frames from 1 MiB to 16 MiB, each group next to a memcpy of the frame (the
 * baseline, for scale). The render reads only the preview's pixels, so
 * its cost should not grow with the frame.
 *
 * @module
 */
import { type FrameLike, FramePreview, renderPreview, sampleFrame } from "../runtime/preview/mod.ts";

/** A frame of `make`'s type filled with a ramp, so that the scale has a range. */
function frame(name: string, make: (n: number) => FrameLike["data"], dims: number[], colorMode = 0) {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = make(n);
  for (let i = 0; i < n; i++) data[i] = (typeof data[0] === "bigint" ? BigInt(i % 4096) : i % 4096) as never;
  return { name, frame: { data, shape: dims, colorMode } };
}

const CASES = [
  frame("1024x1024 uint8 mono (1 MiB)", (n) => new Uint8Array(n), [1024, 1024]),
  frame("2048x2048 uint16 mono (8 MiB)", (n) => new Uint16Array(n), [2048, 2048]),
  frame("2048x2048 float32 mono (16 MiB)", (n) => new Float32Array(n), [2048, 2048]),
  frame("1920x1080 uint8 RGB1 (6 MiB)", (n) => new Uint8Array(n), [3, 1920, 1080], 2),
  frame("1024x1024 int64 mono (8 MiB)", (n) => new BigInt64Array(n), [1024, 1024]),
];

for (const { name, frame: f } of CASES) {
  const copy = new Uint8Array(f.data.byteLength);
  const bytes = new Uint8Array(f.data.buffer, f.data.byteOffset, f.data.byteLength);
  Deno.bench({ name: `memcpy · ${name}`, group: name, baseline: true, fn: () => copy.set(bytes) });
  // What a consumer's onFrame pays when its FrameSampler is due (at most twice a second).
  Deno.bench({ name: `sample · ${name}`, group: name, fn: () => void sampleFrame(f) });
  Deno.bench({ name: `render · ${name}`, group: name, fn: () => void renderPreview(f) });
  // A fresh FramePreview per call with a clock always due: render + PNG, what one served preview costs.
  let now = 0;
  const preview = new FramePreview({ source: { latest: () => f }, clock: () => (now += 1000) });
  Deno.bench({ name: `render + PNG · ${name}`, group: name, fn: async () => void await preview.current() });
}
