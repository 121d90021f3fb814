/**
 * Generated frames: uniformly random pixels in [minimum, maximum], as pvapy-ad-sim-server makes them,
 * from a small seeded generator so that frame i is the same whenever it is made again.
 *
 * @module
 */
import { ARRAY_CONSTRUCTORS, type NumericArray } from "../../mod.ts";
import { frameDims, type FrameSource, shapeText } from "./frame.ts";
import type { SimColorMode, SimDatatype } from "./options.ts";

/** Largest float32, PvaPy's default range for float frames (so float32 frames never overflow). */
const FLOAT32_MAX = 3.4028234663852886e38;

/** The lowest and highest value of each datatype (floats: float32's, as PvaPy uses). */
export const DATATYPE_RANGE: Readonly<Record<SimDatatype, readonly [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  float32: [-FLOAT32_MAX, FLOAT32_MAX],
  float64: [-FLOAT32_MAX, FLOAT32_MAX],
};

/** What to generate. */
export interface GeneratedFramesOptions {
  /** Distinct frames. */
  count: number;
  /** Width. */
  nx: number;
  /** Height. */
  ny: number;
  /** Pixel type. */
  datatype: SimDatatype;
  /** Color mode: the frame holds 3 × nx × ny pixels unless mono. */
  colorMode: SimColorMode;
  /** Lowest value (clamped to the datatype's); null for the datatype's lowest. */
  minimum: number | null;
  /** Highest value (clamped to the datatype's); null for the datatype's highest. */
  maximum: number | null;
  /** Seed of frame 0's pixels; frame i uses seed + i. Default 1. */
  seed?: number;
}

/** The value range actually generated: the options' bounds clamped to the datatype (integers rounded in). */
export function generatedRange(
  datatype: SimDatatype,
  minimum: number | null,
  maximum: number | null,
): [number, number] {
  const [lo, hi] = DATATYPE_RANGE[datatype];
  let min = Math.max(lo, minimum ?? lo);
  let max = Math.min(hi, maximum ?? hi);
  if (!datatype.startsWith("float")) {
    min = Math.ceil(min);
    max = Math.floor(max);
  }
  return [min, Math.max(min, max)];
}

/** `count` words of 32 random bits from mulberry32, a small generator that is fast and good enough for test images. */
function randomWords(count: number, seed: number): Uint32Array {
  const words = new Uint32Array(count);
  let a = seed >>> 0;
  for (let i = 0; i < count; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    words[i] = (t ^ (t >>> 14)) >>> 0;
  }
  return words;
}

/**
 * Fills `out` with uniform values in [min, max] (integers inclusive). An integer type's full range takes
 * the random bytes as they are; otherwise each value is made in one Float64Array and copied over with
 * `set`, so that the hot loops see one array type whatever `out` is.
 */
function fill(out: NumericArray, datatype: SimDatatype, min: number, max: number, seed: number): void {
  const isFloat = datatype.startsWith("float");
  const [lo, hi] = DATATYPE_RANGE[datatype];
  if (!isFloat && min === lo && max === hi) {
    const words = randomWords(Math.ceil(out.byteLength / 4), seed);
    new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(
      new Uint8Array(words.buffer, 0, out.byteLength),
    );
    return;
  }
  const words = randomWords(out.length, seed);
  const values = new Float64Array(out.length);
  const scale = (isFloat ? max - min : max - min + 1) / 4294967296;
  if (isFloat) { for (let i = 0; i < values.length; i++) values[i] = min + words[i] * scale; }
  else for (let i = 0; i < values.length; i++) values[i] = min + Math.floor(words[i] * scale);
  (out as Float64Array).set(values);
}

/**
 * Random frames, made on each call to `frame(i)` (the cache keeps them when they fit).
 * @example
 * ```ts
 * import { generatedFrames } from "./generated.ts";
 * const src = generatedFrames({ count: 2, nx: 4, ny: 3, datatype: "uint16", colorMode: 0, minimum: 0, maximum: 9 });
 * src.frame(0).data; // Uint16Array(12) of values 0..9
 * ```
 */
export function generatedFrames(opts: GeneratedFramesOptions): FrameSource {
  const { count, nx, ny, datatype, colorMode, seed = 1 } = opts;
  const [min, max] = generatedRange(datatype, opts.minimum, opts.maximum);
  const dims = frameDims(nx, ny, colorMode);
  const n = dims.reduce((a, b) => a * b, 1);
  return {
    count,
    description: `${count} generated ${
      shapeText(dims, datatype, colorMode)
    } frames, values in [${min}, ${max}]`,
    frame(i) {
      const data = new ARRAY_CONSTRUCTORS[datatype](n);
      fill(data, datatype, min, max, seed + i);
      return { data, dims, colorMode };
    },
  };
}
