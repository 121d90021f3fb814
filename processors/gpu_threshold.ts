/**
 * Threshold on the GPU: pixels below `threshold` become 0, the others are kept unchanged; the
 * output frame has the input's dtype and shape (for 64-bit dtypes, which the GPU sees as float32,
 * it is float32). The comparison is exact in the pixels' own type (the threshold is turned into
 * the smallest pixel value at or above it). Reports how many pixels of the latest frame were kept
 * (`nAbove`). Works on packed 8- and 16-bit pixels in place: each thread handles one 32-bit word.
 * Needs `--processor-permissions gpu`.
 *
 * Arguments: `threshold` (default 0).
 *
 * @module
 */
// Not ../mod.ts: that pulls in the HTTP API's npm packages, which a child-process sandbox
// (--processor-isolation process, run with --no-npm) cannot load.
import {
  type Frame,
  GpuContext,
  type GpuLayout,
  gpuLayout,
  type Processor,
  type ProcessorArgs,
  processorMain,
  wgslPixelLoader,
} from "../runtime/processor/mod.ts";
import { ceilPixel } from "./gpu/histogram_edges.ts";
import { runInDtypeParts } from "./gpu/dtype_parts.ts";
import { derivedFrame } from "./gpu/output_frame.ts";

const WORKGROUP = 64;

function thresholdShader(layout: GpuLayout): string {
  const t = layout.scalar;
  const lanes = 4 / layout.bytes;
  const limit = t === "u32" ? "f.limit" : `bitcast<${t}>(f.limit)`;
  return `
struct Frame { base: u32, n: u32, words: u32, limit: u32, all: u32, count: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<storage, read> pixels: array<u32>;
@group(0) @binding(1) var<storage, read> frames: array<Frame>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(0) @binding(3) var<storage, read_write> kept: array<atomic<u32>>;
${wgslPixelLoader(layout)}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3u) {
  let f = frames[id.y];
  if (id.x >= f.words) { return; }
  var mask = 0u;
  var n = 0u;
  for (var lane = 0u; lane < ${lanes}u; lane++) {
    let i = id.x * ${lanes}u + lane;
    // f.all: every value is below the threshold.
    if (i < f.n && f.all == 0u && pixel(f.base, i) >= ${limit}) {
      mask |= ${
    layout.bytes === 4 ? "0xffffffffu" : `${2 ** (8 * layout.bytes) - 1}u << (lane * ${8 * layout.bytes}u)`
  };
      n++;
    }
  }
  out[f.base + id.x] = pixels[f.base + id.x] & mask;
  if (n > 0u) { atomicAdd(&kept[f.count], n); }
}`;
}

/** Zeroes the pixels below a threshold. */
export class GpuThreshold implements Processor {
  /** Pixels kept in the latest frame, and frames seen. */
  readonly statsTypes = { nAbove: "uint", nFrames: "ulong" } as const;
  /** Frames. */
  readonly outputType = "frame";
  #threshold = 0;
  #nAbove = 0;
  #nFrames = 0;
  #gpu: GpuContext | undefined;

  /** Reads `threshold`; opens the GPU once. */
  async configure(args: ProcessorArgs): Promise<void> {
    const t = args.threshold ?? this.#threshold;
    if (typeof t !== "number" || Number.isNaN(t)) throw new TypeError("threshold: expected a number");
    this.#threshold = t;
    this.#gpu ??= await GpuContext.open({ label: "gpu_threshold" });
  }

  /** @returns the frame with the pixels below the threshold zeroed */
  async process(frame: Frame): Promise<Frame> {
    return (await this.processBatch([frame]))[0];
  }

  /** @returns one frame per input, in order */
  processBatch(frames: Frame[]): Promise<Frame[]> {
    return runInDtypeParts(this.#gpu!, frames, (part) => this.#apply(part));
  }

  /** Pixels kept in the latest frame. */
  stats(): { nAbove: number; nFrames: number } {
    return { nAbove: this.#nAbove, nFrames: this.#nFrames };
  }

  /** Zeroes the counts. */
  resetStats(): void {
    this.#nAbove = 0;
    this.#nFrames = 0;
  }

  /** Releases the GPU. */
  stop(): void {
    this.#gpu?.destroy();
  }

  async #apply(frames: Frame[]): Promise<Frame[]> {
    const gpu = this.#gpu!;
    const input = gpu.upload("pixels", frames);
    const layout = gpuLayout(frames[0].dtype);
    const limit = ceilPixel(layout.scalar, this.#threshold);
    const table = new Uint32Array(8 * frames.length);
    frames.forEach((f, k) => {
      const words = (k + 1 < frames.length ? input.offsets[k + 1] : input.words) - input.offsets[k];
      table.set([input.offsets[k], f.data.length, words, limit ?? 0, limit === undefined ? 1 : 0, k], 8 * k);
    });
    const frameBuffer = gpu.buffer("frames", table.byteLength);
    gpu.write(frameBuffer, table);
    const output = gpu.buffer("thresholded", 4 * input.words);
    const kept = gpu.buffer("kept", 4 * frames.length);
    gpu.write(kept, new Uint32Array(frames.length));
    const most = Math.max(1, ...frames.map((_, k) => table[8 * k + 2]));
    gpu.dispatch(await gpu.pipeline(thresholdShader(layout)), [input.buffer, frameBuffer, output, kept], [
      Math.ceil(most / WORKGROUP),
      frames.length,
    ]);
    const counts = new Uint32Array(await gpu.read(kept, 4 * frames.length));
    const pixels = await gpu.read(output, 4 * input.words);
    this.#nFrames += frames.length;
    this.#nAbove = counts[frames.length - 1];
    const Out = layout.converted ? Float32Array : (frames[0].data.constructor as Float32ArrayConstructor);
    return frames.map((f, k) =>
      derivedFrame(f, new Out(pixels, 4 * input.offsets[k], f.data.length), [...f.shape])
    );
  }
}

// `deno run -A processors/gpu_threshold.ts --input-channel ... --processor-permissions gpu` runs a consumer.
if (import.meta.main) await processorMain(import.meta.url, { className: "GpuThreshold" });
