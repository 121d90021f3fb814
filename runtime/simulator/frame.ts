/**
 * Frames and where they come from: a {@link FrameSource} numbers its distinct frames 0..count-1; the
 * generated, .npy and raw sources implement it, and the cache decides which one is published next.
 *
 * @module
 */
import type { NumericArray } from "../../mod.ts";
import type { SimColorMode, SimDatatype } from "./options.ts";

/** One image as published: pixels in wire order (dimension 0 fastest) and its NTNDArray dimensions. */
export interface Frame {
  /** The pixels; the same array is posted every time the frame comes round again. */
  readonly data: NumericArray;
  /** NTNDArray dimension sizes, fastest-varying first ([nx, ny] for mono). */
  readonly dims: readonly number[];
  /** The ColorMode attribute. */
  readonly colorMode: SimColorMode;
}

/** A numbered set of distinct frames. */
export interface FrameSource {
  /** How many distinct frames there are. */
  readonly count: number;
  /** Frame `index` (0 <= index < count); sources may build it on each call. */
  frame(index: number): Frame;
  /** What the frames are, for the start report (e.g. "1000 generated 256x256 uint8 mono frames"). */
  readonly description: string;
}

/** An input file or description that cannot be streamed; the message names the file. */
export class FrameInputError extends Error {
  /**
   * An input error.
   * @param message what is wrong, starting with the file
   */
  constructor(message: string) {
    super(message);
    this.name = "FrameInputError";
  }
}

/** Names of the color modes, as ADCore calls them. */
export const COLOR_MODE_NAMES: Readonly<Record<SimColorMode, string>> = {
  0: "mono",
  2: "RGB1",
  3: "RGB2",
  4: "RGB3",
};

/**
 * NTNDArray dimensions of an nx × ny frame in `colorMode`, as pvapy-ad-sim-server publishes them.
 * @example
 * ```ts
 * import { frameDims } from "./frame.ts";
 * frameDims(640, 480, 3); // [640, 3, 480]
 * ```
 */
export function frameDims(nx: number, ny: number, colorMode: SimColorMode): number[] {
  switch (colorMode) {
    case 0:
      return [nx, ny];
    case 2:
      return [3, nx, ny];
    case 3:
      return [nx, 3, ny];
    case 4:
      return [nx, ny, 3];
  }
}

/** Which dimension holds the three colors (-1 for mono). */
const COLOR_AXIS: Readonly<Record<SimColorMode, number>> = { 0: -1, 2: 0, 3: 1, 4: 2 };

/**
 * How a C-order array of frames splits into frames: a frame is the last 2 axes (mono) or 3 axes (color,
 * with the 3 where the color mode puts it, see {@link frameDims}); one more leading axis counts frames.
 * @param shape the array's shape, slowest axis first (numpy order)
 * @param what the file, for error messages
 * @throws {FrameInputError} when the shape does not fit the color mode
 * @example
 * ```ts
 * import { splitShape } from "./frame.ts";
 * splitShape([10, 480, 640], 0, "a.npy"); // { count: 10, dims: [640, 480] }
 * ```
 */
export function splitShape(
  shape: readonly number[],
  colorMode: SimColorMode,
  what: string,
): { count: number; dims: number[] } {
  const frameRank = colorMode === 0 ? 2 : 3;
  if (shape.length !== frameRank && shape.length !== frameRank + 1) {
    throw new FrameInputError(
      `${what}: shape (${shape.join(", ")}) is not ${frameRank}-D (one frame) or ${
        frameRank + 1
      }-D (frames) for color mode ${colorMode}`,
    );
  }
  const dims = shape.slice(shape.length - frameRank).reverse();
  const axis = COLOR_AXIS[colorMode];
  if (axis >= 0 && dims[axis] !== 3) {
    throw new FrameInputError(
      `${what}: color mode ${colorMode} (${
        COLOR_MODE_NAMES[colorMode]
      }) wants 3 colors in dimension ${axis}, ` +
        `the frame has dimensions [${dims.join(", ")}]`,
    );
  }
  return { count: shape.length === frameRank ? 1 : shape[0], dims };
}

/**
 * The frames stored back to back in one array: frame i is a view of elements i*n..(i+1)*n.
 * @param description what the frames are, for the start report
 */
export function packedFrames(
  data: NumericArray,
  dims: readonly number[],
  colorMode: SimColorMode,
  description: string,
): FrameSource {
  const n = dims.reduce((a, b) => a * b, 1);
  return {
    count: Math.floor(data.length / n),
    description,
    frame: (i) => ({ data: data.subarray(i * n, (i + 1) * n), dims, colorMode }),
  };
}

/** "256x256 uint8 mono" */
export function shapeText(dims: readonly number[], datatype: SimDatatype, colorMode: SimColorMode): string {
  return `${dims.join("x")} ${datatype} ${COLOR_MODE_NAMES[colorMode]}`;
}
