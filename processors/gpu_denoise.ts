/**
 * Inference on the GPU: the small convolutional denoiser of processors/gpu/denoiser_model.ts
 * (three 3 × 3 convolutions, 1 → 8 → 8 → 1 channels, residual), its weights in
 * processors/models/denoiser.json (trained by scripts/train_denoiser.ts), run in WGSL: one
 * dispatch per layer for a whole batch of frames of one shape. Mono frames of any dtype in,
 * float32 frames of the same shape out. Matches the CPU reference (denoiser_model.ts, in doubles)
 * within 1e-4 × `scale` per pixel (f32 arithmetic; see docs/gpu.md). Needs
 * `--processor-permissions gpu`; the weights load with the module, no file permission needed.
 *
 * Arguments: `offset` (default 0) and `scale` (default 1): the network sees (pixel - offset) /
 * scale, the range it was trained on being about 0 to 1.2, and its output goes back to pixel units.
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
import { checkModel, type ConvLayer, type DenoiserModel } from "./gpu/denoiser_model.ts";
import { derivedFrame } from "./gpu/output_frame.ts";
import weights from "./models/denoiser.json" with { type: "json" };

const WORKGROUP = 64;

/** Shared by the shaders: image size, frames, and the normalization. */
const PARAMS = `struct Params { nx: u32, ny: u32, offset: f32, scale: f32 }
@group(0) @binding(3) var<uniform> params: Params;`;

function normalizeShader(layout: GpuLayout): string {
  return `${PARAMS}
@group(0) @binding(0) var<storage, read> pixels: array<u32>;
@group(0) @binding(1) var<storage, read> bases: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
${wgslPixelLoader(layout)}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3u) {
  let n = params.nx * params.ny;
  if (id.x >= n) { return; }
  out[id.y * n + id.x] = (pixel_f32(bases[id.y], id.x) - params.offset) / params.scale;
}`;
}

function convShader(layer: ConvLayer, relu: boolean): string {
  const { inputs, outputs } = layer;
  return `${PARAMS}
@group(0) @binding(0) var<storage, read> act: array<f32>;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3u) {
  let nx = params.nx;
  let ny = params.ny;
  let n = nx * ny;
  if (id.x >= n) { return; }
  let x = i32(id.x % nx);
  let y = i32(id.x / nx);
  let frameIn = id.y * ${inputs}u * n;
  for (var o = 0u; o < ${outputs}u; o++) {
    var s = weights[${inputs * outputs * 9}u + o];
    for (var i = 0u; i < ${inputs}u; i++) {
      for (var ky = 0; ky < 3; ky++) {
        let yy = y + ky - 1;
        if (yy < 0 || yy >= i32(ny)) { continue; }
        for (var kx = 0; kx < 3; kx++) {
          let xx = x + kx - 1;
          if (xx < 0 || xx >= i32(nx)) { continue; }
          s += weights[((o * ${inputs}u + i) * 3u + u32(ky)) * 3u + u32(kx)] *
            act[frameIn + i * n + u32(yy) * nx + u32(xx)];
        }
      }
    }
    out[(id.y * ${outputs}u + o) * n + id.x] = ${relu ? "max(s, 0.0)" : "s"};
  }
}`;
}

const RESIDUAL = `${PARAMS}
@group(0) @binding(0) var<storage, read> image: array<f32>;
@group(0) @binding(1) var<storage, read> noise: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3u) {
  let n = params.nx * params.ny;
  if (id.x >= n) { return; }
  let i = id.y * n + id.x;
  out[i] = (image[i] - noise[i]) * params.scale + params.offset;
}`;

/** Denoises mono frames with a small CNN on the GPU. */
export class GpuDenoise implements Processor {
  /** Frames. */
  readonly outputType = "frame";
  readonly #model: DenoiserModel = checkModel(weights);
  #offset = 0;
  #scale = 1;
  #gpu: GpuContext | undefined;

  /** Reads `offset` and `scale`; opens the GPU and uploads the weights once. */
  async configure(args: ProcessorArgs): Promise<void> {
    const offset = args.offset ?? this.#offset;
    const scale = args.scale ?? this.#scale;
    if (typeof offset !== "number" || !Number.isFinite(offset)) {
      throw new TypeError("offset: expected a number");
    }
    if (typeof scale !== "number" || !(scale !== 0 && Number.isFinite(scale))) {
      throw new TypeError("scale: expected a non-zero number");
    }
    [this.#offset, this.#scale] = [offset, scale];
    if (!this.#gpu) {
      const gpu = this.#gpu = await GpuContext.open({ label: "gpu_denoise" });
      this.#model.layers.forEach((l, k) => {
        gpu.write(
          gpu.buffer(`weights ${k}`, 4 * (l.weights.length + l.bias.length)),
          Float32Array.from([...l.weights, ...l.bias]),
        );
      });
    }
  }

  /** @returns the denoised frame */
  async process(frame: Frame): Promise<Frame> {
    return (await this.processBatch([frame]))[0];
  }

  /** @returns one denoised frame per input, in order */
  async processBatch(frames: Frame[]): Promise<Frame[]> {
    const out: Frame[] = new Array(frames.length);
    const groups = Map.groupBy(frames.keys(), (i) => `${frames[i].dtype} ${frames[i].shape}`);
    for (const indices of groups.values()) {
      // Eight channels of f32 per pixel must fit one storage binding.
      const perPass = Math.max(
        1,
        Math.floor(
          this.#gpu!.device.limits.maxStorageBufferBindingSize / (32 * frames[indices[0]].data.length),
        ),
      );
      for (let k = 0; k < indices.length; k += perPass) {
        const part = indices.slice(k, k + perPass);
        const done = await this.#denoise(part.map((i) => frames[i]));
        part.forEach((i, j) => out[i] = done[j]);
      }
    }
    return out;
  }

  /** Releases the GPU. */
  stop(): void {
    this.#gpu?.destroy();
  }

  async #denoise(frames: Frame[]): Promise<Frame[]> {
    const gpu = this.#gpu!;
    const [nx, ny] = frames[0].shape;
    if (frames[0].shape.length !== 2 || frames[0].colorMode !== 0) {
      throw new RangeError(`gpu_denoise takes mono frames [nx, ny], not shape [${frames[0].shape}]`);
    }
    const n = nx * ny;
    const count = frames.length;
    const input = gpu.upload("pixels", frames);
    const bases = gpu.buffer("bases", 4 * count);
    gpu.write(bases, Uint32Array.from(input.offsets));
    const params = gpu.buffer("params", 16, "uniform");
    const p = new ArrayBuffer(16);
    new Uint32Array(p, 0, 2).set([nx, ny]);
    new Float32Array(p, 8, 2).set([this.#offset, this.#scale]);
    gpu.write(params, new Uint8Array(p));
    const groups: [number, number] = [Math.ceil(n / WORKGROUP), count];
    const image = gpu.buffer("image", 4 * n * count);
    const a = gpu.buffer("activations a", 32 * n * count);
    const b = gpu.buffer("activations b", 32 * n * count);
    gpu.dispatch(
      await gpu.pipeline(normalizeShader(input.layout)),
      [input.buffer, bases, image, params],
      groups,
    );
    const [l0, l1, l2] = this.#model.layers;
    const weight = (k: number) => gpu.buffer(`weights ${k}`, 0);
    gpu.dispatch(await gpu.pipeline(convShader(l0, true)), [image, weight(0), a, params], groups);
    gpu.dispatch(await gpu.pipeline(convShader(l1, true)), [a, weight(1), b, params], groups);
    gpu.dispatch(await gpu.pipeline(convShader(l2, false)), [b, weight(2), a, params], groups);
    const result = gpu.buffer("denoised", 4 * n * count);
    gpu.dispatch(await gpu.pipeline(RESIDUAL), [image, a, result, params], groups);
    const pixels = await gpu.read(result, 4 * n * count);
    return frames.map((f, k) => derivedFrame(f, new Float32Array(pixels, 4 * n * k, n), [nx, ny]));
  }
}

// `deno run -A processors/gpu_denoise.ts --input-channel ... --processor-permissions gpu` runs a consumer.
if (import.meta.main) await processorMain(import.meta.url, { className: "GpuDenoise" });
