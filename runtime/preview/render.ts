/**
 * A frame's preview as RGBA pixels: sampled down (see `sample.ts`), then auto-scaled from the smallest to the
 * largest finite value. Mono frames go through the viridis colour map, RGB frames (areaDetector ColorMode 2,
 * 3, 4) keep their colours, all three channels on one scale.
 *
 * @module
 */
import type { NumericType } from "../../protocol/pvdata/types.ts";
import { VIRIDIS } from "./colormap.ts";
import { dtypeOf, type FrameLike, sampleFrame, type SampleOptions } from "./sample.ts";

/** What the page draws, with what it needs to label it. */
export interface PreviewImage {
  /** Preview width in pixels. */
  width: number;
  /** Preview height in pixels. */
  height: number;
  /** `width * height` RGBA pixels, row by row from the top. */
  rgba: Uint8ClampedArray<ArrayBuffer>;
  /** The frame's width (of the original, for a frame that was sampled already). */
  sourceWidth: number;
  /** The frame's height (likewise). */
  sourceHeight: number;
  /** Element type of the frame, e.g. "uint16". */
  dtype: NumericType;
  /** The frame's ColorMode (likewise). */
  colorMode: number;
  /** Bytes of the frame's pixels (likewise). */
  frameBytes: number;
  /** Sampled value drawn as the lowest colour (NaN when no sampled value is finite). */
  min: number;
  /** Sampled value drawn as the highest colour (NaN when no sampled value is finite). */
  max: number;
}

/** Options of {@link renderPreview}. */
export type RenderOptions = SampleOptions;

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

/** 0..255 for `v` in [min, min + span], clamped; -1 for NaN (drawn black). */
function level(v: number, min: number, span: number): number {
  if (Number.isNaN(v)) return -1;
  if (span === 0) return 0;
  const l = Math.round(((v - min) * 255) / span);
  return l < 0 ? 0 : l > 255 ? 255 : l;
}

/**
 * Renders the preview of `frame`.
 * @throws {PreviewError} as {@link sampleFrame} does
 * @example
 * ```ts
 * import { renderPreview } from "./render.ts";
 * const image = renderPreview({ data: new Uint16Array(1024 * 512), shape: [1024, 512] });
 * [image.width, image.height]; // [256, 128]
 * ```
 */
export function renderPreview(frame: FrameLike, options: RenderOptions = {}): PreviewImage {
  const small = sampleFrame(frame, options);
  const [width, height] = small.colorMode === 0 ? small.shape : small.shape.slice(1);
  const values = new Float64Array(small.data.length);
  if (small.data instanceof BigInt64Array || small.data instanceof BigUint64Array) {
    for (let i = 0; i < values.length; i++) values[i] = Number(small.data[i]);
  } else {
    values.set(small.data);
  }
  const [min, max] = finiteRange(values);
  const span = max > min ? max - min : 0;
  const rgba = new Uint8ClampedArray(width * height * 4);
  const mono = small.colorMode === 0;
  for (let p = 0, o = 0; p < width * height; p++, o += 4) {
    if (mono) {
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
  const source = small.sampledFrom!;
  return {
    width,
    height,
    rgba,
    sourceWidth: source.width,
    sourceHeight: source.height,
    dtype: dtypeOf(small.data),
    colorMode: source.colorMode,
    frameBytes: source.byteLength,
    min,
    max,
  };
}
