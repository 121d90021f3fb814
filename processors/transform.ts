/**
 * Rotate, flip and transpose: each frame turned by a multiple of 90 degrees and/or mirrored,
 * colour by colour for RGB frames (the colour mode and its layout stay; the dtype and every
 * sample value stay).
 *
 * Arguments, applied in this order (row 0 is the top of the image, x grows to the right):
 * - `transpose` (false): swap x and y (pixel (x, y) goes to (y, x));
 * - `flipX` (false): mirror left-right (x becomes nx - 1 - x);
 * - `flipY` (false): mirror top-bottom (y becomes ny - 1 - y);
 * - `rotate` (0): 0, 90, 180 or 270 degrees clockwise as displayed (90: the top-left pixel goes
 *   to the top-right corner).
 *
 * The combination is computed once: every frame is copied in one pass whatever the arguments.
 * User statistics: `nFrames`.
 *
 * @module
 */
// Not ../mod.ts: that pulls in the HTTP API and its npm packages, which a child-process sandbox
// (--processor-isolation process, run with --no-npm) cannot load.
import {
  booleanArg,
  choiceArg,
  contiguousLayout,
  copyPixels,
  type Frame,
  imageLayout,
  newPixels,
  type PixelMap,
  type Processor,
  type ProcessorArgs,
  processorMain,
  replacePixels,
} from "../runtime/processor/mod.ts";

/** The arguments of {@link TransformProcessor}. */
export interface TransformOptions {
  /** Swap x and y first. */
  transpose?: boolean;
  /** Then mirror left-right. */
  flipX?: boolean;
  /** Then mirror top-bottom. */
  flipY?: boolean;
  /** Then turn clockwise by this many degrees. */
  rotate?: 0 | 90 | 180 | 270;
}

/**
 * One of the eight symmetries of a rectangle, as where source pixel (x, y) lands: first (x, y)
 * or, with `swap`, (y, x); then the first coordinate mirrored if `flipU`, the second if `flipV`.
 */
interface Symmetry {
  swap: boolean;
  flipU: boolean;
  flipV: boolean;
}

const IDENTITY: Symmetry = { swap: false, flipU: false, flipV: false };
const TRANSPOSE: Symmetry = { swap: true, flipU: false, flipV: false };
const FLIP_X: Symmetry = { swap: false, flipU: true, flipV: false };
const FLIP_Y: Symmetry = { swap: false, flipU: false, flipV: true };
const ROTATIONS: Record<0 | 90 | 180 | 270, Symmetry> = {
  0: IDENTITY,
  90: { swap: true, flipU: true, flipV: false }, // (x, y) -> (ny - 1 - y, x)
  180: { swap: false, flipU: true, flipV: true },
  270: { swap: true, flipU: false, flipV: true }, // (x, y) -> (y, nx - 1 - x)
};

/** `b` applied after `a`. */
function then(a: Symmetry, b: Symmetry): Symmetry {
  return {
    swap: a.swap !== b.swap,
    flipU: b.flipU !== (b.swap ? a.flipV : a.flipU),
    flipV: b.flipV !== (b.swap ? a.flipU : a.flipV),
  };
}

function symmetryOf(o: TransformOptions): Symmetry {
  let s = IDENTITY;
  if (o.transpose) s = then(s, TRANSPOSE);
  if (o.flipX) s = then(s, FLIP_X);
  if (o.flipY) s = then(s, FLIP_Y);
  return then(s, ROTATIONS[o.rotate ?? 0]);
}

/**
 * Transform options read from processor arguments, each absent one taken from `base`.
 * @param args the arguments (or options to check)
 * @param base the values of absent arguments
 * @throws {ProcessorArgError} naming an argument of the wrong type or value
 * @example
 * ```ts
 * import { transformOptions } from "./transform.ts";
 * transformOptions({ rotate: 90 }, { flipX: true }).flipX; // true
 * ```
 */
export function transformOptions(args: ProcessorArgs, base: TransformOptions = {}): TransformOptions {
  return {
    transpose: booleanArg(args, "transpose") ?? base.transpose,
    flipX: booleanArg(args, "flipX") ?? base.flipX,
    flipY: booleanArg(args, "flipY") ?? base.flipY,
    rotate: choiceArg(args, "rotate", [0, 90, 180, 270] as const) ?? base.rotate,
  };
}

/**
 * The frame transposed, flipped and rotated as the options say, in one copy.
 * @param frame an uncompressed frame, mono or RGB
 * @param options what to apply (in the order transpose, flipX, flipY, rotate)
 * @throws {ImageLayoutError} when the frame is compressed or its shape does not fit its colour mode
 * @throws {ProcessorArgError} when an option is of the wrong type or value
 * @example
 * ```ts
 * import { frameFromNTNDArray, ntNDArray } from "../mod.ts";
 * import { transformFrame } from "./transform.ts";
 * // a b / c d, turned clockwise: c a / d b
 * const frame = frameFromNTNDArray(ntNDArray({ data: new Uint8Array([1, 2, 3, 4]), dims: [2, 2] }));
 * [...transformFrame(frame, { rotate: 90 }).data]; // [3, 1, 4, 2]
 * ```
 */
export function transformFrame(frame: Frame, options: TransformOptions): Frame {
  const from = imageLayout(frame);
  const s = symmetryOf(transformOptions({ ...options }));
  const [nx, ny] = s.swap ? [from.ny, from.nx] : [from.nx, from.ny];
  const to = contiguousLayout(from.colorMode, nx, ny);
  // Destination (u, v) comes from the source pixel whose image it is: undo the flips, then the swap.
  const [u0, su] = s.flipU ? [nx - 1, -1] : [0, 1];
  const [v0, sv] = s.flipV ? [ny - 1, -1] : [0, 1];
  const map: PixelMap = s.swap
    ? { x0: v0, xu: 0, xv: sv, y0: u0, yu: su, yv: 0 }
    : { x0: u0, xu: su, xv: 0, y0: v0, yu: 0, yv: sv };
  const data = newPixels(frame.dtype, to);
  copyPixels(frame.data, from, data, to, { x: 0, y: 0, width: nx, height: ny }, map);
  return replacePixels(frame, data, to.shape);
}

/** Transposes, flips and rotates every frame (see the module documentation for the arguments). */
export class TransformProcessor implements Processor {
  /** Frames transformed. */
  readonly statsTypes = { nFrames: "ulong" } as const;
  /** Frames always. */
  readonly outputType = "frame";
  #options: TransformOptions = {};
  #nFrames = 0;

  /** Reads `transpose`, `flipX`, `flipY`, `rotate`; absent keys keep their value, an invalid one changes nothing. */
  configure(args: ProcessorArgs): void {
    this.#options = transformOptions(args, this.#options);
  }

  /**
   * Transforms one frame.
   * @returns the transformed frame, with the source's uniqueId and time stamps
   */
  process(frame: Frame): Frame {
    const out = transformFrame(frame, this.#options);
    this.#nFrames++;
    return out;
  }

  /** Frames transformed. */
  stats(): Record<string, number> {
    return { nFrames: this.#nFrames };
  }

  /** Forgets the frames seen. */
  resetStats(): void {
    this.#nFrames = 0;
  }
}

// `deno run -A processors/transform.ts --input-channel ... --processor-args '{"rotate": 90}'` runs a consumer.
if (import.meta.main) await processorMain(import.meta.url, { className: "TransformProcessor" });
