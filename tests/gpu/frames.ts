/**
 * Random frames for the GPU tests, from a seed: every dtype over its whole range (64-bit ones
 * within ±2^40, where a double still holds them exactly).
 *
 * @module
 */
import { type DType, type Frame, type FrameDataOf, frameFromNTNDArray, ntNDArray } from "../../mod.ts";

/** A small deterministic generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** `n` random pixels of a dtype. */
export function randomPixels<D extends DType>(dtype: D, n: number, seed: number): FrameDataOf[D] {
  const r = rng(seed);
  const int = (lo: number, hi: number) => Math.floor(lo + r() * (hi - lo + 1));
  const make: { [K in DType]: () => FrameDataOf[K] } = {
    int8: () => Int8Array.from({ length: n }, () => int(-128, 127)),
    uint8: () => Uint8Array.from({ length: n }, () => int(0, 255)),
    int16: () => Int16Array.from({ length: n }, () => int(-32768, 32767)),
    uint16: () => Uint16Array.from({ length: n }, () => int(0, 65535)),
    int32: () => Int32Array.from({ length: n }, () => int(-(2 ** 31), 2 ** 31 - 1)),
    uint32: () => Uint32Array.from({ length: n }, () => int(0, 2 ** 32 - 1)),
    float32: () => Float32Array.from({ length: n }, () => (r() - 0.5) * 2 ** int(-20, 20)),
    float64: () => Float64Array.from({ length: n }, () => (r() - 0.5) * 2 ** int(-20, 20)),
    int64: () => BigInt64Array.from({ length: n }, () => BigInt(int(-(2 ** 40), 2 ** 40))),
    uint64: () => BigUint64Array.from({ length: n }, () => BigInt(int(0, 2 ** 40))),
  };
  return make[dtype]() as FrameDataOf[D];
}

/** A mono frame nx × ny of random pixels. */
export function randomFrame(dtype: DType, nx: number, ny: number, seed: number, uniqueId = 1): Frame {
  return frameFromNTNDArray(
    ntNDArray({ data: randomPixels(dtype, nx * ny, seed), dims: [nx, ny], uniqueId }),
  );
}
