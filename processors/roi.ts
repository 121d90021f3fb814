/**
 * Region of interest: crops each frame to a rectangle, then optionally bins it (adds or averages
 * blocks of bx × by pixels), colour by colour for RGB frames (the colour mode and its layout stay).
 *
 * Arguments:
 * - `x`, `y` (default 0): the rectangle's first column and row;
 * - `width`, `height` (default: to the frame's edge): its size; a rectangle reaching past the frame
 *   is clipped to it, one starting outside it is an error for that frame;
 * - `bx`, `by` (default 1): the binning factors; columns and rows left over after the last whole
 *   bin are dropped (a 10-pixel wide rectangle binned by 3 gives 3 pixels);
 * - `binning`: `"sum"` (default) or `"mean"`.
 *
 * The dtype: a crop without binning keeps it. A sum widens small integers so that it cannot
 * overflow (bins hold at most 65,536 pixels): int8 and int16 give int32, uint8 and uint16 give
 * uint32; int32 and uint32 give float64 (exact up to 2^53); int64 and uint64 stay (exact BigInt
 * sums, stored modulo 2^64); float32 and float64 stay (summed in double precision). A mean keeps
 * the dtype, integers rounded to the nearest value, halves upwards.
 *
 * User statistics: `nFrames` (frames cropped), `width` and `height` of the latest output.
 *
 * @module
 */
// Not ../mod.ts: that pulls in the HTTP API and its npm packages, which a child-process sandbox
// (--processor-isolation process, run with --no-npm) cannot load.
import {
  choiceArg,
  contiguousLayout,
  copyPixels,
  type DType,
  type Frame,
  type FrameData,
  type ImageLayout,
  imageLayout,
  ImageLayoutError,
  integerArg,
  newPixels,
  type PixelRegion,
  type Processor,
  ProcessorArgError,
  type ProcessorArgs,
  processorMain,
  replacePixels,
  shiftMap,
} from "../runtime/processor/mod.ts";

/** What a bin becomes: the sum of its pixels or their mean. */
export type Binning = "sum" | "mean";

/** The rectangle and the binning, as {@link RoiProcessor} takes them. */
export interface RoiOptions {
  /** First column (default 0). */
  x?: number;
  /** First row (default 0). */
  y?: number;
  /** Columns (default: to the edge). */
  width?: number;
  /** Rows (default: to the edge). */
  height?: number;
  /** Columns per bin (default 1). */
  bx?: number;
  /** Rows per bin (default 1). */
  by?: number;
  /** Sum (default) or mean of each bin. */
  binning?: Binning;
}

/** The most pixels in one bin: a sum of 16-bit integers stays within 32 bits. */
export const MAX_BIN_PIXELS = 65_536;

/** The dtype of a binned sum (see the module documentation). */
export const SUM_DTYPE: Readonly<Record<DType, DType>> = {
  int8: "int32",
  int16: "int32",
  uint8: "uint32",
  uint16: "uint32",
  int32: "float64",
  uint32: "float64",
  int64: "int64",
  uint64: "uint64",
  float32: "float32",
  float64: "float64",
};

/**
 * ROI options read from processor arguments, each absent one taken from `base`.
 * @param args the arguments (or options to check)
 * @param base the values of absent arguments
 * @throws {ProcessorArgError} naming an argument of the wrong type or out of range
 * @example
 * ```ts
 * import { roiOptions } from "./roi.ts";
 * roiOptions({ bx: 2 }, { x: 8 }).x; // 8
 * ```
 */
export function roiOptions(args: ProcessorArgs, base: RoiOptions = {}): RoiOptions {
  const o: RoiOptions = {
    x: integerArg(args, "x", { min: 0 }) ?? base.x,
    y: integerArg(args, "y", { min: 0 }) ?? base.y,
    width: integerArg(args, "width", { min: 1 }) ?? base.width,
    height: integerArg(args, "height", { min: 1 }) ?? base.height,
    bx: integerArg(args, "bx", { min: 1 }) ?? base.bx,
    by: integerArg(args, "by", { min: 1 }) ?? base.by,
    binning: choiceArg(args, "binning", ["sum", "mean"] as const) ?? base.binning,
  };
  const { bx = 1, by = 1 } = o;
  if (bx * by > MAX_BIN_PIXELS) {
    throw new ProcessorArgError("bx", `bx × by <= ${MAX_BIN_PIXELS}`, `${bx} × ${by}`);
  }
  return o;
}

/**
 * The frame cropped to the options' rectangle (clipped to the frame) and binned.
 * @param frame an uncompressed frame, mono or RGB
 * @param options the rectangle and the binning
 * @throws {ImageLayoutError} when the rectangle starts outside the frame or holds no whole bin
 * @throws {ProcessorArgError} when an option is of the wrong type or out of range
 * @example
 * ```ts
 * import { frameFromNTNDArray, ntNDArray } from "../mod.ts";
 * import { cropAndBin } from "./roi.ts";
 * const frame = frameFromNTNDArray(ntNDArray({ data: new Uint8Array(16).fill(1), dims: [4, 4] }));
 * const out = cropAndBin(frame, { x: 1, bx: 3, by: 2 });
 * [out.dtype, out.shape, out.data[0]]; // ["uint32", [1, 2], 6]
 * ```
 */
export function cropAndBin(frame: Frame, options: RoiOptions): Frame {
  const checked = roiOptions({ ...options });
  const { bx = 1, by = 1, binning = "sum" } = checked;
  const from = imageLayout(frame);
  const region = clip(from, checked);
  const to = contiguousLayout(from.colorMode, Math.floor(region.width / bx), Math.floor(region.height / by));
  if (to.nx === 0 || to.ny === 0) {
    throw new ImageLayoutError(
      `ROI of ${region.width} x ${region.height} pixels holds no whole ${bx} x ${by} bin`,
    );
  }
  if (bx === 1 && by === 1) {
    const data = newPixels(frame.dtype, to);
    copyPixels(
      frame.data,
      from,
      data,
      to,
      { x: 0, y: 0, width: to.nx, height: to.ny },
      shiftMap(region.x, region.y),
    );
    return replacePixels(frame, data, to.shape);
  }
  const data = newPixels(binning === "sum" ? SUM_DTYPE[frame.dtype] : frame.dtype, to);
  binPixels(frame.data, from, data, to, { region, bx, by, binning });
  return replacePixels(frame, data, to.shape);
}

/** The rectangle within the frame. */
function clip(layout: ImageLayout, o: RoiOptions): PixelRegion {
  const { x = 0, y = 0 } = o;
  if (x >= layout.nx || y >= layout.ny) {
    throw new ImageLayoutError(`ROI corner (${x}, ${y}) lies outside the ${layout.nx} x ${layout.ny} frame`);
  }
  return {
    x,
    y,
    width: Math.min(o.width ?? Infinity, layout.nx - x),
    height: Math.min(o.height ?? Infinity, layout.ny - y),
  };
}

interface BinPlan {
  region: PixelRegion;
  bx: number;
  by: number;
  binning: Binning;
}

/**
 * Each output pixel is its bin's sum or mean. 64-bit integers are summed as BigInts, exactly;
 * every other type in doubles, row by row through the source so that it is read in order.
 */
function binPixels(src: FrameData, from: ImageLayout, dst: FrameData, to: ImageLayout, plan: BinPlan): void {
  if (src instanceof BigInt64Array || src instanceof BigUint64Array) {
    binBigints(src, from, dst as BigInt64Array | BigUint64Array, to, plan);
    return;
  }
  const { region, bx, by } = plan;
  const mean = plan.binning === "mean";
  const divisor = mean ? bx * by : 1;
  const round = mean && !(dst instanceof Float32Array || dst instanceof Float64Array);
  const totals = new Float64Array(to.nx);
  for (let c = 0; c < to.colours; c++) {
    for (let oy = 0; oy < to.ny; oy++) {
      totals.fill(0);
      for (let j = 0; j < by; j++) {
        let k = c * from.cStride + region.x * from.xStride + (region.y + oy * by + j) * from.yStride;
        for (let ox = 0; ox < to.nx; ox++) {
          let t = 0;
          for (let i = 0; i < bx; i++, k += from.xStride) t += src[k];
          totals[ox] += t;
        }
      }
      for (let ox = 0, o = c * to.cStride + oy * to.yStride; ox < to.nx; ox++, o += to.xStride) {
        const v = totals[ox] / divisor;
        dst[o] = round ? Math.round(v) : v;
      }
    }
  }
}

/** {@link binPixels} for 64-bit integers: exact BigInt totals; a mean rounds halves upwards. */
function binBigints(
  src: BigInt64Array | BigUint64Array,
  from: ImageLayout,
  dst: BigInt64Array | BigUint64Array,
  to: ImageLayout,
  { region, bx, by, binning }: BinPlan,
): void {
  const n = BigInt(bx * by);
  for (let c = 0; c < to.colours; c++) {
    for (let oy = 0; oy < to.ny; oy++) {
      for (let ox = 0; ox < to.nx; ox++) {
        const corner = c * from.cStride + (region.x + ox * bx) * from.xStride +
          (region.y + oy * by) * from.yStride;
        let t = 0n;
        for (let j = 0; j < by; j++) {
          for (let i = 0, k = corner + j * from.yStride; i < bx; i++, k += from.xStride) t += src[k];
        }
        dst[c * to.cStride + ox * to.xStride + oy * to.yStride] = binning === "sum" ? t : meanHalfUp(t, n);
      }
    }
  }
}

/** t / n to the nearest integer, halves upwards: floor((2t + n) / 2n), with floor division for negative totals. */
function meanHalfUp(t: bigint, n: bigint): bigint {
  const num = 2n * t + n;
  const q = num / (2n * n);
  return num < 0n && q * 2n * n !== num ? q - 1n : q;
}

/** Crops and bins every frame (see the module documentation for the arguments). */
export class RoiProcessor implements Processor {
  /** Frames cropped and the latest output's size. */
  readonly statsTypes = { nFrames: "ulong", width: "uint", height: "uint" } as const;
  /** Frames always. */
  readonly outputType = "frame";
  #options: RoiOptions = {};
  #nFrames = 0;
  #width = 0;
  #height = 0;

  /**
   * Reads `x`, `y`, `width`, `height`, `bx`, `by`, `binning` ({@link roiOptions}); absent keys keep
   * their value, and nothing changes when one is invalid.
   */
  configure(args: ProcessorArgs): void {
    this.#options = roiOptions(args, this.#options);
  }

  /**
   * Crops and bins one frame.
   * @returns the cropped and binned frame, with the source's uniqueId and time stamps
   */
  process(frame: Frame): Frame {
    const out = cropAndBin(frame, this.#options);
    const layout = imageLayout(out);
    this.#nFrames++;
    this.#width = layout.nx;
    this.#height = layout.ny;
    return out;
  }

  /** Frames cropped and the latest output's width and height. */
  stats(): Record<string, number> {
    return { nFrames: this.#nFrames, width: this.#width, height: this.#height };
  }

  /** Forgets the frames seen. */
  resetStats(): void {
    this.#nFrames = this.#width = this.#height = 0;
  }
}

// `deno run -A processors/roi.ts --input-channel ... --processor-args '{"width": 64}'` runs a consumer.
if (import.meta.main) await processorMain(import.meta.url, { className: "RoiProcessor" });
