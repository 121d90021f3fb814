/**
 * A pass-through processor that also measures how long each frame took from its publication
 * (the frame's `timeStamp`, set by the simulator from the wall clock) to the entry of
 * `process`, on the same wall clock (both ends run on this machine). Reports the median, the
 * 99th percentile and the maximum in milliseconds as user statistics.
 *
 * @module
 */
import type { Frame, Processor } from "../../mod.ts";

/** Histogram resolution: 10 microseconds per bin. */
const BIN_MS = 0.01;
/** Bins up to 2 s; longer latencies land in the last bin (the maximum stays exact). */
const BINS = 200_000;

/** Pass-through that measures publication → processor entry. */
export class LatencyProbe implements Processor {
  /** The statistics of the status PV. */
  readonly statsTypes = {
    latencyP50Ms: "double",
    latencyP99Ms: "double",
    latencyMaxMs: "double",
    frames: "ulong",
  } as const;
  /** NTNDArray out, as the pass-through. */
  readonly outputType = "frame";
  readonly #now: () => number;
  #bins = new Uint32Array(BINS);
  #count = 0;
  #max = 0;

  /**
   * A probe reading the wall clock (the runtime constructs it so); tests give their own clock.
   * @param now milliseconds since the epoch, sub-millisecond
   */
  constructor(now: () => number = () => performance.timeOrigin + performance.now()) {
    this.#now = now;
  }

  /** Records the frame's latency and returns it unchanged. */
  process(frame: Frame): Frame {
    const now = this.#now();
    const t = frame.timeStamp;
    const ms = now - (Number(t.secondsPastEpoch) * 1000 + t.nanoseconds / 1e6);
    this.#bins[Math.min(BINS - 1, Math.max(0, Math.floor(ms / BIN_MS)))]++;
    this.#count++;
    if (ms > this.#max) this.#max = ms;
    return frame;
  }

  /** Median, 99th percentile and maximum so far, in ms. */
  stats(): Record<string, number | bigint> {
    return {
      latencyP50Ms: this.#quantile(0.5),
      latencyP99Ms: this.#quantile(0.99),
      latencyMaxMs: this.#max,
      frames: BigInt(this.#count),
    };
  }

  /** Starts counting afresh. */
  resetStats(): void {
    this.#bins.fill(0);
    this.#count = 0;
    this.#max = 0;
  }

  /** The upper edge of the bin holding quantile `q` (0 before any frame). */
  #quantile(q: number): number {
    const rank = Math.ceil(q * this.#count);
    let seen = 0;
    for (let i = 0; i < BINS && this.#count > 0; i++) {
      seen += this.#bins[i];
      if (seen >= rank) return Math.min(this.#max, (i + 1) * BIN_MS);
    }
    return 0;
  }
}
