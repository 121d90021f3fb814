/**
 * Images for the processor tests: random frames of every dtype and colour mode (fast-check),
 * and the reference way to read and build them, straight from the sample positions that
 * docs/processors.md gives (not from the processors' own geometry helpers).
 *
 * @module
 */
import fc from "fast-check";
import {
  ARRAY_CONSTRUCTORS,
  type DType,
  type Frame,
  frameFromNTNDArray,
  ntAttribute,
  ntNDArray,
  type NumericArray,
  scalar,
} from "../../mod.ts";

/** Every dtype. */
export const DTYPES: readonly DType[] = [
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
  "float32",
  "float64",
];

/** The colour modes with an image layout: mono, RGB1, RGB2, RGB3. */
export const COLOR_MODES = [0, 2, 3, 4] as const;

/** Index of colour c of pixel (x, y), as docs/processors.md states it. */
export function sampleIndex(
  colorMode: number,
  c: number,
  x: number,
  y: number,
  nx: number,
  ny: number,
): number {
  switch (colorMode) {
    case 2:
      return c + 3 * (x + nx * y);
    case 3:
      return x + nx * (c + 3 * y);
    case 4:
      return x + nx * (y + ny * c);
  }
  return x + nx * y;
}

/** The shape of an nx × ny image in a colour mode. */
export function shapeOf(colorMode: number, nx: number, ny: number): number[] {
  return colorMode === 2
    ? [3, nx, ny]
    : colorMode === 3
    ? [nx, 3, ny]
    : colorMode === 4
    ? [nx, ny, 3]
    : [nx, ny];
}

/** A plain description of an image: sample (c, x, y) as a number. */
export interface PlainImage {
  dtype: DType;
  colorMode: number;
  nx: number;
  ny: number;
  /** Samples in reference order: c major, then y, then x. */
  at: (c: number, x: number, y: number) => number;
}

/** Colours of a colour mode. */
export function coloursOf(colorMode: number): number {
  return colorMode >= 2 ? 3 : 1;
}

/** A typed array of `dtype` holding `values` (converted as the array converts them). */
export function typed(dtype: DType, values: readonly number[]): NumericArray {
  const C = ARRAY_CONSTRUCTORS[dtype];
  return dtype === "int64" || dtype === "uint64"
    ? (C as BigInt64ArrayConstructor).from(values, (v) => BigInt(v))
    : (C as Float64ArrayConstructor).from(values);
}

/** The samples of a frame as numbers, by (c, x, y). */
export function reader(frame: Frame): PlainImage {
  const nx = frame.colorMode === 3 || frame.colorMode === 4
    ? frame.shape[0]
    : frame.shape[frame.colorMode === 2 ? 1 : 0];
  const ny = frame.colorMode === 2 || frame.colorMode === 3 ? frame.shape[2] : frame.shape[1] ?? 1;
  const data = frame.data as ArrayLike<number | bigint>;
  return {
    dtype: frame.dtype,
    colorMode: frame.colorMode,
    nx,
    ny,
    at: (c, x, y) => Number(data[sampleIndex(frame.colorMode, c, x, y, nx, ny)]),
  };
}

/** The pixels of an image laid out for its colour mode. */
export function pixelsOf(image: PlainImage): NumericArray {
  const { colorMode, nx, ny } = image;
  const values = new Array<number>(coloursOf(colorMode) * nx * ny);
  for (let c = 0; c < coloursOf(colorMode); c++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) values[sampleIndex(colorMode, c, x, y, nx, ny)] = image.at(c, x, y);
    }
  }
  return typed(image.dtype, values);
}

/** Stamps every test frame carries, so that a processor keeping them can be checked. */
export const STAMP = { secondsPastEpoch: 1_700_000_000n, nanoseconds: 123, userTag: 4 };
export const DATA_STAMP = { secondsPastEpoch: 1_700_000_001n, nanoseconds: 456, userTag: 5 };

/** A frame of `image`'s samples with uniqueId `uniqueId`, a ColorMode attribute and both stamps. */
export function frameOf(image: PlainImage, uniqueId = 1): Frame {
  return frameFromNTNDArray(ntNDArray({
    data: pixelsOf(image),
    dims: shapeOf(image.colorMode, image.nx, image.ny),
    uniqueId,
    timeStamp: STAMP,
    dataTimeStamp: DATA_STAMP,
    attributes: [ntAttribute("ColorMode", { type: scalar("int32"), value: image.colorMode })],
  }));
}

/** Sample values that fit every dtype exactly (floats in quarters). */
function valueFor(dtype: DType, seed: number): number {
  const h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  const signed = !dtype.startsWith("u");
  const span = dtype.endsWith("8") ? 100 : 2000;
  const v = (h % (2 * span)) - (signed ? span : 0);
  return dtype.startsWith("float") ? v / 4 : v;
}

/** Random images: every dtype and colour mode, 1-24 × 1-24 pixels. */
export function arbitraryImage(
  { maxSize = 24 }: { maxSize?: number } = {},
): fc.Arbitrary<PlainImage> {
  return fc.record({
    dtype: fc.constantFrom(...DTYPES),
    colorMode: fc.constantFrom(...COLOR_MODES),
    nx: fc.integer({ min: 1, max: maxSize }),
    ny: fc.integer({ min: 1, max: maxSize }),
    seed: fc.integer(),
  }).map(({ dtype, colorMode, nx, ny, seed }) => ({
    dtype,
    colorMode,
    nx,
    ny,
    at: (c: number, x: number, y: number) => valueFor(dtype, seed + c * 7919 + x * 104729 + y * 1299709),
  }));
}

/** Every sample of two images equal, with the same size and colour mode. */
export function sameImage(actual: PlainImage, expected: PlainImage): boolean {
  if (actual.nx !== expected.nx || actual.ny !== expected.ny || actual.colorMode !== expected.colorMode) {
    return false;
  }
  for (let c = 0; c < coloursOf(actual.colorMode); c++) {
    for (let y = 0; y < actual.ny; y++) {
      for (let x = 0; x < actual.nx; x++) if (actual.at(c, x, y) !== expected.at(c, x, y)) return false;
    }
  }
  return true;
}
