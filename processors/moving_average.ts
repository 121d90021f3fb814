/**
 * Moving average: each output is the sample-by-sample mean of the latest N frames (fewer at the
 * start, and after a reset). A frame of another shape, dtype or colour mode than the one before
 * starts the average again. Every dtype and colour mode (the mean is taken sample by sample, so
 * colours stay apart); the output has the latest frame's uniqueId, time stamps and attributes,
 * plus the attribute `AveragedFrames` (int32): how many frames the mean is of.
 *
 * Arguments:
 * - `n` (default 10, 1-1000): the number of frames averaged;
 * - `dtype` (default `"float64"`): the output's element type; integer types take the mean
 *   rounded to the nearest value (halves upwards), which an integer type narrower than the input
 *   may not hold (it wraps as typed arrays do).
 *
 * Memory: the pixels of the latest N frames (kept as they came, not copied) and a running sum of
 * one double per sample. The sum is recomputed from the kept frames once every N frames, so that
 * rounding in float frames cannot build up.
 *
 * User statistics: `nFrames`, `nResets` (averages started again on a new shape), `nAveraged`
 * (frames in the latest mean).
 *
 * @module
 */
// Not ../mod.ts: that pulls in the HTTP API and its npm packages, which a child-process sandbox
// (--processor-isolation process, run with --no-npm) cannot load.
import {
  choiceArg,
  type DType,
  type Frame,
  type FrameData,
  integerArg,
  type Processor,
  type ProcessorArgs,
  processorMain,
  replacePixels,
} from "../runtime/processor/mod.ts";
import { ARRAY_CONSTRUCTORS, scalar } from "../protocol/pvdata/mod.ts";

/** Element types the output may have. */
const DTYPES = Object.keys(ARRAY_CONSTRUCTORS) as DType[];

/** The largest window. */
export const MAX_WINDOW = 1000;

/**
 * The running mean of the latest frames of one shape.
 * @example
 * ```ts
 * import { frameFromNTNDArray, ntNDArray } from "../mod.ts";
 * import { MovingAverage } from "./moving_average.ts";
 * const avg = new MovingAverage({ n: 2 });
 * const frame = (v: number) => frameFromNTNDArray(ntNDArray({ data: new Uint8Array([v]), dims: [1] }));
 * avg.add(frame(1));
 * [...avg.add(frame(4)).data]; // [2.5]
 * ```
 */
export class MovingAverage {
  readonly #n: number;
  readonly #dtype: DType;
  #kind = "";
  #window: FrameData[] = [];
  #sum = new Float64Array(0);
  #sinceRecompute = 0;
  #resets = 0;

  /**
   * An empty average.
   * @param options `n` frames averaged (default 10, 1-1000), output `dtype` (default float64)
   * @throws {ProcessorArgError} naming an option of the wrong type or out of range
   */
  constructor(options: { n?: number; dtype?: DType } = {}) {
    this.#n = integerArg(options, "n", { min: 1, max: MAX_WINDOW }) ?? 10;
    this.#dtype = choiceArg(options, "dtype", DTYPES) ?? "float64";
  }

  /** Frames in the current mean. */
  get size(): number {
    return this.#window.length;
  }

  /** How many times a new shape, dtype or colour mode started the mean again. */
  get resets(): number {
    return this.#resets;
  }

  /**
   * Adds a frame (its pixels are kept, not copied) and returns the mean of the window.
   * @throws {TypeError} when the frame is compressed
   */
  add(frame: Frame): Frame {
    if (frame.codec.name) {
      throw new TypeError(`frame is compressed (${frame.codec.name}): decompress it first`);
    }
    const kind = `${frame.dtype} ${frame.colorMode} ${frame.shape.join(",")}`;
    if (kind !== this.#kind) {
      if (this.#kind !== "") this.#resets++;
      this.#kind = kind;
      this.#window = [];
      this.#sum = new Float64Array(frame.data.length);
      this.#sinceRecompute = 0;
    }
    this.#window.push(frame.data);
    accumulate(this.#sum, frame.data, 1);
    if (this.#window.length > this.#n) accumulate(this.#sum, this.#window.shift()!, -1);
    if (++this.#sinceRecompute >= this.#n) this.#recompute();
    return {
      ...replacePixels(frame, this.#mean(), frame.shape),
      attributes: { ...frame.attributes, AveragedFrames: this.#window.length },
      attributeTypes: { ...frame.attributeTypes, AveragedFrames: scalar("int32") },
    };
  }

  #recompute(): void {
    this.#sum.fill(0);
    for (const data of this.#window) accumulate(this.#sum, data, 1);
    this.#sinceRecompute = 0;
  }

  #mean(): FrameData {
    const n = this.#window.length;
    const out = new ARRAY_CONSTRUCTORS[this.#dtype](this.#sum.length);
    const sum = this.#sum;
    if (this.#dtype === "float32" || this.#dtype === "float64") {
      const o = out as Float64Array;
      for (let i = 0; i < sum.length; i++) o[i] = sum[i] / n;
    } else if (out instanceof BigInt64Array || out instanceof BigUint64Array) {
      for (let i = 0; i < sum.length; i++) out[i] = BigInt(Math.round(sum[i] / n));
    } else {
      for (let i = 0; i < sum.length; i++) out[i] = Math.round(sum[i] / n);
    }
    return out;
  }
}

/** sum[i] += sign × data[i] (64-bit integers as doubles). */
function accumulate(sum: Float64Array, data: FrameData, sign: 1 | -1): void {
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < sum.length; i++) sum[i] += sign * Number(data[i]);
    return;
  }
  for (let i = 0; i < sum.length; i++) sum[i] += sign * data[i];
}

/** Publishes the moving average of every frame (see the module documentation for the arguments). */
export class MovingAverageProcessor implements Processor {
  /** Frames seen, restarts, frames in the latest mean. */
  readonly statsTypes = { nFrames: "ulong", nResets: "ulong", nAveraged: "uint" } as const;
  /** Frames always. */
  readonly outputType = "frame";
  #average = new MovingAverage();
  #n = 10;
  #dtype: DType = "float64";
  #nFrames = 0;
  #resetsBefore = 0;

  /** Reads `n` and `dtype`; a change starts the average again, an invalid value changes nothing. */
  configure(args: ProcessorArgs): void {
    const n = integerArg(args, "n", { min: 1, max: MAX_WINDOW }) ?? this.#n;
    const dtype = choiceArg(args, "dtype", DTYPES) ?? this.#dtype;
    if (n === this.#n && dtype === this.#dtype) return;
    this.#n = n;
    this.#dtype = dtype;
    this.#resetsBefore += this.#average.resets;
    this.#average = new MovingAverage({ n, dtype });
  }

  /**
   * Adds one frame to the average.
   * @returns the mean of the latest frames, stamped as the latest
   */
  process(frame: Frame): Frame {
    const out = this.#average.add(frame);
    this.#nFrames++;
    return out;
  }

  /** Frames seen, restarts on a new shape, frames in the latest mean. */
  stats(): Record<string, number> {
    return {
      nFrames: this.#nFrames,
      nResets: this.#resetsBefore + this.#average.resets,
      nAveraged: this.#average.size,
    };
  }

  /** Zeroes the counts (the average goes on). */
  resetStats(): void {
    this.#nFrames = 0;
    this.#resetsBefore = -this.#average.resets;
  }
}

// `deno run -A processors/moving_average.ts --input-channel ... --processor-args '{"n": 5}'` runs a consumer.
if (import.meta.main) await processorMain(import.meta.url, { className: "MovingAverageProcessor" });
