/**
 * {@link GpuContext}: a processor's WebGPU device and what it reuses from frame to frame (named
 * buffers, compiled pipelines, the read-back buffer), opened once per processor.
 *
 * @module
 */
import type { DType, FrameData } from "../types.ts";
import { type GpuAdapterSummary, summarizeAdapter } from "./adapter.ts";
import { GpuDeviceLostError, GpuError } from "./errors.ts";
import { type GpuLayout, gpuLayout, type GpuLayoutOptions, wordsOf } from "./layout.ts";

/** What a buffer is for: read or written by shaders (`storage`), or small parameters (`uniform`). */
export type GpuBufferKind = "storage" | "uniform";

/** Frames written into one storage buffer by {@link GpuContext.upload}. */
export interface UploadedFrames {
  /** The buffer, bound as `array<u32>`. */
  buffer: GPUBuffer;
  /** How the pixels are stored (all frames of one upload share the dtype). */
  layout: GpuLayout;
  /** Word at which each frame starts. */
  offsets: number[];
  /** Words used in all. */
  words: number;
}

/** Workgroup counts of a dispatch: x, and optionally y and z. */
export type Workgroups = [number, number?, number?];

/** Options of {@link GpuContext.open}. */
export interface GpuContextOptions {
  /** Label of the device (shown in WebGPU's messages). */
  label?: string;
}

/** Usage flags of each kind (read from WebGPU's globals when used: mod.ts loads where WebGPU is absent). */
function usageOf(kind: GpuBufferKind): number {
  return kind === "storage"
    ? GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC
    : GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
}

/**
 * A processor's GPU. Open it once (in `configure`, or on the first frame) and keep it: buffers
 * and pipelines are created on first use under a name and reused while they are large enough,
 * so a stream of same-sized frames allocates nothing after the first. Loss of the device is
 * raised as an uncaught {@link GpuDeviceLostError}, which ends the sandbox; the host restarts
 * the processor, which opens a new context.
 *
 * @example Double every pixel of a float32 frame
 * ```ts ignore
 * import { GpuContext, wgslPixelLoader } from "../../../mod.ts";
 *
 * const gpu = await GpuContext.open();
 * const input = gpu.upload("in", [frame]);
 * const out = gpu.buffer("out", frame.data.length * 4);
 * const pipeline = await gpu.pipeline(`
 *   @group(0) @binding(0) var<storage, read> pixels: array<u32>;
 *   @group(0) @binding(1) var<storage, read_write> out: array<f32>;
 *   ${wgslPixelLoader(input.layout)}
 *   @compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3u) {
 *     if (id.x < arrayLength(&out)) { out[id.x] = 2.0 * pixel_f32(0u, id.x); }
 *   }`);
 * gpu.dispatch(pipeline, [input.buffer, out], [Math.ceil(frame.data.length / 64)]);
 * const doubled = new Float32Array(await gpu.read(out, frame.data.length * 4));
 * ```
 */
export class GpuContext {
  /** The device. */
  readonly device: GPUDevice;
  /** The adapter it came from. */
  readonly adapter: GpuAdapterSummary;
  readonly #buffers = new Map<string, GPUBuffer>();
  readonly #pipelines = new Map<string, GPUComputePipeline>();
  /** 64-bit frames are converted into this (see layout.ts). */
  #scratch = new Float32Array(0);
  #staging: GPUBuffer | undefined;
  #lost: GpuDeviceLostError | undefined;
  #closed = false;

  private constructor(device: GPUDevice, adapter: GpuAdapterSummary) {
    this.device = device;
    this.adapter = adapter;
    device.lost.then((info) => {
      if (this.#closed) return;
      this.#lost = new GpuDeviceLostError(info.reason ?? "unknown", info.message);
      // Uncaught on purpose: the sandbox ends and the host restarts the processor.
      reportError(this.#lost);
    });
  }

  /**
   * Requests the adapter (the consumer's `--gpu-adapter` applies) and a device with the adapter's
   * largest storage buffers.
   * @throws {GpuError} when WebGPU is not granted or no adapter exists
   */
  static async open({ label = "pvastream processor" }: GpuContextOptions = {}): Promise<GpuContext> {
    const gpu = (navigator as { gpu?: GPU }).gpu;
    if (!gpu) throw new GpuError("WebGPU is not available: grant it with --processor-permissions gpu");
    const adapter = await gpu.requestAdapter();
    if (!adapter) {
      throw new GpuError("no WebGPU adapter (install Mesa's llvmpipe or lavapipe for a software one)");
    }
    const { maxStorageBufferBindingSize, maxBufferSize } = adapter.limits;
    const device = await adapter.requestDevice({
      label,
      requiredLimits: { maxStorageBufferBindingSize, maxBufferSize },
    });
    return new GpuContext(device, summarizeAdapter(adapter));
  }

  /**
   * The buffer of this name, at least `byteLength` bytes long: the same buffer as last time when
   * it is large enough, else a new one (the old one is destroyed).
   * @param name what it holds
   * @param byteLength bytes needed (rounded up to 4)
   * @param kind storage (default) or uniform
   */
  buffer(name: string, byteLength: number, kind: GpuBufferKind = "storage"): GPUBuffer {
    this.#check();
    const size = Math.max(4, Math.ceil(byteLength / 4) * 4);
    const have = this.#buffers.get(name);
    const usage = usageOf(kind);
    if (have && have.size >= size && have.usage === usage) return have;
    if (size > this.device.limits.maxBufferSize) {
      throw new GpuError(
        `buffer ${name} needs ${size} bytes; the device allows ${this.device.limits.maxBufferSize}`,
      );
    }
    have?.destroy();
    const made = this.device.createBuffer({ label: name, size, usage });
    this.#buffers.set(name, made);
    return made;
  }

  /**
   * Writes frames one after the other into the storage buffer of this name, each starting on a
   * 32-bit word, in the layout of their dtype (see {@link gpuLayout}).
   * @param name the buffer's name
   * @param frames frames of one dtype
   * @param options `wide` keeps 64-bit pixels as two words each
   * @throws {GpuError} for mixed dtypes or a batch larger than the device's buffers
   */
  upload(
    name: string,
    frames: readonly { data: FrameData; dtype: DType }[],
    options: GpuLayoutOptions = {},
  ): UploadedFrames {
    if (frames.length === 0) throw new GpuError("upload: no frames");
    const layout = gpuLayout(frames[0].dtype, options);
    const offsets: number[] = [];
    let words = 0;
    for (const f of frames) {
      if (f.dtype !== layout.dtype) {
        throw new GpuError(`upload: a batch mixes ${layout.dtype} and ${f.dtype}`);
      }
      offsets.push(words);
      words += wordsOf(layout, f.data.length);
    }
    const buffer = this.buffer(name, words * 4);
    frames.forEach((f, i) =>
      this.#write(buffer, offsets[i] * 4, layout.converted ? this.#narrowed(f.data) : f.data)
    );
    return { buffer, layout, offsets, words };
  }

  /**
   * Frames split into consecutive groups whose {@link upload} fits one storage binding (the
   * device's `maxStorageBufferBindingSize`), each group at most `maxFrames` long.
   * @param frames frames of one dtype
   * @param maxFrames the most frames per group (default: no limit)
   * @param options the layout they will be uploaded in (`wide`)
   * @throws {GpuError} for a single frame larger than a binding
   */
  fitting<F extends { data: FrameData; dtype: DType }>(
    frames: readonly F[],
    maxFrames = Infinity,
    options: GpuLayoutOptions = {},
  ): F[][] {
    const limit = this.device.limits.maxStorageBufferBindingSize;
    const groups: F[][] = [];
    let bytes = Infinity;
    for (const f of frames) {
      const need = 4 * wordsOf(gpuLayout(f.dtype, options), f.data.length);
      if (need > limit) {
        throw new GpuError(`a frame of ${need} bytes exceeds the device's ${limit}-byte storage binding`);
      }
      const last = groups.at(-1);
      if (!last || bytes + need > limit || last.length >= maxFrames) {
        groups.push([f]);
        bytes = need;
      } else {
        last.push(f);
        bytes += need;
      }
    }
    return groups;
  }

  /**
   * The compute pipeline of a WGSL module, compiled once and reused.
   * @param code the module
   * @param entryPoint its compute entry point (default `main`)
   * @throws {GpuError} with the compiler's messages when the module does not compile
   */
  async pipeline(code: string, entryPoint = "main"): Promise<GPUComputePipeline> {
    this.#check();
    const key = `${entryPoint}\n${code}`;
    const have = this.#pipelines.get(key);
    if (have) return have;
    this.device.pushErrorScope("validation");
    const module = this.device.createShaderModule({ code });
    const pipeline = this.device.createComputePipeline({ layout: "auto", compute: { module, entryPoint } });
    const error = await this.device.popErrorScope();
    if (error) {
      const info = await module.getCompilationInfo();
      const lines = info.messages.map((m) => `${m.lineNum}:${m.linePos} ${m.type}: ${m.message}`);
      throw new GpuError(
        `WGSL module does not compile: ${error.message}${lines.length ? `\n${lines.join("\n")}` : ""}`,
      );
    }
    this.#pipelines.set(key, pipeline);
    return pipeline;
  }

  /**
   * Queues one dispatch of a pipeline with buffers bound to `@group(0) @binding(0..n-1)`, in order.
   * @param pipeline from {@link pipeline}
   * @param bindings the buffers, by binding number
   * @param workgroups how many workgroups in x (and y, z)
   */
  dispatch(pipeline: GPUComputePipeline, bindings: readonly GPUBuffer[], workgroups: Workgroups): void {
    this.#check();
    const max = this.device.limits.maxComputeWorkgroupsPerDimension;
    if (workgroups.some((n) => n !== undefined && n > max)) {
      throw new GpuError(`dispatch of [${workgroups.join(", ")}] workgroups exceeds ${max} per dimension`);
    }
    const group = this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: bindings.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(workgroups[0], workgroups[1] ?? 1, workgroups[2] ?? 1);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  /**
   * Writes small parameters (a uniform or storage buffer's content) from a typed array.
   * @param buffer the destination
   * @param data what to write (its byte length a multiple of 4)
   */
  write(buffer: GPUBuffer, data: ArrayBufferView): void {
    this.#check();
    this.#write(buffer, 0, data);
  }

  /**
   * The first `byteLength` bytes of a buffer, after every dispatch queued before: copied on the
   * GPU into a reused read-back buffer, mapped, and copied once into a new ArrayBuffer (which can
   * be transferred as an output frame's pixels).
   * @param buffer a storage buffer
   * @param byteLength bytes to read (a multiple of 4)
   * @throws {GpuDeviceLostError} when the device was lost meanwhile
   */
  async read(buffer: GPUBuffer, byteLength: number): Promise<ArrayBuffer> {
    this.#check();
    if (byteLength === 0) return new ArrayBuffer(0);
    const size = Math.ceil(byteLength / 4) * 4;
    if (!this.#staging || this.#staging.size < size) {
      this.#staging?.destroy();
      this.#staging = this.device.createBuffer({
        label: "read-back",
        size,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
    }
    const staging = this.#staging;
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(buffer, 0, staging, 0, size);
    this.device.queue.submit([encoder.finish()]);
    try {
      await staging.mapAsync(GPUMapMode.READ, 0, size);
    } catch (e) {
      this.#check();
      throw e;
    }
    try {
      return staging.getMappedRange(0, size).slice(0, byteLength);
    } finally {
      staging.unmap();
    }
  }

  /** Releases the buffers and the device; the context is unusable afterwards. */
  destroy(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const b of this.#buffers.values()) b.destroy();
    this.#buffers.clear();
    this.#pipelines.clear();
    this.#staging?.destroy();
    this.device.destroy();
  }

  #check(): void {
    if (this.#lost) throw this.#lost;
    if (this.#closed) throw new GpuError("the GPU context is destroyed");
  }

  /** writeBuffer wants whole words: the last partial word goes through a padded copy. */
  #write(buffer: GPUBuffer, at: number, data: ArrayBufferView): void {
    const whole = data.byteLength & ~3;
    if (whole > 0) {
      this.device.queue.writeBuffer(buffer, at, data.buffer as ArrayBuffer, data.byteOffset, whole);
    }
    if (whole < data.byteLength) {
      const tail = new Uint8Array(4);
      tail.set(new Uint8Array(data.buffer, data.byteOffset + whole, data.byteLength - whole));
      this.device.queue.writeBuffer(buffer, at + whole, tail);
    }
  }

  #narrowed(data: FrameData): Float32Array {
    if (this.#scratch.length < data.length) this.#scratch = new Float32Array(data.length);
    const out = this.#scratch.subarray(0, data.length);
    if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
      for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
    } else out.set(data);
    return out;
  }
}
