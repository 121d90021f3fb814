/**
 * What bench:stream measures: the frame sizes, the pipelines (who publishes, who consumes) and
 * the consumer counts, as the performance issue lists them.
 *
 * @module
 */
import type { Maker } from "./tools.ts";

/** A frame size: generated frames of `nx` x `ny` elements of `dtype`. */
export interface FrameSize {
  /** Short name, e.g. `512x512 uint8`. */
  label: string;
  /** Pixels along x. */
  nx: number;
  /** Pixels along y. */
  ny: number;
  /** Element type. */
  dtype: "uint8" | "uint16";
  /** Pixel bytes per frame. */
  bytes: number;
}

function frameSize(nx: number, ny: number, dtype: "uint8" | "uint16"): FrameSize {
  const bytes = nx * ny * (dtype === "uint8" ? 1 : 2);
  return { label: `${nx}x${ny} ${dtype}`, nx, ny, dtype, bytes };
}

/** The frame sizes of the issue, smallest first. */
export const FRAME_SIZES: readonly FrameSize[] = [
  frameSize(512, 512, "uint8"),
  frameSize(1024, 1024, "uint16"),
  frameSize(4096, 4096, "uint8"),
];

/** Identifies a pipeline in tables and JSON. */
export type PipelineId = "A" | "B" | "C" | "D" | "B-process";

/** A simulator feeding consumers, both as separate processes. */
export interface Pipeline {
  /** Its letter in tables and JSON. */
  id: PipelineId;
  /** Whose simulator publishes. */
  sim: Maker;
  /** Whose consumer processes (with its pass-through processor). */
  consumer: Maker;
  /** Where our consumer runs the processor (ours only). */
  isolation?: "worker" | "process";
  /** One line for people. */
  description: string;
}

/** The pipelines A-D of the issue, and B with the processor in a child process. */
export const PIPELINES: readonly Pipeline[] = [
  { id: "A", sim: "pvapy", consumer: "pvapy", description: "pvapy-ad-sim-server -> pvapy-hpc-consumer" },
  {
    id: "B",
    sim: "ours",
    consumer: "ours",
    isolation: "worker",
    description: "our sim -> our consumer (worker)",
  },
  {
    id: "C",
    sim: "pvapy",
    consumer: "ours",
    isolation: "worker",
    description: "pvapy-ad-sim-server -> our consumer",
  },
  { id: "D", sim: "ours", consumer: "pvapy", description: "our sim -> pvapy-hpc-consumer" },
  {
    id: "B-process",
    sim: "ours",
    consumer: "ours",
    isolation: "process",
    description: "our sim -> our consumer (processor in a child process)",
  },
];

/** Consumer counts: 1, and 2 sharing the frames through the server-side distributor. */
export const CONSUMER_COUNTS: readonly number[] = [1, 2];
