/**
 * Histogram bins for the GPU as exact thresholds. The CPU processor (image_stats.ts) puts a sample
 * v into bin `min(bins - 1, floor((v - lo) * bins / (hi - lo)))`, computed in doubles; a shader
 * computing the same in f32 would disagree near the edges. Instead, for each bin k the CPU finds
 * the smallest pixel value (of the frame's own type) that the CPU formula puts in bin k or above,
 * and the shader counts how many of these thresholds a pixel reaches: the same bin, exactly.
 *
 * @module
 */
import type { WgslScalar } from "../../runtime/processor/mod.ts";

/** Thresholds of one frame, as the bits of the shader's pixel type. */
export interface HistogramEdges {
  /** False when nothing is counted (empty frame, or the range is empty). */
  counting: boolean;
  /** Smallest pixel value inside the range. */
  low: number;
  /** Largest pixel value inside the range. */
  high: number;
  /** Thresholds of bins 1, 2, ... that some pixel value reaches, in order. */
  thresholds: number[];
}

/** An ordered set of pixel values: integers, or float32 by their order-preserving keys. */
interface Domain {
  /** Smallest and largest position. */
  first: number;
  last: number;
  /** The value at a position. */
  value(p: number): number;
  /** First position whose value is >= x (last + 1 when none). */
  ceil(x: number): number;
  /** Last position whose value is <= x (first - 1 when none). */
  floor(x: number): number;
  /** The u32 bits the shader compares. */
  bits(p: number): number;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const i32 = new Int32Array(f32.buffer);

/** Float32 values ordered by key: negative values have their bits inverted, positive ones the sign set. */
function floatValue(key: number): number {
  u32[0] = key >= 0x80000000 ? key - 0x80000000 : ~key >>> 0;
  return f32[0];
}

function floatKey(x: number): number {
  f32[0] = x;
  const b = u32[0];
  return b >= 0x80000000 ? ~b >>> 0 : b + 0x80000000;
}

function search(lo: number, hi: number, ok: (p: number) => boolean): number {
  // Smallest p in [lo, hi] with ok(p), ok monotone; hi + 1 when none.
  let a = lo;
  let b = hi + 1;
  while (a < b) {
    const mid = a + Math.floor((b - a) / 2);
    if (ok(mid)) b = mid;
    else a = mid + 1;
  }
  return a;
}

function domainOf(scalar: WgslScalar): Domain {
  if (scalar === "f32") {
    // NaN keys lie beyond ±Infinity; the domain stops at the infinities.
    const first = floatKey(-Infinity);
    const last = floatKey(Infinity);
    return {
      first,
      last,
      value: floatValue,
      ceil: (x) => search(first, last, (p) => floatValue(p) >= x),
      floor: (x) => search(first, last, (p) => floatValue(p) > x) - 1,
      bits: (p) => {
        f32[0] = floatValue(p);
        return u32[0];
      },
    };
  }
  const [first, last] = scalar === "i32" ? [-(2 ** 31), 2 ** 31 - 1] : [0, 2 ** 32 - 1];
  return {
    first,
    last,
    value: (p) => p,
    ceil: (x) => Math.min(last + 1, Math.max(first, Math.ceil(x))),
    floor: (x) => Math.max(first - 1, Math.min(last, Math.floor(x))),
    bits: (p) => {
      i32[0] = p;
      return u32[0];
    },
  };
}

/**
 * The bits of the smallest pixel value >= x (of the WGSL type), or undefined when every value is
 * below x: `v >= x` in doubles is then `v >= that value` in the shader's own type.
 * @example
 * ```ts
 * import { ceilPixel } from "./histogram_edges.ts";
 * ceilPixel("i32", 2.5); // 3
 * ```
 */
export function ceilPixel(scalar: WgslScalar, x: number): number | undefined {
  const d = domainOf(scalar);
  const p = d.ceil(x);
  return p > d.last ? undefined : d.bits(p);
}

/**
 * The thresholds of a histogram over [lo, hi] with `bins` bins, for pixels of a WGSL type.
 * @example
 * ```ts
 * import { histogramEdges } from "./histogram_edges.ts";
 * histogramEdges("u32", { lo: 0, hi: 3, bins: 2, samples: 4 }).thresholds; // [2]
 * ```
 */
export function histogramEdges(
  scalar: WgslScalar,
  { lo, hi, bins, samples }: { lo: number; hi: number; bins: number; samples: number },
): HistogramEdges {
  const d = domainOf(scalar);
  const none = { counting: false, low: 0, high: 0, thresholds: [] };
  if (samples === 0 || !(hi >= lo)) return none;
  const first = d.ceil(lo);
  const last = d.floor(hi);
  if (first > last) return none;
  const scale = hi > lo ? bins / (hi - lo) : 0;
  const bin = (p: number) => Math.min(bins - 1, Math.floor((d.value(p) - lo) * scale));
  const thresholds: number[] = [];
  for (let k = 1; k < bins; k++) {
    const p = search(first, last, (q) => bin(q) >= k);
    if (p > last) break;
    thresholds.push(d.bits(p));
  }
  return { counting: true, low: d.bits(first), high: d.bits(last), thresholds };
}
