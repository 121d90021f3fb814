/**
 * Pass-through: publishes every frame as it came, the same pixels (no copy), uniqueId and time
 * stamps. The baseline of throughput measurements.
 *
 * @module
 */
// Not ../mod.ts: that pulls in the HTTP API and its npm packages, which a child-process sandbox
// (--processor-isolation process, run with --no-npm) cannot load.
import { type Frame, type Processor, processorMain } from "../runtime/processor/mod.ts";

/** Returns each frame unchanged. */
export class Passthrough implements Processor {
  /** Frames always: the output channel is NTNDArray from the start. */
  readonly outputType = "frame";

  /** @returns the frame itself */
  process(frame: Frame): Frame {
    return frame;
  }
}

// `deno run -A processors/passthrough.ts --input-channel ...` runs a consumer with this processor.
if (import.meta.main) await processorMain(import.meta.url, { className: "Passthrough" });
