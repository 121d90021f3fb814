/**
 * A whole bench:stream run: the raw ceiling (E) for each frame size and consumer count, the
 * zero-loss search of each pipeline, then the latency runs, with a line of progress per trial.
 *
 * @module
 */
import type { FrameSize, Pipeline, PipelineId } from "./cases.ts";
import { SearchBudget } from "./budget.ts";
import { type LatencyResult, measureLatency } from "./latency.ts";
import { type MachineFacts, machineFacts } from "./machine.ts";
import { LoopbackNetwork } from "./network.ts";
import type { StreamBenchOptions } from "./options.ts";
import { measureRaw } from "./raw.ts";
import { searchZeroLoss } from "./search.ts";
import { LateStartError, runTrial, type TrialResult, type TrialSpec } from "./trial.ts";

/** The raw TCP ceiling (case E) for one frame size and receiver count. */
export interface RawResult {
  /** Frame size label. */
  size: string;
  /** Pixel bytes per frame. */
  bytes: number;
  /** Receivers (consumers). */
  consumers: number;
  /** Frames per second. */
  framesPerSecond: number;
  /** Bytes per second. */
  bytesPerSecond: number;
}

/** The zero-loss rate of one pipeline, frame size and consumer count. */
export interface CaseResult {
  /** The pipeline. */
  pipeline: PipelineId;
  /** Frame size label. */
  size: string;
  /** Pixel bytes per frame. */
  bytes: number;
  /** Receivers (consumers). */
  consumers: number;
  /** Highest rate that held over the full window (0: none did). */
  framesPerSecond: number;
  /** Bytes per second. */
  bytesPerSecond: number;
  /** The confirming trial at that rate (CPU, memory). */
  confirmed?: TrialResult;
  /** Why the case could not be measured (its rate is then 0). */
  error?: string;
  /** Every trial of the search, in order. */
  trials: { rate: number; window: number; result: TrialResult }[];
}

/** Everything a run measured, as written to the JSON. */
export interface StreamReport {
  /** ISO time of the start. */
  started: string;
  /** Seconds the run took. */
  seconds: number;
  /** Which kind of run. */
  mode: "quick" | "full";
  /** The machine and versions. */
  machine: MachineFacts;
  /** Windows, start delay (as it ended up) and search budget, in seconds. */
  settings: { window: number; probeWindow: number; startDelay: number; budgetSeconds: number };
  /** Case E per size and consumer count. */
  raw: RawResult[];
  /** Cases A-D and B-process. */
  cases: CaseResult[];
  /** The latency runs. */
  latency: LatencyResult[];
}

/** Seconds of each raw measurement. */
const RAW_SECONDS = 3;
/** Latency runs of the issue: 1,000 frames/s at 512x512, 100 frames/s at 4096x4096. */
const LATENCY_RATES: Record<number, number> = { 512: 1000, 4096: 100 };

/**
 * The rates of a size's latency runs: the issue's, and for B also the highest rate its one
 * consumer held when that is lower, which separates the pipeline's own latency from a queue
 * that grows because the rate is more than the machine carries.
 */
export function latencyRates(
  rate: number,
  pipeline: PipelineId,
  size: FrameSize,
  cases: CaseResult[],
): number[] {
  if (pipeline !== "B") return [rate];
  const held = cases.find((c) => c.pipeline === "B" && c.size === size.label && c.consumers === 1)
    ?.framesPerSecond ?? 0;
  return held > 0 && held < rate ? [rate, held] : [rate];
}

/** Trials tried at most when the consumers keep starting too late. */
const START_ATTEMPTS = 4;

/**
 * The start delay of the run's trials: it grows by half whenever consumers were not connected
 * before the first frame (the trial is then run again), and stays grown for the later trials.
 */
class StartDelay {
  seconds: number;
  readonly #progress: (line: string) => void;

  constructor(seconds: number, progress: (line: string) => void) {
    this.seconds = seconds;
    this.#progress = progress;
  }

  /** Runs the trial with the current delay, again with a longer one after a late start. */
  async run<R>(trial: (startDelay: number) => Promise<R>): Promise<R> {
    for (let attempt = 1;; attempt++) {
      try {
        return await trial(this.seconds);
      } catch (e) {
        if (!(e instanceof LateStartError) || attempt === START_ATTEMPTS) throw e;
        this.seconds = Math.ceil(this.seconds * 1.5);
        this.#progress(`${e.message}: start delay now ${this.seconds} s`);
      }
    }
  }
}

/** Runs what `opts` selects; `progress` receives a line per step. */
export async function runStreamBench(
  opts: StreamBenchOptions,
  progress: (line: string) => void,
): Promise<StreamReport> {
  const t0 = performance.now();
  const started = new Date().toISOString();
  const machine = await machineFacts();
  const raw: RawResult[] = [];
  for (const size of opts.sizes) {
    for (const consumers of opts.consumerCounts) {
      const r = await measureRaw(size.bytes, consumers, RAW_SECONDS);
      raw.push({ size: size.label, bytes: size.bytes, consumers, ...r });
      progress(`E ${size.label} x${consumers}: ${r.framesPerSecond.toFixed(0)} frames/s`);
    }
  }
  const net = await LoopbackNetwork.start();
  const delay = new StartDelay(opts.startDelay, progress);
  try {
    const cases = await searchAll(net, opts, { raw, delay }, progress);
    const latency: LatencyResult[] = [];
    if (opts.latency) {
      for (const size of opts.sizes) {
        const rate = LATENCY_RATES[size.nx];
        if (!rate) continue;
        for (const pipeline of opts.pipelines.filter((p) => p.id === "B" || p.id === "C")) {
          for (const at of latencyRates(rate, pipeline.id, size, cases)) {
            let r: LatencyResult;
            try {
              r = await delay.run((startDelay) =>
                measureLatency(net, { pipeline, size, rate: at, window: opts.window, startDelay })
              );
            } catch (e) {
              progress(`latency ${pipeline.id} ${size.label}: ${(e as Error).message}`);
              continue;
            }
            latency.push(r);
            progress(
              `latency ${pipeline.id} ${size.label} @ ${at}/s: p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, max ${
                r.maxMs.toFixed(2)
              } ms`,
            );
          }
        }
      }
    }
    return {
      started,
      seconds: (performance.now() - t0) / 1000,
      mode: opts.quick ? "quick" : "full",
      machine,
      settings: {
        window: opts.window,
        probeWindow: opts.probeWindow,
        startDelay: delay.seconds,
        budgetSeconds: opts.budgetSeconds,
      },
      raw,
      cases,
      latency,
    };
  } finally {
    await net.close();
  }
}

/** The pipelines in measuring order: ours first (its result seeds the others' start), and each with 1 consumer before 2. */
function plan(opts: StreamBenchOptions): { size: FrameSize; consumers: number; pipeline: Pipeline }[] {
  const order: PipelineId[] = ["B", "A", "C", "D", "B-process"];
  const pipelines = [...opts.pipelines].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  const out = [];
  for (const size of opts.sizes) {
    for (const consumers of opts.consumerCounts) {
      for (const pipeline of pipelines) {
        // The isolation mode's cost is stated for one consumer.
        if (pipeline.id === "B-process" && consumers > 1) continue;
        out.push({ size, consumers, pipeline });
      }
    }
  }
  return out;
}

async function searchAll(
  net: LoopbackNetwork,
  opts: StreamBenchOptions,
  { raw, delay }: { raw: readonly RawResult[]; delay: StartDelay },
  progress: (line: string) => void,
): Promise<CaseResult[]> {
  const todo = plan(opts);
  const budget = new SearchBudget(opts.budgetSeconds, todo.length, opts.startDelay);
  const cases: CaseResult[] = [];
  for (const { size, consumers, pipeline } of todo) {
    const ceiling = raw.find((r) => r.size === size.label && r.consumers === consumers)!.framesPerSecond;
    const start = startRate(cases, { pipeline: pipeline.id, size: size.label, consumers }) ?? ceiling / 4;
    const limits = budget.next({ probe: opts.probeWindow, full: opts.window });
    let found;
    try {
      found = await searchZeroLoss(async (rate, window) => {
        const spec: Omit<TrialSpec, "startDelay"> = { pipeline, size, consumers, rate, window };
        const r = await delay.run((startDelay) => runTrial(net, { ...spec, startDelay }));
        progress(
          `${pipeline.id} ${size.label} x${consumers} @ ${rate}/s for ${window} s: ${
            r.held ? "held" : r.reason
          }`,
        );
        return { ...r, delivered: r.processed / (rate * window) };
      }, {
        start,
        ceiling: 2 * ceiling,
        probeWindow: opts.probeWindow,
        fullWindow: opts.window,
        precision: 1.15,
        stepDown: 0.8,
        ...limits,
      });
    } catch (e) {
      // One case that cannot run (a tool that fails to start) does not end a half-hour run.
      progress(`${pipeline.id} ${size.label} x${consumers}: ${(e as Error).message}`);
      cases.push({
        pipeline: pipeline.id,
        size: size.label,
        bytes: size.bytes,
        consumers,
        framesPerSecond: 0,
        bytesPerSecond: 0,
        error: (e as Error).message,
        trials: [],
      });
      continue;
    }
    cases.push({
      pipeline: pipeline.id,
      size: size.label,
      bytes: size.bytes,
      consumers,
      framesPerSecond: found.rate,
      bytesPerSecond: found.rate * size.bytes,
      confirmed: found.confirmed,
      trials: found.trials,
    });
    progress(`=> ${pipeline.id} ${size.label} x${consumers}: ${found.rate} frames/s`);
  }
  return cases;
}

/**
 * Where a search starts: the same pipeline with one consumer fewer (a little higher), else the
 * best pipeline measured so far at this size and count; undefined for the first.
 */
function startRate(
  done: readonly CaseResult[],
  { pipeline, size, consumers }: { pipeline: PipelineId; size: string; consumers: number },
): number | undefined {
  const fewer = done.find((c) => c.pipeline === pipeline && c.size === size && c.consumers < consumers);
  if (fewer && fewer.framesPerSecond > 0) return fewer.framesPerSecond * 1.5;
  const same = done.filter((c) => c.size === size && c.consumers === consumers && c.framesPerSecond > 0);
  return same.length ? Math.max(...same.map((c) => c.framesPerSecond)) : undefined;
}
