/**
 * The command lines of a trial's programs. Both simulators and both consumers take PvaPy's
 * options, so one description gives the same run to each; only the program differs.
 *
 * @module
 */
import type { FrameSize } from "./cases.ts";
import { denoScript, type Maker, pvapyTool } from "./tools.ts";

/** The frames channel of every trial. */
export const FRAMES_CHANNEL = "bench:frames";

/** Distinct frames each simulator makes and publishes over and over (PvaPy's default would keep 1000). */
const DISTINCT_FRAMES = 8;

/** One simulator run. */
export interface SimRun {
  size: FrameSize;
  /** Frames per second. */
  rate: number;
  /** Seconds of publishing. */
  runtime: number;
  /** Seconds between serving the channel and the first frame (the consumers connect meanwhile). */
  startDelay: number;
  /** Seconds the channel stays up after the last frame. */
  shutdownDelay: number;
}

/** The program and arguments of `maker`'s simulator for `run`. */
export function simCommand(maker: Maker, run: SimRun): [string, string[]] {
  const args = [
    ...[
      "-cn",
      FRAMES_CHANNEL,
      "-fps",
      String(run.rate),
      "-nx",
      String(run.size.nx),
      "-ny",
      String(run.size.ny),
    ],
    ...["-dt", run.size.dtype, "-nf", String(DISTINCT_FRAMES), "-rt", String(run.runtime)],
    ...["-std", String(run.startDelay), "-shd", String(run.shutdownDelay), "-rp", "0", "-dc"],
  ];
  return maker === "ours"
    ? denoScript("scripts/ad-sim-server.ts", args)
    : [pvapyTool("pvapy-ad-sim-server"), args];
}

/** The line a simulator prints once its channel is served. */
export const SIM_SERVING: Record<Maker, RegExp> = { ours: /Serving /, pvapy: /Expected data rate/ };

/** One consumer run. */
export interface ConsumerRun {
  /** Consumers; more than one share the frames through the distributor, one process each. */
  consumers: number;
  /** Seconds until the consumers stop by themselves. */
  runtime: number;
  /** Where our consumer runs the processor (default worker). */
  isolation?: "worker" | "process";
  /** Our consumer's processor (default pass-through). */
  processorFile?: string;
  /** Serve the status channels `pvapy:consumer:<id>:status`, refreshed twice a second. */
  status?: boolean;
}

/** The program and arguments of `maker`'s consumer for `run` (PvaPy's with its own pass-through). */
export function consumerCommand(maker: Maker, run: ConsumerRun): [string, string[]] {
  const args = ["-ic", FRAMES_CHANNEL, "-nc", String(run.consumers), "-rt", String(run.runtime)];
  if (run.consumers > 1) args.push("-dt", "uniqueId", "-du", "1");
  if (run.status) args.push("-sc", "_", "-rp", "0.5");
  if (maker === "pvapy") return [pvapyTool("pvapy-hpc-consumer"), [...args, "-dc"]];
  if (run.isolation) args.push("--processor-isolation", run.isolation);
  if (run.processorFile) args.push("--processor-file", run.processorFile);
  return denoScript("scripts/consumer.ts", args);
}
