/**
 * How the batching GPU processors split a batch: one shader is built per pixel type, and one
 * upload must fit a storage binding, so frames run in parts of one dtype that fit; the results
 * come back in the batch's order.
 *
 * @module
 */
import type { Frame, GpuContext, GpuLayoutOptions } from "../../runtime/processor/mod.ts";

/**
 * Runs `run` on each part of `frames` (one dtype, fitting one upload), one part after the other
 * (they share the context's named buffers).
 * @param gpu the context whose binding size limits a part
 * @param frames the batch
 * @param run processes one part, a result per frame in the part's order
 * @param layout the layout the parts will be uploaded in (`wide` for 64-bit pixels as words)
 * @returns a result per frame, in the batch's order
 * @throws {GpuError} for a single frame larger than a binding
 */
export async function runInDtypeParts<R>(
  gpu: GpuContext,
  frames: readonly Frame[],
  run: (part: Frame[]) => Promise<R[]>,
  layout: GpuLayoutOptions = {},
): Promise<R[]> {
  const out: R[] = new Array(frames.length);
  for (const indices of Map.groupBy(frames.keys(), (i) => frames[i].dtype).values()) {
    const results: R[] = [];
    for (const part of gpu.fitting(indices.map((i) => frames[i]), Infinity, layout)) {
      results.push(...await run(part));
    }
    indices.forEach((i, k) => out[i] = results[k]);
  }
  return out;
}
