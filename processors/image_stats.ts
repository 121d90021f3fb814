/**
 * Image statistics: min, max, mean, sum and a histogram of every frame, reported as user
 * statistics (of the latest frame) and published as one structure per frame. Works for every
 * dtype and colour mode: the totals count every sample, colour planes included, and the
 * `channel*` arrays hold the same figures per colour (one entry for a mono frame, three for
 * RGB1, RGB2 and RGB3). Sums are exact sums rounded once to a double (processors/support/exact_sum.ts),
 * so they do not depend on the order of the additions and the GPU processor reports the same;
 * min, max and the histogram see 64-bit pixels as doubles (exact up to 2^53).
 *
 * Arguments: `bins` (default 16); `histogramMin` and `histogramMax` fix the histogram's range
 * (default: each frame's own min and max). Samples outside the range are not counted; the top
 * edge belongs to the last bin.
 *
 * @module
 */
// Not ../mod.ts: that pulls in the HTTP API and its npm packages, which a child-process sandbox
// (--processor-isolation process, run with --no-npm) cannot load.
import {
  type Frame,
  type Processor,
  type ProcessorArgs,
  processorMain,
  type PvOutput,
} from "../runtime/processor/mod.ts";
import { scalar, scalarArray, struct, type StructureDesc } from "../protocol/pvdata/mod.ts";
import { TIME_T } from "../protocol/nt/mod.ts";
import { ExactSum } from "./support/exact_sum.ts";

/** The statistics of one frame. */
export interface ImageStatistics {
  /** Smallest sample (NaN for an empty frame). */
  min: number;
  /** Largest sample (NaN for an empty frame). */
  max: number;
  /** Sum of the samples (the exact sum, rounded once). */
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

/** Min, max, sum and mean of each colour (one entry for mono). */
export interface ChannelStatistics {
  /** Smallest sample of each colour. */
  channelMin: Float64Array;
  /** Largest sample of each colour. */
  channelMax: Float64Array;
  /** Sum of each colour's samples. */
  channelSum: Float64Array;
  /** Mean of each colour's samples. */
  channelMean: Float64Array;
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
  channelMin: scalarArray("float64"),
  channelMax: scalarArray("float64"),
  channelSum: scalarArray("float64"),
  channelMean: scalarArray("float64"),
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
  return frameStatistics(data, 0, [data.length], h)[0];
}

/**
 * How far apart the colours of an RGB frame are: colour c is every run of `stride` samples
 * starting at c × stride, then every 3 × stride after (RGB1 [3, nx, ny] interleaves samples,
 * RGB2 [nx, 3, ny] rows, RGB3 [nx, ny, 3] planes). Undefined for mono.
 */
export function colourStride(colorMode: number, shape: readonly number[]): number | undefined {
  if (shape.length !== 3) return undefined;
  if (colorMode === 2 && shape[0] === 3) return 1;
  if (colorMode === 3 && shape[1] === 3) return shape[0];
  if (colorMode === 4 && shape[2] === 3) return shape[0] * shape[1];
  return undefined;
}

/**
 * Min, max, sum and mean of each colour of a frame; a mono frame (or one whose shape does not
 * fit its colour mode) is one channel.
 * @example
 * ```ts
 * import { channelStatistics } from "./image_stats.ts";
 * // RGB1, 2 x 1 pixels: r g b r g b
 * const s = channelStatistics(new Uint8Array([1, 2, 3, 5, 6, 7]), 2, [3, 2, 1]);
 * [...s.channelMean]; // [3, 4, 5]
 * ```
 */
export function channelStatistics(
  data: Frame["data"],
  colorMode: number,
  shape: readonly number[],
): ChannelStatistics {
  return frameStatistics(data, colorMode, shape, { bins: 1 })[1];
}

/**
 * The statistics of a whole frame and of each of its colours. Pixels of 8 and 16 bits are
 * counted by value in one pass, and everything is derived from the counts (a sample's bin
 * depends only on its value, so the histogram is the same); wider pixels are read once for min
 * and max, once for the exact sums and once for the histogram.
 * @example
 * ```ts
 * import { frameStatistics } from "./image_stats.ts";
 * const [all, colours] = frameStatistics(new Uint16Array([1, 2, 3, 5, 6, 7]), 2, [3, 2, 1], { bins: 2 });
 * [all.sum, [...all.histogram], [...colours.channelMax]]; // [24, [3, 3], [5, 6, 7]]
 * ```
 */
export function frameStatistics(
  data: Frame["data"],
  colorMode: number,
  shape: readonly number[],
  h: HistogramOptions,
): [ImageStatistics, ChannelStatistics] {
  const stride = colourStride(colorMode, shape);
  const n = data.length;
  const colours: Runs[] = stride === undefined
    ? [{ start: 0, run: n, period: n }]
    : [0, 1, 2].map((c) => ({ start: c * stride, run: stride, period: 3 * stride }));
  const parts = isSmallIntegers(data) ? countedColours(data, colours) : readColours(data, colours);
  const total = combine(parts.map((p) => p.stats));
  const channelSum = Float64Array.from(parts, (p) => p.stats.sum.value());
  const channels: ChannelStatistics = {
    channelMin: Float64Array.from(parts, (p) => p.stats.n > 0 ? p.stats.min : NaN),
    channelMax: Float64Array.from(parts, (p) => p.stats.n > 0 ? p.stats.max : NaN),
    channelSum,
    channelMean: Float64Array.from(parts, (p, c) => p.stats.n > 0 ? channelSum[c] / p.stats.n : NaN),
  };
  const min = n > 0 ? total.min : NaN;
  const max = n > 0 ? total.max : NaN;
  const sum = total.sum.value();
  const lo = h.min ?? min;
  const hi = h.max ?? max;
  const histogram = new Uint32Array(h.bins);
  if (n > 0 && hi >= lo) {
    const scale = hi > lo ? h.bins / (hi - lo) : 0;
    const last = h.bins - 1;
    const count = (v: number, times: number) => {
      if (v < lo || v > hi) return;
      const b = Math.floor((v - lo) * scale);
      histogram[b > last ? last : b] += times;
    };
    for (const p of parts) p.histogram(count);
  }
  const image = { min, max, sum, mean: n > 0 ? sum / n : NaN, histogram, histogramMin: lo, histogramMax: hi };
  return [image, channels];
}

/** One colour's samples: runs of `run` from `start`, every `period`. */
interface Runs {
  start: number;
  run: number;
  period: number;
}

/** Min, max, exact sum and count of some samples. */
interface SampleSummary {
  min: number;
  max: number;
  sum: ExactSum;
  n: number;
}

/** A colour's statistics, and a way to put each of its samples (or values with their counts) in bins. */
interface ColourPart {
  stats: SampleSummary;
  histogram(count: (value: number, times: number) => void): void;
}

function combine(parts: SampleSummary[]): SampleSummary {
  const sum = new ExactSum(parts[0].sum.scale);
  for (const p of parts) sum.addSum(p.sum);
  return {
    min: Math.min(...parts.map((p) => p.min)),
    max: Math.max(...parts.map((p) => p.max)),
    sum,
    n: parts.reduce((a, p) => a + p.n, 0),
  };
}

type SmallIntegers = Int8Array | Uint8Array | Int16Array | Uint16Array;

function isSmallIntegers(data: Frame["data"]): data is SmallIntegers {
  return data instanceof Uint8Array || data instanceof Int8Array || data instanceof Uint16Array ||
    data instanceof Int16Array;
}

function countedColours(data: SmallIntegers, colours: Runs[]): ColourPart[] {
  const bits = 8 * data.BYTES_PER_ELEMENT;
  // Signed values are counted at value + offset.
  const offset = data instanceof Int8Array || data instanceof Int16Array ? 2 ** (bits - 1) : 0;
  return colours.map(({ start, run, period }) => {
    const counts = new Uint32Array(2 ** bits);
    for (let s = start; s < data.length; s += period) {
      const end = Math.min(s + run, data.length);
      for (let i = s; i < end; i++) counts[data[i] + offset]++;
    }
    let min = Infinity;
    let max = -Infinity;
    let total = 0;
    let n = 0;
    for (let k = 0; k < counts.length; k++) {
      const c = counts[k];
      if (c === 0) continue;
      const v = k - offset;
      if (v < min) min = v;
      max = v;
      // Exact: |v| < 2^16 and at most 2^32 samples.
      total += v * c;
      n += c;
    }
    const sum = new ExactSum(0);
    sum.addUnits(BigInt(total));
    return {
      stats: { min, max, sum, n },
      histogram: (count) => {
        for (let k = 0; k < counts.length; k++) if (counts[k] > 0) count(k - offset, counts[k]);
      },
    };
  });
}

function readColours(data: Frame["data"], colours: Runs[]): ColourPart[] {
  const values = data instanceof BigInt64Array || data instanceof BigUint64Array
    ? Float64Array.from(data, Number)
    : data;
  return colours.map(({ start, run, period }) => {
    let min = Infinity;
    let max = -Infinity;
    let n = 0;
    for (let s = start; s < values.length; s += period) {
      const end = Math.min(s + run, values.length);
      for (let i = s; i < end; i++) {
        const v = values[i];
        if (v < min) min = v;
        if (v > max) max = v;
      }
      n += end - s;
    }
    return {
      stats: { min, max, sum: ExactSum.of(data, start, data.length, run, period), n },
      histogram: (count) => {
        for (let s = start; s < values.length; s += period) {
          const end = Math.min(s + run, values.length);
          for (let i = s; i < end; i++) count(values[i], 1);
        }
      },
    };
  });
}

/** The user statistics of both image-statistics processors (CPU and GPU). */
export const IMAGE_STATS_DECLARATION = {
  nFrames: "ulong",
  min: "double",
  max: "double",
  mean: "double",
  sum: "double",
  histogram: "uint[]",
} as const;

/**
 * The histogram options after `configure` arguments `bins`, `histogramMin`, `histogramMax`; keys
 * left out keep their previous value.
 * @throws {RangeError} for bins that are not an integer >= 1
 * @throws {TypeError} for an edge that is not a number
 */
export function histogramOptions(args: ProcessorArgs, previous: HistogramOptions): HistogramOptions {
  const bins = args.bins ?? previous.bins;
  if (!Number.isInteger(bins) || (bins as number) < 1) {
    throw new RangeError(`bins: expected an integer >= 1`);
  }
  const edge = (x: unknown, name: string) => {
    if (x !== undefined && typeof x !== "number") throw new TypeError(`${name}: expected a number`);
    return x;
  };
  return {
    bins: bins as number,
    min: edge(args.histogramMin ?? previous.min, "histogramMin"),
    max: edge(args.histogramMax ?? previous.max, "histogramMax"),
  };
}

/**
 * What both image-statistics processors keep between frames: the count and the latest frame's
 * statistics, and the output structure they publish per frame.
 */
export class ImageStatsTally {
  #nFrames = 0;
  #last: ImageStatistics | undefined;

  /**
   * Counts a frame and makes its output.
   * @param frame the frame (its uniqueId and timeStamp stamp the output)
   * @param s its statistics
   * @param channels its statistics per colour
   */
  record(frame: Frame, s: ImageStatistics, channels: ChannelStatistics): PvOutput {
    this.#nFrames++;
    this.#last = s;
    return {
      type: IMAGE_STATS_TYPE,
      value: { uniqueId: frame.uniqueId, timeStamp: frame.timeStamp, ...s, ...channels },
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
  reset(): void {
    this.#nFrames = 0;
    this.#last = undefined;
  }
}

/** Computes {@link ImageStatistics} of every frame. */
export class ImageStats implements Processor {
  /** The latest frame's statistics and the count of frames. */
  readonly statsTypes = IMAGE_STATS_DECLARATION;
  /** One statistics structure per frame. */
  readonly outputType = IMAGE_STATS_TYPE;
  #histogram: HistogramOptions = { bins: 16 };
  readonly #tally = new ImageStatsTally();

  /** Reads `bins`, `histogramMin`, `histogramMax`. */
  configure(args: ProcessorArgs): void {
    this.#histogram = histogramOptions(args, this.#histogram);
  }

  /** @returns the frame's statistics, stamped with its uniqueId and timeStamp */
  process(frame: Frame): PvOutput {
    return this.#tally.record(
      frame,
      ...frameStatistics(frame.data, frame.colorMode, frame.shape, this.#histogram),
    );
  }

  /** The latest frame's statistics (zeros before the first frame). */
  stats(): Record<string, number | Uint32Array> {
    return this.#tally.stats();
  }

  /** Forgets the frames seen. */
  resetStats(): void {
    this.#tally.reset();
  }
}

// `deno run -A processors/image_stats.ts --input-channel ...` runs a consumer with this processor.
if (import.meta.main) await processorMain(import.meta.url, { className: "ImageStats" });
