/**
 * How a frame of each dtype sits in a GPU storage buffer, and the WGSL that reads it back.
 * WGSL storage holds only 32-bit scalars, so:
 *
 * - `int8`, `uint8`, `int16`, `uint16` are uploaded as they are, packed 4 or 2 to a 32-bit word
 *   (no conversion on the CPU, a quarter or half of the bytes of a widened copy); the shader
 *   unpacks them, sign-extending the signed ones;
 * - `int32`, `uint32`, `float32` are uploaded as they are;
 * - `int64`, `uint64`, `float64` are converted to `float32` on the CPU (one pass into a reused
 *   array): WGSL has no 64-bit types. Values keep 24 bits of mantissa: integers beyond 2^24
 *   and doubles lose precision. Asked for `wide`, they are uploaded as they are instead, two
 *   words per pixel (low word first), for shaders that do 64-bit arithmetic on words.
 *
 * Every frame starts on a word; the buffer is read as `array<u32>` and {@link wgslPixelLoader}
 * returns each pixel in its natural WGSL type (`i32`, `u32` or `f32`).
 *
 * @module
 */
import type { DType } from "../types.ts";

/** The WGSL type a pixel is read as. */
export type WgslScalar = "i32" | "u32" | "f32";

/** The storage layout of one dtype. */
export interface GpuLayout {
  /** The frame's dtype. */
  dtype: DType;
  /** The WGSL type {@link wgslPixelLoader} returns (of each of the two words, for 8-byte pixels). */
  scalar: WgslScalar;
  /** Bytes per pixel in the buffer (1, 2 or 4; 8 for wide 64-bit pixels). */
  bytes: 1 | 2 | 4 | 8;
  /** True when the CPU converts the pixels (64-bit dtypes to float32). */
  converted: boolean;
}

const LAYOUTS: Record<DType, Omit<GpuLayout, "dtype">> = {
  int8: { scalar: "i32", bytes: 1, converted: false },
  uint8: { scalar: "u32", bytes: 1, converted: false },
  int16: { scalar: "i32", bytes: 2, converted: false },
  uint16: { scalar: "u32", bytes: 2, converted: false },
  int32: { scalar: "i32", bytes: 4, converted: false },
  uint32: { scalar: "u32", bytes: 4, converted: false },
  float32: { scalar: "f32", bytes: 4, converted: false },
  int64: { scalar: "f32", bytes: 4, converted: true },
  uint64: { scalar: "f32", bytes: 4, converted: true },
  float64: { scalar: "f32", bytes: 4, converted: true },
};

/** Options of {@link gpuLayout}. */
export interface GpuLayoutOptions {
  /** Keep 64-bit pixels as two 32-bit words each instead of converting them to float32. */
  wide?: boolean;
}

/**
 * The layout of a dtype.
 * @example
 * ```ts
 * import { gpuLayout } from "./layout.ts";
 * gpuLayout("uint16"); // { dtype: "uint16", scalar: "u32", bytes: 2, converted: false }
 * gpuLayout("int64", { wide: true }); // { dtype: "int64", scalar: "u32", bytes: 8, converted: false }
 * ```
 */
export function gpuLayout(dtype: DType, { wide = false }: GpuLayoutOptions = {}): GpuLayout {
  if (wide && LAYOUTS[dtype].converted) return { dtype, scalar: "u32", bytes: 8, converted: false };
  return { dtype, ...LAYOUTS[dtype] };
}

/**
 * 32-bit words a frame of `pixels` pixels takes.
 * @example
 * ```ts
 * import { gpuLayout, wordsOf } from "./layout.ts";
 * wordsOf(gpuLayout("uint8"), 5); // 2
 * ```
 */
export function wordsOf(layout: GpuLayout, pixels: number): number {
  return Math.ceil((pixels * layout.bytes) / 4);
}

/**
 * WGSL defining `fn <name>(base: u32, i: u32) -> <scalar>`: pixel `i` of the frame starting at
 * word `base` of the `array<u32>` named `array`, and `fn <name>_f32(base: u32, i: u32) -> f32`.
 * For wide 64-bit pixels only `fn <name>(base: u32, i: u32) -> vec2u` (low word, high word).
 * @param layout the frame's layout
 * @param names the storage array's name (default `pixels`) and the function's (default `pixel`)
 * @example
 * ```ts
 * import { gpuLayout, wgslPixelLoader } from "./layout.ts";
 * wgslPixelLoader(gpuLayout("float32")).includes("bitcast<f32>"); // true
 * ```
 */
export function wgslPixelLoader(
  layout: GpuLayout,
  { array = "pixels", name = "pixel" }: { array?: string; name?: string } = {},
): string {
  const t = layout.scalar;
  if (layout.bytes === 8) {
    return `fn ${name}(base: u32, i: u32) -> vec2u { return vec2u(${array}[base + 2u * i], ${array}[base + 2u * i + 1u]); }\n`;
  }
  let body: string;
  if (layout.bytes === 4) {
    body = t === "u32" ? `return ${array}[base + i];` : `return bitcast<${t}>(${array}[base + i]);`;
  } else {
    const perWord = 4 / layout.bytes;
    const bits = 8 * layout.bytes;
    const field = `(${array}[base + i / ${perWord}u] >> ((i % ${perWord}u) * ${bits}u))`;
    body = t === "u32"
      ? `return ${field} & ${(2 ** bits - 1)}u;`
      // Shifting the field to the top and back down arithmetically sign-extends it.
      : `return bitcast<i32>(${field} << ${32 - bits}u) >> ${32 - bits}u;`;
  }
  return `fn ${name}(base: u32, i: u32) -> ${t} { ${body} }\n` +
    `fn ${name}_f32(base: u32, i: u32) -> f32 { return f32(${name}(base, i)); }\n`;
}
