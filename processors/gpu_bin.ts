/**
 * Binning on the GPU: each output pixel is the sum (or mean) of a `bx` × `by` block of input
 * pixels; a remainder that does not fill a block at the right or bottom edge is dropped. Mono
 * frames of any dtype in, float32 frames out (the sums are accumulated in f32: exact for
 * integers while a block's sum stays below 2^24). uniqueId, time stamps and attributes are kept.
 * Needs `--processor-permissions gpu`; a batch (`--accumulate-objects`) is one upload and one
 * dispatch.
 *
 * Arguments: `bx`, `by` (default 2 each), `mode` (`"sum"` or `"mean"`, default `"sum"`).
 *
 * @module
 */
// Not ../mod.ts: that pulls in the HTTP API's npm packages, which a child-process sandbox
// (--processor-isolation process, run with --no-npm) cannot load.
import {
  type Frame,
  GpuContext,
  type GpuLayout,
  type Processor,
  type ProcessorArgs,
  processorMain,
  wgslPixelLoader,
} from "../runtime/processor/mod.ts";
import { runInDtypeParts } from "./gpu/dtype_parts.ts";
import { derivedFrame } from "./gpu/output_frame.ts";

const WORKGROUP = 64;

function binShader(layout: GpuLayout): string {
  return `
struct Frame { base: u32, nx: u32, ox: u32, oy: u32, out: u32, pad0: u32, pad1: u32, pad2: u32 }
struct Params { bx: u32, by: u32, scale: f32, pad: u32 }
@group(0) @binding(0) var<storage, read> pixels: array<u32>;
@group(0) @binding(1) var<storage, read> frames: array<Frame>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;
${wgslPixelLoader(layout)}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3u) {
  let f = frames[id.y];
  if (id.x >= f.ox * f.oy) { return; }
  let x0 = (id.x % f.ox) * params.bx;
  let y0 = (id.x / f.ox) * params.by;
  var s = 0.0;
  for (var y = 0u; y < params.by; y++) {
    for (var x = 0u; x < params.bx; x++) { s += pixel_f32(f.base, (y0 + y) * f.nx + x0 + x); }
  }
  out[f.out + id.x] = s * params.scale;
}`;
}

/** Bins mono frames into float32 frames. */
export class GpuBin implements Processor {
  /** Frames. */
  readonly outputType = "frame";
  #bx = 2;
  #by = 2;
  #mode: "sum" | "mean" = "sum";
  #gpu: GpuContext | undefined;

  /** Reads `bx`, `by`, `mode`; opens the GPU once. */
  async configure(args: ProcessorArgs): Promise<void> {
    const factor = (x: unknown, name: string, previous: number) => {
      if (x === undefined) return previous;
      if (!Number.isInteger(x) || (x as number) < 1) {
        throw new RangeError(`${name}: expected an integer >= 1`);
      }
      return x as number;
    };
    this.#bx = factor(args.bx, "bx", this.#bx);
    this.#by = factor(args.by, "by", this.#by);
    const mode = args.mode ?? this.#mode;
    if (mode !== "sum" && mode !== "mean") throw new RangeError(`mode: expected "sum" or "mean"`);
    this.#mode = mode;
    this.#gpu ??= await GpuContext.open({ label: "gpu_bin" });
  }

  /** @returns the binned frame */
  async process(frame: Frame): Promise<Frame> {
    return (await this.processBatch([frame]))[0];
  }

  /** @returns one binned frame per input, in order */
  processBatch(frames: Frame[]): Promise<Frame[]> {
    return runInDtypeParts(this.#gpu!, frames, (part) => this.#bin(part));
  }

  /** Releases the GPU. */
  stop(): void {
    this.#gpu?.destroy();
  }

  async #bin(frames: Frame[]): Promise<Frame[]> {
    const gpu = this.#gpu!;
    for (const f of frames) {
      if (f.shape.length !== 2 || f.colorMode !== 0) {
        throw new RangeError(
          `gpu_bin takes mono frames [nx, ny], not shape [${f.shape}] colour mode ${f.colorMode}`,
        );
      }
    }
    const input = gpu.upload("pixels", frames);
    const sizes = frames.map((f) => [Math.floor(f.shape[0] / this.#bx), Math.floor(f.shape[1] / this.#by)]);
    const table = new Uint32Array(8 * frames.length);
    let total = 0;
    frames.forEach((f, k) => {
      table.set([input.offsets[k], f.shape[0], sizes[k][0], sizes[k][1], total], 8 * k);
      total += sizes[k][0] * sizes[k][1];
    });
    const frameBuffer = gpu.buffer("frames", table.byteLength);
    gpu.write(frameBuffer, table);
    const params = gpu.buffer("params", 16, "uniform");
    const p = new ArrayBuffer(16);
    new Uint32Array(p, 0, 2).set([this.#bx, this.#by]);
    new Float32Array(p, 8, 1)[0] = this.#mode === "mean" ? 1 / (this.#bx * this.#by) : 1;
    gpu.write(params, new Uint8Array(p));
    const output = gpu.buffer("binned", 4 * Math.max(1, total));
    const most = Math.max(1, ...sizes.map(([x, y]) => x * y));
    gpu.dispatch(await gpu.pipeline(binShader(input.layout)), [input.buffer, frameBuffer, output, params], [
      Math.ceil(most / WORKGROUP),
      frames.length,
    ]);
    const pixels = await gpu.read(output, 4 * total);
    let at = 0;
    return frames.map((f, k) => {
      const n = sizes[k][0] * sizes[k][1];
      const data = new Float32Array(pixels, 4 * at, n);
      at += n;
      return derivedFrame(f, data, sizes[k]);
    });
  }
}

// `deno run -A processors/gpu_bin.ts --input-channel ... --processor-permissions gpu` runs a consumer.
if (import.meta.main) await processorMain(import.meta.url, { className: "GpuBin" });
