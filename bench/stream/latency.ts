/**
 * Publication → processor-entry latency of our consumer at a fixed rate: a trial whose consumer
 * runs {@link LatencyProbe} (latency_processor.ts) and whose status channel is read while the
 * consumer drains, after the last frame.
 *
 * @module
 */
import type { FrameSize, Pipeline } from "./cases.ts";
import type { LoopbackNetwork } from "./network.ts";
import { runTrial, type TrialResult } from "./trial.ts";

/** The latency of one run, in milliseconds, with the trial behind it. */
export interface LatencyResult {
  /** The pipeline measured (B or C). */
  pipeline: Pipeline["id"];
  /** Frame size label. */
  size: string;
  /** Frames per second published. */
  rate: number;
  /** Frames the probe measured. */
  frames: number;
  /** Median. */
  p50Ms: number;
  /** 99th percentile. */
  p99Ms: number;
  /** Largest. */
  maxMs: number;
  /** The trial the probe ran in (lost frames, CPU, memory). */
  trial: TrialResult;
}

const PROBE = new URL("./latency_processor.ts", import.meta.url).pathname;

/** Runs `pipeline` (our consumer) at `rate` for `window` seconds and reads the probe's figures. */
export async function measureLatency(
  net: LoopbackNetwork,
  { pipeline, size, rate, window, startDelay }: {
    pipeline: Pipeline;
    size: FrameSize;
    rate: number;
    window: number;
    startDelay: number;
  },
): Promise<LatencyResult> {
  if (pipeline.consumer !== "ours") {
    throw new Error(`latency needs our consumer, not ${pipeline.description}`);
  }
  let stats: Record<string, number | bigint> | undefined;
  const trial = await runTrial(net, {
    pipeline,
    size,
    consumers: 1,
    rate,
    window,
    startDelay,
    processorFile: PROBE,
    whileDraining: async () => {
      const status = await net.read("pvapy:consumer:1:status");
      stats = status.userStats as Record<string, number | bigint> | undefined;
    },
  });
  if (!stats) throw new Error("the consumer's status has no latency statistics");
  return {
    pipeline: pipeline.id,
    size: size.label,
    rate,
    frames: Number(stats.frames),
    p50Ms: Number(stats.latencyP50Ms),
    p99Ms: Number(stats.latencyP99Ms),
    maxMs: Number(stats.latencyMaxMs),
    trial,
  };
}
