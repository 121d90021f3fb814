/**
 * Whether this machine has a WebGPU adapter, for the GPU tests: without one they are ignored with
 * a message, except under CI (`CI=true`), where they fail.
 *
 * @module
 */

async function probe(): Promise<string | undefined> {
  const gpu = (navigator as { gpu?: GPU }).gpu;
  if (!gpu) return "navigator.gpu is missing";
  try {
    return (await gpu.requestAdapter())
      ? undefined
      : "no WebGPU adapter (Mesa's llvmpipe or lavapipe missing?)";
  } catch (e) {
    return `requestAdapter failed: ${(e as Error).message}`;
  }
}

const missing = await probe();
const ci = Deno.env.get("CI") === "true";
if (missing && !ci) console.warn(`tests/gpu: ignored: ${missing}`);

/**
 * True when GPU tests must be ignored here. Under CI a missing adapter is not ignored: the tests
 * run and fail on it.
 */
export const noGpu: boolean = missing !== undefined && !ci;
