/**
 * Threshold: samples below a lower threshold become 0 (or the threshold), samples above an upper
 * threshold become the threshold (or 0), and the samples at or above the lower threshold ("over
 * the threshold") are counted and summed. Every sample of every dtype and colour mode is treated
 * alike; the shape, dtype, uniqueId, time stamps and attributes stay. The frame's pixels are
 * changed in place (a processor owns the frame it is given), so nothing is copied.
 *
 * Arguments:
 * - `below` (default: none): the lower threshold;
 * - `belowMode`: `"zero"` (default) sets samples below it to 0, `"clamp"` to the threshold;
 * - `above` (default: none): the upper threshold;
 * - `aboveMode`: `"clamp"` (default) sets samples above it to the threshold, `"zero"` to 0.
 *
 * A threshold written into integer pixels is the nearest integer on the kept side (`below` 10.5
 * writes 11, `above` 10.5 writes 10), held within the dtype's range; float32 pixels take the
 * nearest float32.
 *
 * User statistics, of the latest frame before it was changed: `nOver` (samples at or above
 * `below`; every sample without it), `fractionOver`, `sumOver`, `meanOver` (0 when none),
 * `nAbove` (samples above `above`); and `nFrames`.
 *
 * @module
 */
// Not ../mod.ts: that pulls in the HTTP API and its npm packages, which a child-process sandbox
// (--processor-isolation process, run with --no-npm) cannot load.
import {
  choiceArg,
  type DType,
  type Frame,
  numberArg,
  type Processor,
  type ProcessorArgs,
  processorMain,
} from "../runtime/processor/mod.ts";

/** What a sample past a threshold becomes: 0, or the threshold. */
export type ThresholdMode = "zero" | "clamp";

/** The thresholds and what they do. */
export interface ThresholdOptions {
  /** Lower threshold (none by default). */
  below?: number;
  /** What samples below it become (default "zero"). */
  belowMode?: ThresholdMode;
  /** Upper threshold (none by default). */
  above?: number;
  /** What samples above it become (default "clamp"). */
  aboveMode?: ThresholdMode;
}

/** What {@link applyThreshold} counted, before changing anything. */
export interface ThresholdCounts {
  /** Samples at or above `below` (all of them without it). */
  nOver: number;
  /** Their sum (as doubles). */
  sumOver: number;
  /** Samples above `above`. */
  nAbove: number;
}

const INTEGER_RANGE: Partial<Record<DType, [number, number]>> = {
  int8: [-(2 ** 7), 2 ** 7 - 1],
  uint8: [0, 2 ** 8 - 1],
  int16: [-(2 ** 15), 2 ** 15 - 1],
  uint16: [0, 2 ** 16 - 1],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  int64: [-(2 ** 63), 2 ** 63],
  uint64: [0, 2 ** 64],
};

/** The value a threshold writes into pixels of `dtype`, rounded towards the kept side. */
function stored(dtype: DType, t: number, round: (x: number) => number): number | bigint {
  const range = INTEGER_RANGE[dtype];
  if (range === undefined) return t; // floats: the array rounds
  const v = Math.min(Math.max(round(t), range[0]), range[1]);
  if (dtype !== "int64" && dtype !== "uint64") return v;
  // 2^63 and 2^64 stand for the largest value, which no double holds exactly.
  return v === range[1] ? BigInt(v) - 1n : BigInt(v);
}

/**
 * Applies the thresholds to the frame's pixels in place and counts what was over them.
 * @param frame an uncompressed frame (any dtype and colour mode)
 * @param options the thresholds
 * @throws {TypeError} when the frame is compressed
 * @example
 * ```ts
 * import { frameFromNTNDArray, ntNDArray } from "../mod.ts";
 * import { applyThreshold } from "./threshold.ts";
 * const frame = frameFromNTNDArray(ntNDArray({ data: new Uint8Array([1, 5, 9, 200]), dims: [4] }));
 * applyThreshold(frame, { below: 5, above: 100 }); // { nOver: 3, sumOver: 214, nAbove: 1 }
 * [...frame.data]; // [0, 5, 9, 100]
 * ```
 */
export function applyThreshold(frame: Frame, options: ThresholdOptions): ThresholdCounts {
  if (frame.codec.name) {
    throw new TypeError(`frame is compressed (${frame.codec.name}): decompress it first`);
  }
  const { below = -Infinity, above = Infinity, belowMode = "zero", aboveMode = "clamp" } = options;
  const zero = typeof frame.data[0] === "bigint" ? 0n : 0;
  const low = belowMode === "zero" ? zero : stored(frame.dtype, below, Math.ceil);
  const high = aboveMode === "zero" ? zero : stored(frame.dtype, above, Math.floor);
  // Samples are numbers or bigints; comparing either with a number is exact in JavaScript.
  const d = frame.data as unknown as { [i: number]: number | bigint; length: number };
  const counts: ThresholdCounts = { nOver: 0, sumOver: 0, nAbove: 0 };
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (v < below) {
      d[i] = low;
      continue;
    }
    counts.nOver++;
    counts.sumOver += Number(v);
    if (v > above) {
      counts.nAbove++;
      d[i] = high;
    }
  }
  return counts;
}

/** Thresholds every frame (see the module documentation for the arguments). */
export class ThresholdProcessor implements Processor {
  /** The latest frame's counts, and the frames seen. */
  readonly statsTypes = {
    nFrames: "ulong",
    nOver: "ulong",
    fractionOver: "double",
    sumOver: "double",
    meanOver: "double",
    nAbove: "ulong",
  } as const;
  /** Frames always. */
  readonly outputType = "frame";
  #options: ThresholdOptions = {};
  #nFrames = 0;
  #last: ThresholdCounts & { samples: number } = { nOver: 0, sumOver: 0, nAbove: 0, samples: 0 };

  /** Reads `below`, `belowMode`, `above`, `aboveMode`; absent keys keep their value, an invalid one changes nothing. */
  configure(args: ProcessorArgs): void {
    const o = this.#options;
    const modes = ["zero", "clamp"] as const;
    this.#options = {
      below: numberArg(args, "below") ?? o.below,
      belowMode: choiceArg(args, "belowMode", modes) ?? o.belowMode,
      above: numberArg(args, "above") ?? o.above,
      aboveMode: choiceArg(args, "aboveMode", modes) ?? o.aboveMode,
    };
  }

  /**
   * Thresholds one frame.
   * @returns the same frame, its pixels thresholded
   */
  process(frame: Frame): Frame {
    this.#last = { ...applyThreshold(frame, this.#options), samples: frame.data.length };
    this.#nFrames++;
    return frame;
  }

  /** The latest frame's counts (zeros before the first). */
  stats(): Record<string, number> {
    const { nOver, sumOver, nAbove, samples } = this.#last;
    return {
      nFrames: this.#nFrames,
      nOver,
      fractionOver: samples > 0 ? nOver / samples : 0,
      sumOver,
      meanOver: nOver > 0 ? sumOver / nOver : 0,
      nAbove,
    };
  }

  /** Forgets the frames seen. */
  resetStats(): void {
    this.#nFrames = 0;
    this.#last = { nOver: 0, sumOver: 0, nAbove: 0, samples: 0 };
  }
}

// `deno run -A processors/threshold.ts --input-channel ... --processor-args '{"below": 10}'` runs a consumer.
if (import.meta.main) await processorMain(import.meta.url, { className: "ThresholdProcessor" });
