/**
 * One trial: a simulator publishing at a set rate for a window while consumers take the frames,
 * each program in its own process; then whether every frame was processed, and what the
 * processes spent on it.
 *
 * @module
 */
import type { FrameSize, Pipeline } from "./cases.ts";
import { consumerCommand, SIM_SERVING, simCommand } from "./commands.ts";
import type { LoopbackNetwork } from "./network.ts";
import { connectionsTo, type TreeUsage, treeUsage } from "./proc.ts";
import { consumerTotals, simTotals } from "./tool_output.ts";
import { spawnTool, type ToolProcess } from "./tools.ts";

/** Seconds the consumers keep running after the last frame, to finish what they hold. */
const DRAIN_SECONDS = 2;
/** The simulator must publish at least this share of the frames its rate asks for. */
const RATE_TOLERANCE = 0.97;

/** Seconds a consumer's connection must precede the first frame (its monitor is made meanwhile). */
const CONNECT_MARGIN_SECONDS = 0.5;

/**
 * The consumers were not connected to the simulator when its first frame was due (a loaded
 * machine starts programs slowly); the trial says nothing and should be run with a longer delay.
 */
export class LateStartError extends Error {
  override name = "LateStartError";
}

/** What to run. */
export interface TrialSpec {
  /** Who publishes and who consumes. */
  pipeline: Pipeline;
  /** The frames. */
  size: FrameSize;
  /** Consumers (more than one share the frames). */
  consumers: number;
  /** Frames per second asked of the simulator. */
  rate: number;
  /** Seconds of publishing. */
  window: number;
  /** Seconds between the channel being served and the first frame (consumers start meanwhile). */
  startDelay: number;
  /** Our consumer's processor instead of the pass-through (latency runs). */
  processorFile?: string;
  /**
   * Called once the window has ended and the consumers have had half the drain time, while
   * they still run (latency runs read the status PV here).
   */
  whileDraining?: () => Promise<void>;
}

/** What a trial found. */
export interface TrialResult {
  /** Frames per second asked. */
  rate: number;
  /** Seconds of publishing. */
  window: number;
  /** Every frame published was processed, none missed, and the simulator kept the rate. */
  held: boolean;
  /** Why it did not hold. */
  reason?: string;
  /** Frames the simulator published. */
  published: number;
  /** Frames the consumers processed, summed. */
  processed: number;
  /** Frames the consumers know they missed, summed. */
  missed: number;
  /** Our simulator's frames that reached no subscriber (undefined for PvaPy's). */
  notDelivered?: number;
  /** CPU seconds per processed frame of the consumers (all their processes) over the window. */
  consumerCpuPerFrame: number;
  /** CPU seconds per published frame of the simulator over the window. */
  simCpuPerFrame: number;
  /** Resident memory of the consumers (all processes) at the end of the window, in bytes. */
  consumerRssBytes: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Runs one trial on `net`; the processes are gone when it returns. */
export async function runTrial(net: LoopbackNetwork, spec: TrialSpec): Promise<TrialResult> {
  const { pipeline, size, consumers, rate, window, startDelay } = spec;
  const simEnv = net.env();
  const sim = spawnTool(
    ...simCommand(pipeline.sim, {
      size,
      rate,
      runtime: window,
      startDelay,
      shutdownDelay: DRAIN_SECONDS + 1,
    }),
    simEnv,
  );
  let group: ToolProcess | undefined;
  try {
    await sim.waitFor(SIM_SERVING[pipeline.sim], 120_000);
    const served = performance.now();
    group = spawnTool(
      ...consumerCommand(pipeline.consumer, {
        consumers,
        runtime: startDelay + window + DRAIN_SECONDS,
        isolation: pipeline.isolation,
        processorFile: spec.processorFile,
        status: spec.whileDraining !== undefined,
      }),
      net.env(),
    );
    const firstFrame = served + startDelay * 1000;
    const simPort = Number(simEnv.EPICS_PVAS_SERVER_PORT);
    while (connectionsTo(simPort) < consumers) {
      if (!group.running) throw new Error(`the consumer tool ended before connecting:\n${group.output()}`);
      if (performance.now() > firstFrame - CONNECT_MARGIN_SECONDS * 1000) {
        throw new LateStartError(
          `the consumers were not connected ${CONNECT_MARGIN_SECONDS} s before the first frame`,
        );
      }
      await sleep(50);
    }
    await sleep(firstFrame - performance.now());
    const start = usage(sim, group);
    await sleep(served + (startDelay + window + 0.5) * 1000 - performance.now());
    const end = usage(sim, group);
    if (spec.whileDraining) {
      await sleep(served + (startDelay + window + DRAIN_SECONDS / 2) * 1000 - performance.now());
      await spec.whileDraining();
    }
    const deadline = AbortSignal.timeout((DRAIN_SECONDS + 30) * 1000);
    await Promise.race([
      Promise.all([sim.exited, group.exited]),
      new Promise((_, reject) => deadline.onabort = () => reject(new Error("the programs did not end"))),
    ]);
    return judge(spec, sim.output(), group.output(), start, end);
  } finally {
    await Promise.all([sim.stop(), group?.stop()]);
  }
}

function usage(sim: ToolProcess, group: ToolProcess): { sim: TreeUsage; consumers: TreeUsage } {
  return { sim: treeUsage(sim.pid), consumers: treeUsage(group.pid) };
}

type Usage = ReturnType<typeof usage>;

function judge(
  spec: TrialSpec,
  simText: string,
  consumerText: string,
  start: Usage,
  end: Usage,
): TrialResult {
  const s = simTotals(simText);
  const c = consumerTotals(spec.pipeline.consumer, consumerText);
  const expected = Math.floor(RATE_TOLERANCE * spec.rate * spec.window);
  let reason: string | undefined;
  if (c.reports < spec.consumers) reason = `${spec.consumers - c.reports} consumer(s) did not report`;
  else if (s.published < expected) reason = `the simulator published ${s.published} of ${expected} frames`;
  else if (c.processed < s.published) reason = `${s.published - c.processed} of ${s.published} frames lost`;
  else if (c.missed > 0) reason = `${c.missed} frames missed`;
  else if ((s.notDelivered ?? 0) > 0) reason = `${s.notDelivered} frames not delivered`;
  return {
    rate: spec.rate,
    window: spec.window,
    held: reason === undefined,
    reason,
    published: s.published,
    processed: c.processed,
    missed: c.missed,
    notDelivered: s.notDelivered,
    consumerCpuPerFrame: (end.consumers.cpuSeconds - start.consumers.cpuSeconds) / c.processed,
    simCpuPerFrame: (end.sim.cpuSeconds - start.sim.cpuSeconds) / s.published,
    consumerRssBytes: end.consumers.rssBytes,
  };
}
