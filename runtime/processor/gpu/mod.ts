/**
 * GPU helpers for processors (WebGPU, granted with `--processor-permissions gpu`): a device
 * opened once per processor with buffers and pipelines reused across frames
 * ({@link GpuContext}), frames of every dtype uploaded in a layout WGSL can read
 * ({@link gpuLayout}, {@link wgslPixelLoader}), and the adapter preference (`--gpu-adapter`).
 * See docs/gpu.md.
 *
 * @example
 * ```ts ignore
 * import { GpuContext } from "../../../mod.ts";
 * const gpu = await GpuContext.open();
 * gpu.adapter.description; // "llvmpipe (LLVM 15.0.6, 256 bits)" on a machine without a GPU
 * ```
 *
 * @module
 */
export {
  adapterRequestOptions,
  GPU_ADAPTER_PREFERENCES,
  type GpuAdapterPreference,
  type GpuAdapterSummary,
  isAdapterSummary,
  summarizeAdapter,
} from "./adapter.ts";
export {
  type GpuBufferKind,
  GpuContext,
  type GpuContextOptions,
  type UploadedFrames,
  type Workgroups,
} from "./context.ts";
export { GpuDeviceLostError, GpuError } from "./errors.ts";
export {
  type GpuLayout,
  gpuLayout,
  type GpuLayoutOptions,
  wgslPixelLoader,
  type WgslScalar,
  wordsOf,
} from "./layout.ts";
