/**
 * Image statistics: min, max, mean, sum and a histogram of every frame, reported as user
 * statistics (of the latest frame) and published as one structure per frame. Works for every
 * dtype and colour mode: all samples of the frame count, colour planes included. 64-bit pixels
 * are converted to doubles (exact up to 2^53).
 *
 * Arguments: `bins` (default 16); `histogramMin` and `histogramMax` fix the histogram's range
 * (default: each frame's own min and max). Samples outside the range are not counted; the top
 * edge belongs to the last bin.
 *
 * @module
 */
import {
  type Frame,
  type Processor,
  type ProcessorArgs,
  type PvOutput,
  scalar,
  scalarArray,
  struct,
  type StructureDesc,
  TIME_T,
} from "../mod.ts";

/** The statistics of one frame. */
export interface ImageStatistics {
  /** Smallest sample (NaN for an empty frame). */
  min: number;
  /** Largest sample (NaN for an empty frame). */
  max: number;
  /** Sum of the samples. */
  sum: number;
  /** sum / number of samples (NaN for an empty frame). */
  mean: number;
  /** Counts per bin. */
  histogram: Uint32Array;
  /** Lower edge of the first bin. */
  histogramMin: number;
  /** Upper edge of the last bin. */
  histogramMax: number;
}

/** The structure published per frame. */
export const IMAGE_STATS_TYPE: StructureDesc = struct("pvastream:ImageStatistics:1.0", {
  uniqueId: scalar("int32"),
  timeStamp: TIME_T,
  min: scalar("float64"),
  max: scalar("float64"),
  mean: scalar("float64"),
  sum: scalar("float64"),
  histogramMin: scalar("float64"),
  histogramMax: scalar("float64"),
  histogram: scalarArray("uint32"),
});

/** Histogram range and bin count; an undefined edge is the frame's own min or max. */
export interface HistogramOptions {
  /** Number of bins (at least 1). */
  bins: number;
  /** Lower edge. */
  min?: number;
  /** Upper edge. */
  max?: number;
}

/**
 * The statistics of a frame's samples.
 * @example
 * ```ts
 * import { imageStatistics } from "./image_stats.ts";
 * const s = imageStatistics(new Uint8Array([0, 1, 2, 3]), { bins: 2 });
 * [s.min, s.max, s.mean, [...s.histogram]]; // [0, 3, 1.5, [2, 2]]
 * ```
 */
export function imageStatistics(data: Frame["data"], h: HistogramOptions): ImageStatistics {
  const values: ArrayLike<number> = data instanceof BigInt64Array || data instanceof BigUint64Array
    ? Float64Array.from(data, Number)
    : data;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const n = values.length;
  if (n === 0) min = max = NaN;
  const lo = h.min ?? min;
  const hi = h.max ?? max;
  const histogram = new Uint32Array(h.bins);
  if (n > 0 && hi >= lo) {
    const scale = hi > lo ? h.bins / (hi - lo) : 0;
    const last = h.bins - 1;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v < lo || v > hi) continue;
      const b = Math.floor((v - lo) * scale);
      histogram[b > last ? last : b]++;
    }
  }
  return { min, max, sum, mean: n > 0 ? sum / n : NaN, histogram, histogramMin: lo, histogramMax: hi };
}

/** Computes {@link ImageStatistics} of every frame. */
export class ImageStats implements Processor {
  /** The latest frame's statistics and the count of frames. */
  readonly statsTypes = {
    nFrames: "ulong",
    min: "double",
    max: "double",
    mean: "double",
    sum: "double",
    histogram: "uint[]",
  } as const;
  /** One statistics structure per frame. */
  readonly outputType = IMAGE_STATS_TYPE;
  #histogram: HistogramOptions = { bins: 16 };
  #nFrames = 0;
  #last: ImageStatistics | undefined;

  /** Reads `bins`, `histogramMin`, `histogramMax`. */
  configure(args: ProcessorArgs): void {
    const bins = args.bins ?? this.#histogram.bins;
    if (!Number.isInteger(bins) || (bins as number) < 1) {
      throw new RangeError(`bins: expected an integer >= 1`);
    }
    const edge = (x: unknown, name: string) => {
      if (x !== undefined && typeof x !== "number") throw new TypeError(`${name}: expected a number`);
      return x;
    };
    this.#histogram = {
      bins: bins as number,
      min: edge(args.histogramMin ?? this.#histogram.min, "histogramMin"),
      max: edge(args.histogramMax ?? this.#histogram.max, "histogramMax"),
    };
  }

  /** @returns the frame's statistics, stamped with its uniqueId and timeStamp */
  process(frame: Frame): PvOutput {
    const s = imageStatistics(frame.data, this.#histogram);
    this.#nFrames++;
    this.#last = s;
    return {
      type: IMAGE_STATS_TYPE,
      value: { uniqueId: frame.uniqueId, timeStamp: frame.timeStamp, ...s },
    };
  }

  /** The latest frame's statistics (zeros before the first frame). */
  stats(): Record<string, number | Uint32Array> {
    const s = this.#last;
    return {
      nFrames: this.#nFrames,
      min: s?.min ?? 0,
      max: s?.max ?? 0,
      mean: s?.mean ?? 0,
      sum: s?.sum ?? 0,
      histogram: s?.histogram ?? new Uint32Array(0),
    };
  }

  /** Forgets the frames seen. */
  resetStats(): void {
    this.#nFrames = 0;
    this.#last = undefined;
  }
}
