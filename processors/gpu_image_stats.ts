/**
 * Image statistics on the GPU: the same output, user statistics and arguments as
 * processors/image_stats.ts (min, max, sum, mean, histogram, and per colour), computed by two
 * WebGPU compute passes per batch (processors/gpu/stats_wgsl.ts, and stats64_wgsl.ts for 64-bit
 * pixels, which are uploaded as they are and handled as pairs of words). Needs
 * `--processor-permissions gpu`; with `--accumulate-objects N` a batch of N frames costs one
 * upload and two dispatches.
 *
 * The results are identical to the CPU processor's for every dtype: min and max are compared in
 * the pixel's own type (64-bit ones as order-preserving keys); the histogram's bin edges are
 * exact thresholds computed on the CPU (processors/gpu/histogram_edges.ts); and both processors
 * report the exact sum rounded once (processors/support/exact_sum.ts), which the GPU gets from
 * exact 64-bit integer sums and, for floats, from integer mantissas summed by exponent.
 *
 * Arguments: `bins` (default 16), `histogramMin`, `histogramMax` (as image_stats.ts).
 *
 * @module
 */
// Not ../mod.ts: that pulls in the HTTP API's npm packages, which a child-process sandbox
// (--processor-isolation process, run with --no-npm) cannot load.
import {
  type Frame,
  GpuContext,
  type Processor,
  type ProcessorArgs,
  processorMain,
  type PvOutput,
  type WgslScalar,
} from "../runtime/processor/mod.ts";
import {
  type ChannelStatistics,
  colourStride,
  type HistogramOptions,
  histogramOptions,
  IMAGE_STATS_DECLARATION,
  IMAGE_STATS_TYPE,
  type ImageStatistics,
  ImageStatsTally,
} from "./image_stats.ts";
import { histogramEdges, type Wide64, wideBits, wideValue } from "./gpu/histogram_edges.ts";
import { runInDtypeParts } from "./gpu/dtype_parts.ts";
import { CHUNK, FLOAT_SUM_WORDS, histogramShader, reduceShader } from "./gpu/stats_wgsl.ts";
import { histogramWideShader, reduceWideShader, WIDE_SUM_WORDS } from "./gpu/stats64_wgsl.ts";
import { ExactSum } from "./support/exact_sum.ts";

/** How the shaders see a pixel: a WGSL scalar, or a 64-bit type as two words. */
type PixelKind = WgslScalar | Wide64;

const WIDE: Partial<Record<Frame["dtype"], Wide64>> = { int64: "i64", uint64: "u64", float64: "f64" };

function isWide(kind: PixelKind): kind is Wide64 {
  return kind === "i64" || kind === "u64" || kind === "f64";
}

/** One frame's per-colour reduction, read back from pass 1. */
interface Reduced {
  min: number[];
  max: number[];
  sums: ExactSum[];
  count: number[];
}

const bits = new Uint32Array(1);
const asI32 = new Int32Array(bits.buffer);
const asF32 = new Float32Array(bits.buffer);

/** A min or max of pass 1 as a number: the pixel's bits, or a 64-bit key (low, high). */
function valueOf(kind: PixelKind, low: number, high: number, empty: number): number {
  if (isWide(kind)) {
    const v = wideValue(kind, wideBits(kind, (BigInt(high) << 32n) | BigInt(low)));
    // Only NaN keys are left where every pixel of a float64 colour was NaN.
    return Number.isNaN(v) ? empty : v;
  }
  bits[0] = low;
  return kind === "u32" ? bits[0] : kind === "i32" ? asI32[0] : asF32[0];
}

/** Samples of each colour: colour c holds runs of `stride` starting at c × stride, every 3 × stride. */
function colourCounts(n: number, stride: number | undefined): number[] {
  if (stride === undefined) return [n, 0, 0];
  const period = 3 * stride;
  const whole = Math.floor(n / period) * stride;
  const rest = n % period;
  return [0, 1, 2].map((c) => whole + Math.min(stride, Math.max(0, rest - c * stride)));
}

/** Image statistics of each frame, on the GPU. */
export class GpuImageStats implements Processor {
  /** The same user statistics as the CPU processor. */
  readonly statsTypes = IMAGE_STATS_DECLARATION;
  /** One statistics structure per frame. */
  readonly outputType = IMAGE_STATS_TYPE;
  #histogram: HistogramOptions = { bins: 16 };
  readonly #tally = new ImageStatsTally();
  #gpu: GpuContext | undefined;

  /** Opens the GPU (once) and reads `bins`, `histogramMin`, `histogramMax`. */
  async configure(args: ProcessorArgs): Promise<void> {
    this.#histogram = histogramOptions(args, this.#histogram);
    this.#gpu ??= await GpuContext.open({ label: "gpu_image_stats" });
  }

  /** @returns the frame's statistics */
  async process(frame: Frame): Promise<PvOutput> {
    return (await this.processBatch([frame]))[0];
  }

  /** @returns the statistics of each frame, in order */
  async processBatch(frames: Frame[]): Promise<PvOutput[]> {
    const results = await runInDtypeParts(this.#gpu!, frames, (part) => this.#onGpu(part), { wide: true });
    return frames.map((f, k) => this.#tally.record(f, ...results[k]));
  }

  /** The latest frame's statistics (zeros before the first frame). */
  stats(): Record<string, number | Uint32Array> {
    return this.#tally.stats();
  }

  /** Forgets the frames seen. */
  resetStats(): void {
    this.#tally.reset();
  }

  /** Releases the GPU. */
  stop(): void {
    this.#gpu?.destroy();
  }

  async #onGpu(frames: Frame[]): Promise<[ImageStatistics, ChannelStatistics][]> {
    const gpu = this.#gpu!;
    const input = gpu.upload("pixels", frames, { wide: true });
    const wide = WIDE[frames[0].dtype];
    const kind: PixelKind = wide ?? input.layout.scalar;
    const strides = frames.map((f) => colourStride(f.colorMode, f.shape));
    const groups = frames.map((f) => Math.ceil(f.data.length / CHUNK));
    const maxGroups = Math.max(1, ...groups);
    // Pass 1: min, max and sum per colour and workgroup; float sums in buckets per frame.
    const partialWords = wide ? 8 : 4;
    const table = new Uint32Array(4 * frames.length);
    let partials = 0;
    frames.forEach((f, k) => {
      table.set([input.offsets[k], f.data.length, strides[k] ?? 0, partials], 4 * k);
      partials += 3 * groups[k];
    });
    const reduceFrames = gpu.buffer("reduce frames", table.byteLength);
    gpu.write(reduceFrames, table);
    const partialBytes = 4 * partialWords * Math.max(1, partials);
    const partialBuffer = gpu.buffer("partials", partialBytes);
    const colour = strides.some((s) => s !== undefined);
    const sumWords = kind === "f32" ? FLOAT_SUM_WORDS : kind === "f64" ? WIDE_SUM_WORDS : 0;
    const sums = sumWords > 0 ? gpu.buffer("float sums", 4 * sumWords * frames.length) : undefined;
    if (sums) gpu.write(sums, new Uint32Array(sumWords * frames.length));
    const shader = wide ? reduceWideShader(wide, { colour }) : reduceShader(input.layout, { colour });
    const bindings = [input.buffer, reduceFrames, partialBuffer];
    gpu.dispatch(await gpu.pipeline(shader), sums ? [...bindings, sums] : bindings, [
      maxGroups,
      frames.length,
    ]);
    const words = new Uint32Array(await gpu.read(partialBuffer, partialBytes));
    const bucketWords = sums
      ? new Uint32Array(await gpu.read(sums, 4 * sumWords * frames.length))
      : undefined;
    const reduced = frames.map((f, k) => {
      const r = combine(kind, words, table[4 * k + 3], groups[k], colourCounts(f.data.length, strides[k]));
      if (bucketWords) r.sums = bucketSums(kind, bucketWords.subarray(k * sumWords, (k + 1) * sumWords));
      return r;
    });
    // Pass 2: the histogram, over the range each frame's min and max give unless configured.
    const { bins } = this.#histogram;
    const ranges = reduced.map((r, k) => {
      const min = frames[k].data.length === 0 ? NaN : Math.min(...r.min);
      const max = frames[k].data.length === 0 ? NaN : Math.max(...r.max);
      return { min, max, lo: this.#histogram.min ?? min, hi: this.#histogram.max ?? max };
    });
    const edges = ranges.map((r, k) =>
      histogramEdges(kind, { lo: r.lo, hi: r.hi, bins, samples: frames[k].data.length })
    );
    const paramWords = wide ? 10 : 8;
    const params = new Uint32Array(paramWords * frames.length);
    const thresholds: number[] = [];
    edges.forEach((e, k) => {
      const count = e.thresholds.length / e.low.length;
      const at = thresholds.length / e.low.length;
      params.set([
        input.offsets[k],
        frames[k].data.length,
        ...e.low,
        ...e.high,
        count,
        at,
        k * bins,
        e.counting ? 1 : 0,
      ], paramWords * k);
      thresholds.push(...e.thresholds);
    });
    const histFrames = gpu.buffer("histogram frames", params.byteLength);
    gpu.write(histFrames, params);
    const thresholdBuffer = gpu.buffer("thresholds", 4 * Math.max(1, thresholds.length));
    if (thresholds.length > 0) gpu.write(thresholdBuffer, Uint32Array.from(thresholds));
    const histograms = gpu.buffer("histograms", 4 * bins * frames.length);
    gpu.write(histograms, new Uint32Array(bins * frames.length));
    gpu.dispatch(
      await gpu.pipeline(wide ? histogramWideShader(wide, bins) : histogramShader(input.layout, bins)),
      [input.buffer, histFrames, thresholdBuffer, histograms],
      [maxGroups, frames.length],
    );
    const counts = new Uint32Array(await gpu.read(histograms, 4 * bins * frames.length));
    return frames.map((f, k) => {
      const r = reduced[k];
      const n = f.data.length;
      const total = new ExactSum(r.sums[0].scale);
      r.sums.forEach((s) => total.addSum(s));
      const sum = total.value();
      const channelSums = r.sums.map((s) => s.value());
      const channels = strides[k] === undefined ? 1 : 3;
      const pick = (xs: number[], empty: number) =>
        Float64Array.from(xs.slice(0, channels), (x, c) => r.count[c] > 0 ? x : empty);
      return [{
        min: ranges[k].min,
        max: ranges[k].max,
        sum,
        mean: n > 0 ? sum / n : NaN,
        histogram: counts.slice(k * bins, (k + 1) * bins),
        histogramMin: ranges[k].lo,
        histogramMax: ranges[k].hi,
      }, {
        channelMin: pick(r.min, NaN),
        channelMax: pick(r.max, NaN),
        channelSum: pick(channelSums, 0),
        channelMean: Float64Array.from(
          channelSums.slice(0, channels),
          (s, c) => r.count[c] > 0 ? s / r.count[c] : NaN,
        ),
      }];
    });
  }
}

/**
 * A frame's partials folded into min, max and (for integer pixels) the exact sum per colour.
 * A partial is (min, max, sum low, sum high) words, or for 64-bit pixels two vec4s: (min key,
 * max key) and (sum of low words, sum of high words), each 64-bit.
 */
function combine(
  kind: PixelKind,
  words: Uint32Array,
  first: number,
  groups: number,
  count: number[],
): Reduced {
  const wide = isWide(kind);
  const r: Reduced = {
    min: [Infinity, Infinity, Infinity],
    max: [-Infinity, -Infinity, -Infinity],
    sums: [],
    count,
  };
  const exact = [0n, 0n, 0n];
  const word64 = (at: number) => (BigInt(words[at + 1]) << 32n) + BigInt(words[at]);
  for (let g = 0; g < groups; g++) {
    for (let c = 0; c < 3; c++) {
      const at = (wide ? 8 : 4) * (first + 3 * g + c);
      const mn = wide
        ? valueOf(kind, words[at], words[at + 1], Infinity)
        : valueOf(kind, words[at], 0, Infinity);
      const mx = wide
        ? valueOf(kind, words[at + 2], words[at + 3], -Infinity)
        : valueOf(kind, words[at + 1], 0, -Infinity);
      if (mn < r.min[c]) r.min[c] = mn;
      if (mx > r.max[c]) r.max[c] = mx;
      exact[c] += wide ? word64(at + 4) + (word64(at + 6) << 32n) : word64(at + 2);
    }
  }
  // Signed pixels were summed with 2^31 added to each (to the high word of 64-bit ones).
  const bias = kind === "i32" ? 2n ** 31n : kind === "i64" ? 2n ** 63n : 0n;
  r.sums = exact.map((s, c) => {
    const sum = new ExactSum(0);
    sum.addUnits(s - bias * BigInt(count[c]));
    return sum;
  });
  return r;
}

/**
 * The float sums of one frame (see stats_wgsl.ts and stats64_wgsl.ts) as an exact sum per colour:
 * mantissa sums per sign and exponent, scaled by each exponent.
 */
function bucketSums(kind: PixelKind, words: Uint32Array): ExactSum[] {
  const f64 = kind === "f64";
  const exponents = f64 ? 2048 : 256;
  const perBucket = f64 ? 4 : 2;
  const perColour = 2 * exponents * perBucket;
  const word64 = (at: number) => (BigInt(words[at + 1]) << 32n) + BigInt(words[at]);
  return [0, 1, 2].map((c) => {
    const sum = new ExactSum(f64 ? 1074 : 149);
    for (let k = 0; k < 2 * exponents; k++) {
      const at = c * perColour + perBucket * k;
      const mantissas = f64 ? (word64(at) << 26n) + word64(at + 2) : word64(at);
      if (mantissas !== 0n) sum.addMantissas(k < exponents ? mantissas : -mantissas, k % exponents);
    }
    const flags = words[3 * perColour + c];
    if (flags & 1) sum.addSpecial(1);
    if (flags & 2) sum.addSpecial(-1);
    if (flags & 4) sum.addSpecial(0);
    return sum;
  });
}

// `deno run -A processors/gpu_image_stats.ts --input-channel ... --processor-permissions gpu` runs a consumer.
if (import.meta.main) await processorMain(import.meta.url, { className: "GpuImageStats" });
