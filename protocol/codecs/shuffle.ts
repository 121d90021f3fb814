/**
 * Blosc's byte shuffle (`shuffle_generic`, `unshuffle_generic`): a block of n elements of `typeSize` bytes is
 * stored as typeSize planes of n bytes, byte j of every element in plane j; bytes after the
 * last whole element stay where they are.
 *
 * @module
 */

/**
 * Undoes the byte shuffle of one block: `src` holds the planes, `dst` (same length) receives
 * the elements.
 * @param src the shuffled block
 * @param dst where the elements go
 * @param typeSize bytes per element
 * @example
 * ```ts
 * import { byteUnshuffle } from "./shuffle.ts";
 * const out = new Uint8Array(4);
 * byteUnshuffle(new Uint8Array([1, 3, 2, 4]), out, 2); // out is [1, 2, 3, 4]
 * ```
 */
export function byteUnshuffle(src: Uint8Array, dst: Uint8Array, typeSize: number): void {
  const n = Math.floor(src.length / typeSize);
  if (typeSize === 2) {
    for (let i = 0; i < n; i++) {
      dst[2 * i] = src[i];
      dst[2 * i + 1] = src[n + i];
    }
  } else if (typeSize === 4) {
    for (let i = 0, d = 0; i < n; i++, d += 4) {
      dst[d] = src[i];
      dst[d + 1] = src[n + i];
      dst[d + 2] = src[2 * n + i];
      dst[d + 3] = src[3 * n + i];
    }
  } else {
    for (let j = 0; j < typeSize; j++) {
      for (let i = 0, p = j * n; i < n; i++) dst[i * typeSize + j] = src[p + i];
    }
  }
  const whole = n * typeSize;
  dst.set(src.subarray(whole), whole);
}

/**
 * Applies the byte shuffle to one block, as c-blosc's `shuffle_generic` does: `src` holds the
 * elements, `dst` (same length) receives typeSize planes; bytes after the last whole element
 * stay where they are.
 * @param src the elements
 * @param dst where the planes go
 * @param typeSize bytes per element
 * @example
 * ```ts
 * import { byteShuffle } from "./shuffle.ts";
 * const out = new Uint8Array(4);
 * byteShuffle(new Uint8Array([1, 2, 3, 4]), out, 2); // out is [1, 3, 2, 4]
 * ```
 */
export function byteShuffle(src: Uint8Array, dst: Uint8Array, typeSize: number): void {
  const n = Math.floor(src.length / typeSize);
  for (let j = 0; j < typeSize; j++) {
    for (let i = 0, p = j * n; i < n; i++) dst[p + i] = src[i * typeSize + j];
  }
  const whole = n * typeSize;
  dst.set(src.subarray(whole), whole);
}
