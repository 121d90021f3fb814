/**
 * Histogram bins for the GPU as exact thresholds. The CPU processor (image_stats.ts) puts a sample
 * v into bin `min(bins - 1, floor((v - lo) * bins / (hi - lo)))`, computed in doubles; a shader
 * computing the same in f32 would disagree near the edges. Instead, for each bin k the CPU finds
 * the smallest pixel value (of the frame's own type) that the CPU formula puts in bin k or above,
 * and the shader counts how many of these thresholds a pixel reaches: the same bin, exactly.
 *
 * 32-bit pixels are compared in the shader in their own WGSL type, so their thresholds are one
 * word each (the pixel's bits). 64-bit pixels are compared as order-preserving 64-bit keys (see
 * {@link wideKey}): two words each, low word first.
 *
 * @module
 */
import type { WgslScalar } from "../../runtime/processor/mod.ts";

/** 64-bit pixels, which the shader reads as two words: int64, uint64, float64. */
export type Wide64 = "i64" | "u64" | "f64";

/** Thresholds of one frame, as the words the shader compares (one per value, or two for 64-bit). */
export interface HistogramEdges {
  /** False when nothing is counted (empty frame, or the range is empty). */
  counting: boolean;
  /** Smallest pixel value inside the range. */
  low: number[];
  /** Largest pixel value inside the range. */
  high: number[];
  /** Thresholds of bins 1, 2, ... that some pixel value reaches, in order, flattened. */
  thresholds: number[];
}

/**
 * An ordered set of pixel values, by position: integers are their own positions, floats their
 * order-preserving keys.
 */
interface Domain {
  /** Smallest and largest position. */
  first: bigint;
  last: bigint;
  /** The value at a position, as the CPU's double arithmetic sees it. */
  value(p: bigint): number;
  /** The words the shader compares. */
  words(p: bigint): number[];
}

const f64 = new Float64Array(1);
const w64 = new BigUint64Array(f64.buffer);
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const SIGN32 = 0x8000_0000n;
const SIGN64 = 0x8000_0000_0000_0000n;
const ALL64 = 0xffff_ffff_ffff_ffffn;

/**
 * The order-preserving key of a 64-bit pixel's bits (as the shader computes it): unsigned as
 * they are, signed with the sign bit flipped, floats with negative values inverted and positive
 * ones given the sign bit.
 */
export function wideKey(kind: Wide64, bits: bigint): bigint {
  if (kind === "u64") return bits;
  if (kind === "i64") return bits ^ SIGN64;
  return bits & SIGN64 ? ~bits & ALL64 : bits | SIGN64;
}

/** The bits of a 64-bit key (inverse of {@link wideKey}). */
export function wideBits(kind: Wide64, key: bigint): bigint {
  if (kind === "u64") return key;
  if (kind === "i64") return key ^ SIGN64;
  return key & SIGN64 ? key ^ SIGN64 : ~key & ALL64;
}

/** The value of a 64-bit pixel as the CPU processor sees it (a double). */
export function wideValue(kind: Wide64, bits: bigint): number {
  if (kind === "u64") return Number(bits);
  if (kind === "i64") return Number(BigInt.asIntN(64, bits));
  w64[0] = bits;
  return f64[0];
}

function bitsOfDouble(x: number): bigint {
  f64[0] = x;
  return w64[0];
}

function float32Of(key: bigint): number {
  u32[0] = Number(key >= SIGN32 ? key - SIGN32 : ~key & 0xffff_ffffn);
  return f32[0];
}

function float32Key(x: number): bigint {
  f32[0] = x;
  const b = BigInt(u32[0]);
  return b >= SIGN32 ? ~b & 0xffff_ffffn : b + SIGN32;
}

function search(lo: bigint, hi: bigint, ok: (p: bigint) => boolean): bigint {
  // Smallest p in [lo, hi] with ok(p), ok monotone; hi + 1 when none.
  let a = lo;
  let b = hi + 1n;
  while (a < b) {
    const mid = a + (b - a) / 2n;
    if (ok(mid)) b = mid;
    else a = mid + 1n;
  }
  return a;
}

function domainOf(kind: WgslScalar | Wide64): Domain {
  switch (kind) {
    case "f32":
      // NaN keys lie beyond ±Infinity; the domain stops at the infinities.
      return {
        first: float32Key(-Infinity),
        last: float32Key(Infinity),
        value: float32Of,
        words: (p) => {
          f32[0] = float32Of(p);
          return [u32[0]];
        },
      };
    case "i32":
      return { first: -SIGN32, last: SIGN32 - 1n, value: Number, words: (p) => [Number(p & 0xffff_ffffn)] };
    case "u32":
      return { first: 0n, last: 0xffff_ffffn, value: Number, words: (p) => [Number(p)] };
    case "f64":
      return {
        first: wideKey("f64", bitsOfDouble(-Infinity)),
        last: wideKey("f64", bitsOfDouble(Infinity)),
        value: (p) => wideValue("f64", wideBits("f64", p)),
        words: keyWords,
      };
    case "i64":
      return {
        first: -SIGN64,
        last: SIGN64 - 1n,
        value: Number,
        words: (p) => keyWords(wideKey("i64", p & ALL64)),
      };
    case "u64":
      return { first: 0n, last: ALL64, value: Number, words: keyWords };
  }
}

function keyWords(key: bigint): number[] {
  return [Number(key & 0xffff_ffffn), Number(key >> 32n)];
}

/** First position whose value is >= x (last + 1 when none). */
function ceilOf(d: Domain, x: number): bigint {
  return search(d.first, d.last, (p) => d.value(p) >= x);
}

/** Last position whose value is <= x (first - 1 when none). */
function floorOf(d: Domain, x: number): bigint {
  return search(d.first, d.last, (p) => d.value(p) > x) - 1n;
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
  const p = ceilOf(d, x);
  return p > d.last ? undefined : d.words(p)[0];
}

/**
 * The thresholds of a histogram over [lo, hi] with `bins` bins, for pixels of a WGSL type or of
 * a 64-bit type read as keys.
 * @example
 * ```ts
 * import { histogramEdges } from "./histogram_edges.ts";
 * histogramEdges("u32", { lo: 0, hi: 3, bins: 2, samples: 4 }).thresholds; // [2]
 * ```
 */
export function histogramEdges(
  kind: WgslScalar | Wide64,
  { lo, hi, bins, samples }: { lo: number; hi: number; bins: number; samples: number },
): HistogramEdges {
  const d = domainOf(kind);
  const width = kind.endsWith("64") ? 2 : 1;
  const none = {
    counting: false,
    low: new Array(width).fill(0),
    high: new Array(width).fill(0),
    thresholds: [],
  };
  if (samples === 0 || !(hi >= lo)) return none;
  let first = ceilOf(d, lo);
  let last = floorOf(d, hi);
  const scale = hi > lo ? bins / (hi - lo) : 0;
  const bin = (p: bigint) => Math.min(bins - 1, Math.floor((d.value(p) - lo) * scale));
  // The CPU counts no sample whose bin is NaN: with an infinite range (scale 0) that is an
  // infinite sample at either end, or every sample when the range starts at -Infinity.
  if (first <= last && Number.isNaN(bin(first))) first++;
  if (first <= last && Number.isNaN(bin(last))) last--;
  if (first > last || Number.isNaN(bin(first))) return none;
  const thresholds: number[] = [];
  for (let k = 1; k < bins; k++) {
    const p = search(first, last, (q) => bin(q) >= k);
    if (p > last) break;
    thresholds.push(...d.words(p));
  }
  return { counting: true, low: d.words(first), high: d.words(last), thresholds };
}
