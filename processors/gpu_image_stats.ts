/**
 * Image statistics on the GPU: the same output, user statistics and arguments as
 * processors/image_stats.ts (min, max, sum, mean, histogram, and per colour), computed by two
 * WebGPU compute passes per batch (processors/gpu/stats_wgsl.ts). Needs
 * `--processor-permissions gpu`; with `--accumulate-objects N` a batch of N frames costs one
 * upload and two dispatches.
 *
 * Against the CPU processor: min, max and the histogram are identical for every dtype (the
 * histogram's bin edges are exact thresholds computed on the CPU, processors/gpu/histogram_edges.ts);
 * sums of integer pixels up to 32 bits are exact 64-bit sums on the GPU, identical to the CPU's
 * while the CPU's double sum is exact (below 2^53). Sums of float32 pixels are accumulated in f32
 * per thread and workgroup, then in doubles: they differ from the CPU's by at most a few
 * f32 roundings of the sum of absolute values (see docs/gpu.md). 64-bit pixels (int64, uint64,
 * float64) have no WGSL type: their frames are computed on the CPU, with image_stats.ts's code.
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
  type GpuLayout,
  gpuLayout,
  type Processor,
  type ProcessorArgs,
  processorMain,
  type PvOutput,
} from "../runtime/processor/mod.ts";
import {
  type ChannelStatistics,
  channelStatistics,
  colourStride,
  type HistogramOptions,
  histogramOptions,
  IMAGE_STATS_DECLARATION,
  IMAGE_STATS_TYPE,
  type ImageStatistics,
  imageStatistics,
  ImageStatsTally,
} from "./image_stats.ts";
import { histogramEdges } from "./gpu/histogram_edges.ts";
import { CHUNK, histogramShader, reduceShader } from "./gpu/stats_wgsl.ts";

/** One frame's per-colour reduction, read back from pass 1. */
interface Reduced {
  min: number[];
  max: number[];
  sum: number[];
  count: number[];
}

const bits = new Uint32Array(1);
const asI32 = new Int32Array(bits.buffer);
const asF32 = new Float32Array(bits.buffer);

function fromBits(layout: GpuLayout, b: number): number {
  bits[0] = b;
  return layout.scalar === "u32" ? bits[0] : layout.scalar === "i32" ? asI32[0] : asF32[0];
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
    const out: PvOutput[] = new Array(frames.length);
    const byDtype = Map.groupBy(frames.keys(), (i) => frames[i].dtype);
    for (const indices of byDtype.values()) {
      const group = indices.map((i) => frames[i]);
      // The parts run one after the other: they share the context's named buffers.
      const results: [ImageStatistics, ChannelStatistics][] = [];
      if (gpuLayout(group[0].dtype).converted) results.push(...group.map((f) => this.#onCpu(f)));
      else for (const part of this.#gpu!.fitting(group)) results.push(...await this.#onGpu(part));
      indices.forEach((i, k) => out[i] = this.#tally.record(frames[i], ...results[k]));
    }
    return out;
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

  #onCpu(f: Frame): [ImageStatistics, ChannelStatistics] {
    return [imageStatistics(f.data, this.#histogram), channelStatistics(f.data, f.colorMode, f.shape)];
  }

  async #onGpu(frames: Frame[]): Promise<[ImageStatistics, ChannelStatistics][]> {
    const gpu = this.#gpu!;
    const input = gpu.upload("pixels", frames);
    const strides = frames.map((f) => colourStride(f.colorMode, f.shape));
    const groups = frames.map((f) => Math.ceil(f.data.length / CHUNK));
    const maxGroups = Math.max(1, ...groups);
    // Pass 1: min, max and sum per colour and workgroup.
    const table = new Uint32Array(4 * frames.length);
    let partials = 0;
    frames.forEach((f, k) => {
      table.set([input.offsets[k], f.data.length, strides[k] ?? 0, partials], 4 * k);
      partials += 3 * groups[k];
    });
    const reduceFrames = gpu.buffer("reduce frames", table.byteLength);
    gpu.write(reduceFrames, table);
    const partialBuffer = gpu.buffer("partials", 16 * Math.max(1, partials));
    const colour = strides.some((s) => s !== undefined);
    gpu.dispatch(
      await gpu.pipeline(reduceShader(input.layout, { colour })),
      [input.buffer, reduceFrames, partialBuffer],
      [
        maxGroups,
        frames.length,
      ],
    );
    const words = new Uint32Array(await gpu.read(partialBuffer, 16 * Math.max(1, partials)));
    const reduced = frames.map((f, k) =>
      this.#combine(input.layout, words, table[4 * k + 3], groups[k], colourCounts(f.data.length, strides[k]))
    );
    // Pass 2: the histogram, over the range each frame's min and max give unless configured.
    const { bins } = this.#histogram;
    const ranges = reduced.map((r, k) => {
      const min = frames[k].data.length === 0 ? NaN : Math.min(...r.min);
      const max = frames[k].data.length === 0 ? NaN : Math.max(...r.max);
      return { min, max, lo: this.#histogram.min ?? min, hi: this.#histogram.max ?? max };
    });
    const edges = ranges.map((r, k) =>
      histogramEdges(input.layout.scalar, { lo: r.lo, hi: r.hi, bins, samples: frames[k].data.length })
    );
    const params = new Uint32Array(8 * frames.length);
    const thresholds: number[] = [];
    edges.forEach((e, k) => {
      params.set([
        input.offsets[k],
        frames[k].data.length,
        e.low,
        e.high,
        e.thresholds.length,
        thresholds.length,
        k * bins,
        e.counting ? 1 : 0,
      ], 8 * k);
      thresholds.push(...e.thresholds);
    });
    const histFrames = gpu.buffer("histogram frames", params.byteLength);
    gpu.write(histFrames, params);
    const thresholdBuffer = gpu.buffer("thresholds", 4 * Math.max(1, thresholds.length));
    if (thresholds.length > 0) gpu.write(thresholdBuffer, Uint32Array.from(thresholds));
    const histograms = gpu.buffer("histograms", 4 * bins * frames.length);
    gpu.write(histograms, new Uint32Array(bins * frames.length));
    gpu.dispatch(
      await gpu.pipeline(histogramShader(input.layout, bins)),
      [input.buffer, histFrames, thresholdBuffer, histograms],
      [maxGroups, frames.length],
    );
    const counts = new Uint32Array(await gpu.read(histograms, 4 * bins * frames.length));
    return frames.map((f, k) => {
      const r = reduced[k];
      const n = f.data.length;
      const sum = r.sum.reduce((a, b) => a + b, 0);
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
        channelSum: pick(r.sum, 0),
        channelMean: Float64Array.from(
          r.sum.slice(0, channels),
          (s, c) => r.count[c] > 0 ? s / r.count[c] : NaN,
        ),
      }];
    });
  }

  /** A frame's partials folded into min, max and sum per colour. */
  #combine(layout: GpuLayout, words: Uint32Array, first: number, groups: number, count: number[]): Reduced {
    const r: Reduced = {
      min: [Infinity, Infinity, Infinity],
      max: [-Infinity, -Infinity, -Infinity],
      sum: [],
      count,
    };
    const exact = [0n, 0n, 0n];
    const floats = [0, 0, 0];
    for (let g = 0; g < groups; g++) {
      for (let c = 0; c < 3; c++) {
        const at = 4 * (first + 3 * g + c);
        const mn = fromBits(layout, words[at]);
        const mx = fromBits(layout, words[at + 1]);
        if (mn < r.min[c]) r.min[c] = mn;
        if (mx > r.max[c]) r.max[c] = mx;
        if (layout.scalar === "f32") floats[c] += fromBits(layout, words[at + 2]);
        else exact[c] += (BigInt(words[at + 3]) << 32n) + BigInt(words[at + 2]);
      }
    }
    // Signed pixels were summed with 2^31 added to each.
    const bias = layout.scalar === "i32" ? 2n ** 31n : 0n;
    r.sum = layout.scalar === "f32" ? floats : exact.map((s, c) => Number(s - bias * BigInt(count[c])));
    return r;
  }
}

// `deno run -A processors/gpu_image_stats.ts --input-channel ... --processor-permissions gpu` runs a consumer.
if (import.meta.main) await processorMain(import.meta.url, { className: "GpuImageStats" });
