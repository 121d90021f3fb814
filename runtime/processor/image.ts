/**
 * Image geometry for processors: where sample c of pixel (x, y) lies in a frame's pixels in each
 * colour mode ({@link imageLayout}), the layout of a new image in the same mode
 * ({@link contiguousLayout}), a strided copy that crops, rotates, flips and pastes with one inner
 * loop per row and colour ({@link copyPixels}), and a frame holding new pixels
 * ({@link replacePixels}).
 *
 * @module
 */
import { ARRAY_CONSTRUCTORS } from "../../protocol/pvdata/mod.ts";
import { dtypeOf } from "./frame.ts";
import type { DType, Frame, FrameData, FrameDataOf } from "./types.ts";

/** A frame that is not an image a geometric processor can work on (compressed, shape vs colour mode). */
export class ImageLayoutError extends Error {
  /**
   * Says what is wrong.
   * @param message what is wrong with the frame
   */
  constructor(message: string) {
    super(message);
    this.name = "ImageLayoutError";
  }
}

/** Where the samples of an image lie: sample c of pixel (x, y) is `data[c * cStride + x * xStride + y * yStride]`. */
export interface ImageLayout {
  /** areaDetector colour mode: 0 mono, 2 RGB1, 3 RGB2, 4 RGB3. */
  readonly colorMode: number;
  /** Pixels per row. */
  readonly nx: number;
  /** Rows. */
  readonly ny: number;
  /** Samples per pixel: 1 for mono, 3 for colour. */
  readonly colours: 1 | 3;
  /** Distance between horizontally adjacent pixels. */
  readonly xStride: number;
  /** Distance between vertically adjacent pixels. */
  readonly yStride: number;
  /** Distance between the colours of a pixel (0 for mono). */
  readonly cStride: number;
  /** The frame shape of this layout, x first. */
  readonly shape: number[];
}

/**
 * The layout of an `nx` × `ny` image in `colorMode`, samples packed as areaDetector packs them:
 * mono `[nx, ny]`, RGB1 `[3, nx, ny]`, RGB2 `[nx, 3, ny]`, RGB3 `[nx, ny, 3]`.
 * @param colorMode 0 (or 1, Bayer: one sample per pixel), 2, 3 or 4
 * @param nx pixels per row
 * @param ny rows
 * @throws {ImageLayoutError} for another colour mode
 * @example
 * ```ts
 * import { contiguousLayout } from "./image.ts";
 * contiguousLayout(3, 4, 2).shape; // [4, 3, 2]
 * ```
 */
export function contiguousLayout(colorMode: number, nx: number, ny: number): ImageLayout {
  const mono = { colorMode, nx, ny, colours: 1, cStride: 0 } as const;
  switch (colorMode) {
    case 0:
    case 1:
      return { ...mono, xStride: 1, yStride: nx, shape: [nx, ny] };
    case 2:
      return { colorMode, nx, ny, colours: 3, cStride: 1, xStride: 3, yStride: 3 * nx, shape: [3, nx, ny] };
    case 3:
      return { colorMode, nx, ny, colours: 3, cStride: nx, xStride: 1, yStride: 3 * nx, shape: [nx, 3, ny] };
    case 4:
      return { colorMode, nx, ny, colours: 3, cStride: nx * ny, xStride: 1, yStride: nx, shape: [nx, ny, 3] };
  }
  throw new ImageLayoutError(`colour mode ${colorMode} is not mono (0, 1) or RGB1-3 (2, 3, 4)`);
}

/**
 * The layout of a frame's pixels, from its colour mode and shape. A mono frame has one or two
 * dimensions (one: a single row); a colour frame three, with 3 where its mode puts the colours.
 * @param frame the frame, uncompressed
 * @throws {ImageLayoutError} when the frame is compressed, its shape does not fit its colour
 * mode, or the shape does not match the number of samples
 * @example
 * ```ts
 * import { imageLayout } from "./image.ts";
 * const frame = { colorMode: 2, shape: [3, 4, 2], data: new Uint8Array(24), codec: { name: "" } };
 * imageLayout(frame).xStride; // 3
 * ```
 */
export function imageLayout(
  frame: Pick<Frame, "colorMode" | "shape" | "data"> & { codec?: { name: string } },
): ImageLayout {
  const { colorMode, shape } = frame;
  if (frame.codec?.name) {
    throw new ImageLayoutError(
      `frame is compressed (${frame.codec.name}): decompress it first (consumers do, unless --keep-compressed)`,
    );
  }
  const fail = (why: string) => new ImageLayoutError(`shape [${shape.join(", ")}]: ${why}`);
  const samples = shape.reduce((a, b) => a * b, 1);
  if (shape.length === 0 || samples !== frame.data.length) {
    throw fail(`does not describe the frame's ${frame.data.length} samples`);
  }
  const colour = colorMode >= 2 && colorMode <= 4;
  if (!colour) {
    if (shape.length > 2) throw fail(`a mono frame (colour mode ${colorMode}) has one or two dimensions`);
    return contiguousLayout(colorMode, shape[0], shape[1] ?? 1);
  }
  const axis = colorMode - 2; // RGB1 puts the colours first, RGB2 second, RGB3 third
  if (shape.length !== 3 || shape[axis] !== 3) {
    throw fail(`colour mode ${colorMode} needs three dimensions with 3 colours at position ${axis}`);
  }
  const [nx, ny] = shape.filter((_, i) => i !== axis);
  return contiguousLayout(colorMode, nx, ny);
}

/** A rectangle of pixels: its top-left corner and its size. */
export interface PixelRegion {
  /** Column of the first pixel. */
  x: number;
  /** Row of the first pixel. */
  y: number;
  /** Pixels per row. */
  width: number;
  /** Rows. */
  height: number;
}

/**
 * Which source pixel goes to pixel (u, v) of the destination region (u, v counted from its
 * corner): source x = `x0 + u * xu + v * xv`, source y = `y0 + u * yu + v * yv`. A crop is
 * `{ x0, y0, xu: 1, xv: 0, yu: 0, yv: 1 }`; a transpose swaps the roles of u and v.
 */
export interface PixelMap {
  /** Source x of the region's first pixel. */
  x0: number;
  /** Source y of the region's first pixel. */
  y0: number;
  /** Source x step per destination column. */
  xu: number;
  /** Source x step per destination row. */
  xv: number;
  /** Source y step per destination column. */
  yu: number;
  /** Source y step per destination row. */
  yv: number;
}

/** The identity map from a source corner: a crop, or a paste of a whole tile. */
export function shiftMap(x0: number, y0: number): PixelMap {
  return { x0, y0, xu: 1, xv: 0, yu: 0, yv: 1 };
}

/**
 * Copies every colour of the pixels `map` names into `region` of the destination: one loop per
 * row and colour, a block copy when both sides step by one.
 * @param src source samples
 * @param from layout of `src`
 * @param dst destination samples, of the same dtype
 * @param to layout of `dst`, with as many colours as `from`
 * @param region the destination rectangle
 * @param map where each destination pixel comes from
 * @throws {RangeError} when the region or its source falls outside an image
 * @example Crop 2 × 1 pixels at (1, 1) of a 3 × 2 image
 * ```ts
 * import { contiguousLayout, copyPixels, shiftMap } from "./image.ts";
 * const src = new Uint8Array([0, 1, 2, 3, 4, 5]);
 * const dst = new Uint8Array(2);
 * copyPixels(src, contiguousLayout(0, 3, 2), dst, contiguousLayout(0, 2, 1),
 *   { x: 0, y: 0, width: 2, height: 1 }, shiftMap(1, 1)); // dst is [4, 5]
 * ```
 */
export function copyPixels(
  src: FrameData,
  from: ImageLayout,
  dst: FrameData,
  to: ImageLayout,
  region: PixelRegion,
  map: PixelMap,
): void {
  checkCopy(from, to, region, map);
  // One element type on both sides: indexing as Float64Array only satisfies the compiler.
  const s = src as Float64Array;
  const d = dst as Float64Array;
  const step = map.xu * from.xStride + map.yu * from.yStride;
  if (wholePixelRows(from, to, step)) {
    // Pixel-interleaved (RGB1) rows read in order: each row of whole pixels is one run.
    const run = region.width * from.xStride;
    for (let v = 0; v < region.height; v++) {
      const i = (map.x0 + v * map.xv) * from.xStride + (map.y0 + v * map.yv) * from.yStride;
      d.set(s.subarray(i, i + run), region.x * to.xStride + (region.y + v) * to.yStride);
    }
    return;
  }
  const rows = step === 1 && to.xStride === 1;
  // A source read down its columns (a rotation, a transpose) is copied in bands of columns, so that
  // the cache lines a band reads serve the next rows too (docs/processors.md, Speed).
  const band = Math.abs(step) === from.xStride ? region.width : STRIDED_BAND;
  for (let c = 0; c < from.colours; c++) {
    for (let u0 = 0; u0 < region.width; u0 += band) {
      const n = Math.min(band, region.width - u0);
      for (let v = 0; v < region.height; v++) {
        let i = c * from.cStride + (map.x0 + v * map.xv) * from.xStride +
          (map.y0 + v * map.yv) * from.yStride +
          u0 * step;
        let o = c * to.cStride + (region.x + u0) * to.xStride + (region.y + v) * to.yStride;
        if (rows) d.set(s.subarray(i, i + n), o);
        else for (let u = 0; u < n; u++, i += step, o += to.xStride) d[o] = s[i];
      }
    }
  }
}

/** True when both sides keep a pixel's colours side by side and the source is read along its rows. */
function wholePixelRows(from: ImageLayout, to: ImageLayout, step: number): boolean {
  return from.cStride === 1 && to.cStride === 1 && from.xStride === from.colours &&
    to.xStride === from.xStride &&
    step === from.xStride;
}

/** Columns per band of a strided copy: a band's cache lines fit in L1 with room to spare. */
const STRIDED_BAND = 32;

function checkCopy(from: ImageLayout, to: ImageLayout, r: PixelRegion, m: PixelMap): void {
  if (from.colours !== to.colours) {
    throw new RangeError(`copy from ${from.colours} colours to ${to.colours}`);
  }
  if (r.width <= 0 || r.height <= 0) return;
  const inside = (x: number, y: number, l: ImageLayout) => x >= 0 && y >= 0 && x < l.nx && y < l.ny;
  if (!inside(r.x, r.y, to) || !inside(r.x + r.width - 1, r.y + r.height - 1, to)) {
    throw new RangeError(`region ${JSON.stringify(r)} is outside the ${to.nx} x ${to.ny} destination`);
  }
  // The map is affine: its four corners bound every source pixel.
  for (const [u, v] of [[0, 0], [r.width - 1, 0], [0, r.height - 1], [r.width - 1, r.height - 1]]) {
    const x = m.x0 + u * m.xu + v * m.xv;
    const y = m.y0 + u * m.yu + v * m.yv;
    if (!inside(x, y, from)) {
      throw new RangeError(`source pixel (${x}, ${y}) is outside the ${from.nx} x ${from.ny} source`);
    }
  }
}

/**
 * A new zeroed pixel array for `layout` in `dtype`.
 * @example
 * ```ts
 * import { contiguousLayout, newPixels } from "./image.ts";
 * newPixels("uint16", contiguousLayout(2, 4, 4)).length; // 48
 * ```
 */
export function newPixels<D extends DType>(dtype: D, layout: ImageLayout): FrameDataOf[D] {
  return new ARRAY_CONSTRUCTORS[dtype](layout.colours * layout.nx * layout.ny) as FrameDataOf[D];
}

/**
 * `frame` with other pixels: its dtype from `data`, the given shape, uncompressed; the uniqueId,
 * time stamps and attributes stay.
 * @example
 * ```ts
 * import { contiguousLayout, replacePixels } from "./image.ts";
 * import { frameFromNTNDArray } from "./frame.ts";
 * import { ntNDArray } from "../../protocol/nt/mod.ts";
 * const frame = frameFromNTNDArray(ntNDArray({ data: new Uint8Array(16), dims: [4, 4], uniqueId: 7 }));
 * const half = replacePixels(frame, new Float32Array(8), contiguousLayout(0, 4, 2).shape);
 * [half.dtype, half.shape, half.uniqueId]; // ["float32", [4, 2], 7]
 * ```
 */
export function replacePixels(frame: Frame, data: FrameData, shape: readonly number[]): Frame {
  return {
    ...frame,
    data,
    dtype: dtypeOf(data),
    shape: [...shape],
    codec: { name: "", parameters: { type: null, value: null } },
    uncompressedSize: data.byteLength,
  } as Frame;
}
