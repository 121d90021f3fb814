/**
 * A frame's preview: a downsampled, auto-scaled RGBA image of at most `maxSize` pixels on its long side.
 * Pixels are point-sampled (one source pixel per preview pixel), so the cost follows the preview's size and
 * not the frame's: a 16 MiB frame costs what a 64 KiB one does. Mono frames go through the viridis colour
 * map, RGB frames (areaDetector ColorMode 2, 3, 4) keep their colours; both are scaled from the smallest to
 * the largest finite sampled value.
 *
 * @module
 */
import { ARRAY_CONSTRUCTORS, type NumericArray, type NumericType } from "../../mod.ts";
import { VIRIDIS } from "./colormap.ts";

/**
 * What a preview is made from: the pixels in NTNDArray order (dimension 0 fastest) and the NTNDArray
 * dimensions. A decoded NTNDArray (`readNTNDArray`) and the simulator's frames have this shape.
 */
export interface FrameLike {
  /** The pixels (uncompressed). */
  readonly data: NumericArray;
  /** NTNDArray dimension sizes, fastest-varying first: [nx, ny] mono, [3, nx, ny] RGB1, [nx, 3, ny] RGB2, [nx, ny, 3] RGB3. */
  readonly dims: readonly number[];
  /** areaDetector ColorMode: 0 mono (also when absent), 2 RGB1, 3 RGB2, 4 RGB3. */
  readonly colorMode?: number;
}

/** What the page draws, with what it needs to label it. */
export interface PreviewImage {
  /** Preview width in pixels. */
  width: number;
  /** Preview height in pixels. */
  height: number;
  /** `width * height` RGBA pixels, row by row from the top. */
  rgba: Uint8ClampedArray<ArrayBuffer>;
  /** The frame's width. */
  sourceWidth: number;
  /** The frame's height. */
  sourceHeight: number;
  /** Element type of the frame, e.g. "uint16". */
  dtype: NumericType;
  /** The frame's ColorMode. */
  colorMode: number;
  /** Sampled value drawn as the lowest colour (NaN when no sampled value is finite). */
  min: number;
  /** Sampled value drawn as the highest colour (NaN when no sampled value is finite). */
  max: number;
}

/** Options of {@link renderPreview}. */
export interface RenderOptions {
  /** Longest side of the preview in pixels (256); smaller frames keep their size. */
  maxSize?: number;
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

/** Which NTNDArray dimension holds the three colours, per ColorMode. */
const COLOR_AXIS: Readonly<Record<number, number>> = { 2: 0, 3: 1, 4: 2 };

function layoutOf(dims: readonly number[], colorMode: number): Layout {
  for (const [i, d] of dims.entries()) {
    if (!Number.isInteger(d) || d < 1) throw new PreviewError(`dimension ${i} has size ${d}`);
  }
  const strides = dims.map((_, i) => dims.slice(0, i).reduce((a, b) => a * b, 1));
  const elements = dims.reduce((a, b) => a * b, 1);
  if (colorMode === 0) {
    if (dims.length < 1 || dims.length > 2) {
      throw new PreviewError(`a mono frame has 1 or 2 dimensions, not ${dims.length}`);
    }
    const [width, height = 1] = dims;
    return { width, height, channels: 1, xStride: 1, yStride: width, cStride: 0, elements };
  }
  const axis = COLOR_AXIS[colorMode];
  if (axis === undefined) throw new PreviewError(`ColorMode ${colorMode} is not mono (0) or RGB (2, 3, 4)`);
  if (dims.length !== 3 || dims[axis] !== 3) {
    throw new PreviewError(
      `ColorMode ${colorMode} needs 3 dimensions with 3 colours in dimension ${axis}, not [${
        dims.join(", ")
      }]`,
    );
  }
  const [xAxis, yAxis] = [0, 1, 2].filter((i) => i !== axis);
  return {
    width: dims[xAxis],
    height: dims[yAxis],
    channels: 3,
    xStride: strides[xAxis],
    yStride: strides[yAxis],
    cStride: strides[axis],
    elements,
  };
}

function dtypeOf(data: NumericArray): NumericType {
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

/** The sampled values, row by row, channels innermost. */
function sample(data: NumericArray, layout: Layout, xs: Int32Array, ys: Int32Array): Float64Array {
  const { channels, xStride, yStride, cStride } = layout;
  const values = new Float64Array(xs.length * ys.length * channels);
  const big = data instanceof BigInt64Array || data instanceof BigUint64Array;
  let o = 0;
  for (const y of ys) {
    const row = y * yStride;
    for (const x of xs) {
      const base = row + x * xStride;
      for (let c = 0; c < channels; c++) {
        const v = data[base + c * cStride];
        values[o++] = big ? Number(v) : v as number;
      }
    }
  }
  return values;
}

function finiteRange(values: Float64Array): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // Infinities would flatten everything else to one colour; NaN never passes the comparisons above.
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    min = Infinity;
    max = -Infinity;
    for (const v of values) {
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return min <= max ? [min, max] : [NaN, NaN];
}

/** 0..255 for `v` in [min, max], clamped; -1 for NaN (drawn black). */
function level(v: number, min: number, span: number): number {
  if (Number.isNaN(v)) return -1;
  if (span === 0) return 0;
  const l = Math.round(((v - min) * 255) / span);
  return l < 0 ? 0 : l > 255 ? 255 : l;
}

/**
 * Renders the preview of `frame`.
 * @throws {PreviewError} when the dimensions do not fit the ColorMode or the data is shorter than they say
 * @example
 * ```ts
 * import { renderPreview } from "./render.ts";
 * const image = renderPreview({ data: new Uint16Array(1024 * 512), dims: [1024, 512] });
 * [image.width, image.height]; // [256, 128]
 * ```
 */
export function renderPreview(frame: FrameLike, { maxSize = 256 }: RenderOptions = {}): PreviewImage {
  if (!Number.isInteger(maxSize) || maxSize < 1) {
    throw new RangeError(`preview size must be a positive integer, not ${maxSize}`);
  }
  const { data, dims, colorMode = 0 } = frame;
  const dtype = dtypeOf(data);
  const layout = layoutOf(dims, colorMode);
  if (data.length < layout.elements) {
    throw new PreviewError(
      `the frame holds ${data.length} elements but dimensions [${dims.join(", ")}] need ${layout.elements}`,
    );
  }
  const shrink = Math.max(1, Math.max(layout.width, layout.height) / maxSize);
  const width = Math.max(1, Math.min(maxSize, Math.round(layout.width / shrink)));
  const height = Math.max(1, Math.min(maxSize, Math.round(layout.height / shrink)));
  const values = sample(
    data,
    layout,
    samplePositions(layout.width, width),
    samplePositions(layout.height, height),
  );
  const [min, max] = finiteRange(values);
  const span = max > min ? max - min : 0;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let p = 0, o = 0; p < width * height; p++, o += 4) {
    if (layout.channels === 1) {
      const l = level(values[p], min, span);
      if (l >= 0) {
        rgba[o] = VIRIDIS[l * 3];
        rgba[o + 1] = VIRIDIS[l * 3 + 1];
        rgba[o + 2] = VIRIDIS[l * 3 + 2];
      }
    } else {
      for (let c = 0; c < 3; c++) rgba[o + c] = Math.max(0, level(values[p * 3 + c], min, span));
    }
    rgba[o + 3] = 255;
  }
  return {
    width,
    height,
    rgba,
    sourceWidth: layout.width,
    sourceHeight: layout.height,
    dtype,
    colorMode,
    min,
    max,
  };
}
