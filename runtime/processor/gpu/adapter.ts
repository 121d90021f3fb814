/**
 * Which WebGPU adapter a processor gets (`--gpu-adapter`), and what the host learns about the one
 * it got. The sandbox applies the preference to `navigator.gpu.requestAdapter` before the
 * processor's first call and reports every adapter handed out, so the status shows the adapter
 * in use whether the processor uses {@link GpuContext} or WebGPU directly.
 *
 * @module
 */

/** `--gpu-adapter`: a discrete GPU, an integrated one, or the software fallback (llvmpipe, lavapipe, WARP). */
export type GpuAdapterPreference = "high-performance" | "low-power" | "fallback";

/** The accepted `--gpu-adapter` values. */
export const GPU_ADAPTER_PREFERENCES: readonly GpuAdapterPreference[] = [
  "high-performance",
  "low-power",
  "fallback",
];

/** What the status says about an adapter. */
export interface GpuAdapterSummary {
  /** The driver's description, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)". */
  description: string;
  /** Vendor name or PCI id as the driver gives it. */
  vendor: string;
  /** Architecture, often empty. */
  architecture: string;
  /** True for a software adapter. */
  isFallbackAdapter: boolean;
}

/** True for a well-formed {@link GpuAdapterSummary} (it comes from the sandbox). */
export function isAdapterSummary(x: unknown): x is GpuAdapterSummary {
  if (typeof x !== "object" || x === null) return false;
  const a = x as Record<string, unknown>;
  return typeof a.description === "string" && typeof a.vendor === "string" &&
    typeof a.architecture === "string" && typeof a.isFallbackAdapter === "boolean";
}

/**
 * The summary of an adapter. Deno 2.9 puts `isFallbackAdapter` on `adapter.info` (the current
 * specification); older implementations had it on the adapter.
 */
export function summarizeAdapter(adapter: GPUAdapter): GpuAdapterSummary {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const legacy = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return {
    description: info.description ?? "",
    vendor: info.vendor ?? "",
    architecture: info.architecture ?? "",
    isFallbackAdapter: Boolean(info.isFallbackAdapter ?? legacy),
  };
}

/**
 * The `requestAdapter` options of a preference.
 * @example
 * ```ts
 * import { adapterRequestOptions } from "./adapter.ts";
 * adapterRequestOptions("fallback"); // { forceFallbackAdapter: true }
 * ```
 */
export function adapterRequestOptions(preference: GpuAdapterPreference): GPURequestAdapterOptions {
  return preference === "fallback" ? { forceFallbackAdapter: true } : { powerPreference: preference };
}

/**
 * Makes `gpu.requestAdapter` apply the preference (options the caller passes win) and report each
 * adapter it returns. Runs in the sandbox, on the sandbox's own `navigator.gpu`.
 * @param gpu the sandbox's `navigator.gpu`
 * @param preference `--gpu-adapter`, or undefined for the platform's default
 * @param report told the summary of each adapter handed out
 */
export function applyAdapterPreference(
  gpu: GPU,
  preference: GpuAdapterPreference | undefined,
  report: (adapter: GpuAdapterSummary) => void,
): void {
  const request = gpu.requestAdapter.bind(gpu);
  const defaults = preference === undefined ? {} : adapterRequestOptions(preference);
  gpu.requestAdapter = async (options?: GPURequestAdapterOptions) => {
    const adapter = await request({ ...defaults, ...options });
    if (adapter) report(summarizeAdapter(adapter));
    return adapter;
  };
}
