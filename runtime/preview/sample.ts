/**
 * Point-sampling a frame down to at most `maxSize` pixels on its long side: one source pixel per preview
 * pixel, so the cost follows the preview's size and not the frame's (a 16 MiB frame costs what a 64 KiB one
 * does). The result is a small frame of the same element type that owns its pixels: a consumer can keep it
 * after the original's buffer has moved on to the processor.
 *
 * @module
 */
import { ARRAY_CONSTRUCTORS, type NumericArray, type NumericType } from "../../protocol/pvdata/types.ts";

/** The frame a sampled frame was taken from. */
export interface SampledFrom {
  /** Its width in pixels. */
  width: number;
  /** Its height in pixels. */
  height: number;
  /** Its ColorMode. */
  colorMode: number;
  /** Bytes of its pixels. */
  byteLength: number;
}

/**
 * What a preview is made from: the pixels in NTNDArray order (dimension 0 fastest) and the NTNDArray
 * dimensions, as the processor contract's `Frame` has them (`shape`). Other fields are ignored.
 */
export interface FrameLike {
  /** The pixels (uncompressed). */
  readonly data: NumericArray;
  /** Dimension sizes, fastest first: [nx, ny] mono, [3, nx, ny] RGB1, [nx, 3, ny] RGB2, [nx, ny, 3] RGB3. */
  readonly shape: readonly number[];
  /** areaDetector ColorMode: 0 mono (also when absent), 2 RGB1, 3 RGB2, 4 RGB3. */
  readonly colorMode?: number;
  /** Compression; frames whose codec has a name are not previewed. */
  readonly codec?: { readonly name: string };
  /** Set by {@link sampleFrame}: the frame this one was sampled from. */
  readonly sampledFrom?: SampledFrom;
}

/** A frame that cannot be previewed; the message names what is wrong with it. */
export class PreviewError extends Error {
  /**
   * An error about a frame.
   * @param message what is wrong with the frame
   */
  constructor(message: string) {
    super(message);
    this.name = "PreviewError";
  }
}

/** Where pixel (x, y) channel c lives: `x * xStride + y * yStride + c * cStride`. */
interface Layout {
  width: number;
  height: number;
  channels: 1 | 3;
  xStride: number;
  yStride: number;
  cStride: number;
  elements: number;
}

/** Which dimension holds the three colours, per ColorMode. */
const COLOR_AXIS: Readonly<Record<number, number>> = { 2: 0, 3: 1, 4: 2 };

function layoutOf(shape: readonly number[], colorMode: number): Layout {
  for (const [i, d] of shape.entries()) {
    if (!Number.isInteger(d) || d < 1) throw new PreviewError(`dimension ${i} has size ${d}`);
  }
  const strides = shape.map((_, i) => shape.slice(0, i).reduce((a, b) => a * b, 1));
  const elements = shape.reduce((a, b) => a * b, 1);
  if (colorMode === 0) {
    if (shape.length < 1 || shape.length > 2) {
      throw new PreviewError(`a mono frame has 1 or 2 dimensions, not ${shape.length}`);
    }
    const [width, height = 1] = shape;
    return { width, height, channels: 1, xStride: 1, yStride: width, cStride: 0, elements };
  }
  const axis = COLOR_AXIS[colorMode];
  if (axis === undefined) throw new PreviewError(`ColorMode ${colorMode} is not mono (0) or RGB (2, 3, 4)`);
  if (shape.length !== 3 || shape[axis] !== 3) {
    throw new PreviewError(
      `ColorMode ${colorMode} needs 3 dimensions with 3 colours in dimension ${axis}, not [${
        shape.join(", ")
      }]`,
    );
  }
  const [xAxis, yAxis] = [0, 1, 2].filter((i) => i !== axis);
  return {
    width: shape[xAxis],
    height: shape[yAxis],
    channels: 3,
    xStride: strides[xAxis],
    yStride: strides[yAxis],
    cStride: strides[axis],
    elements,
  };
}

/**
 * The element type of `data`, e.g. "uint16".
 * @throws {PreviewError} when `data` is not a numeric typed array
 */
export function dtypeOf(data: NumericArray): NumericType {
  for (const [name, ctor] of Object.entries(ARRAY_CONSTRUCTORS)) {
    if (data instanceof ctor) return name as NumericType;
  }
  throw new PreviewError("the frame's data is not a numeric typed array");
}

/** Source coordinate of each of `out` preview pixels along an axis of `size` pixels (pixel centres). */
function samplePositions(size: number, out: number): Int32Array {
  const at = new Int32Array(out);
  for (let i = 0; i < out; i++) at[i] = Math.min(size - 1, Math.floor(((i + 0.5) * size) / out));
  return at;
}

/** Options of {@link sampleFrame}. */
export interface SampleOptions {
  /** Longest side in pixels (256); smaller frames keep their size. */
  maxSize?: number;
}

/**
 * Samples `frame` down to at most `maxSize` pixels on its long side; RGB frames come back as RGB1
 * (ColorMode 2, shape [3, width, height]), mono frames as [width, height].
 * @throws {PreviewError} when the frame is compressed, its dimensions do not fit its ColorMode, or its data
 * is shorter than they say
 * @throws {RangeError} when `maxSize` is not a positive integer
 * @example
 * ```ts
 * import { sampleFrame } from "./sample.ts";
 * const small = sampleFrame({ data: new Uint16Array(1024 * 512), shape: [1024, 512] });
 * small.shape; // [256, 128]
 * ```
 */
export function sampleFrame(frame: FrameLike, { maxSize = 256 }: SampleOptions = {}): FrameLike {
  if (!Number.isInteger(maxSize) || maxSize < 1) {
    throw new RangeError(`preview size must be a positive integer, not ${maxSize}`);
  }
  const { data, shape, colorMode = 0, codec } = frame;
  if (codec !== undefined && codec.name !== "") {
    throw new PreviewError(`the frame is compressed (${codec.name}); previews need raw pixels`);
  }
  const dtype = dtypeOf(data);
  const layout = layoutOf(shape, colorMode);
  if (data.length < layout.elements) {
    throw new PreviewError(
      `the frame holds ${data.length} elements but dimensions [${shape.join(", ")}] need ${layout.elements}`,
    );
  }
  const shrink = Math.max(1, Math.max(layout.width, layout.height) / maxSize);
  const width = Math.max(1, Math.min(maxSize, Math.round(layout.width / shrink)));
  const height = Math.max(1, Math.min(maxSize, Math.round(layout.height / shrink)));
  const xs = samplePositions(layout.width, width);
  const ys = samplePositions(layout.height, height);
  const { channels, xStride, yStride, cStride } = layout;
  const out = new ARRAY_CONSTRUCTORS[dtype](width * height * channels);
  // Same element type on both sides: plain element copies, bigint arrays included.
  const from = data as unknown as ArrayLike<number> & { length: number };
  const to = out as unknown as { [i: number]: number };
  let o = 0;
  for (let y = 0; y < height; y++) {
    const row = ys[y] * yStride;
    for (let x = 0; x < width; x++) {
      const base = row + xs[x] * xStride;
      for (let c = 0; c < channels; c++) to[o++] = from[base + c * cStride];
    }
  }
  return {
    data: out,
    shape: channels === 1 ? [width, height] : [3, width, height],
    colorMode: channels === 1 ? 0 : 2,
    sampledFrom: frame.sampledFrom ??
      { width: layout.width, height: layout.height, colorMode, byteLength: data.byteLength },
  };
}
