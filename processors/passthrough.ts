/**
 * Pass-through: publishes every frame as it came, the same pixels (no copy), uniqueId and time
 * stamps. The baseline of throughput measurements.
 *
 * @module
 */
import type { Frame, Processor } from "../mod.ts";

/** Returns each frame unchanged. */
export class Passthrough implements Processor {
  /** Frames always: the output channel is NTNDArray from the start. */
  readonly outputType = "frame";

  /** @returns the frame itself */
  process(frame: Frame): Frame {
    return frame;
  }
}
