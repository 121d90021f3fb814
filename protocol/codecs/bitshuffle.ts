/**
 * Bitshuffle's transpose (kiyo-masui/bitshuffle, `bshuf_trans_bit_elem`): a block of `n`
 * elements (n a multiple of 8) of `elemSize` bytes becomes 8 × elemSize bit rows of n / 8 bytes;
 * row 8 × j + b holds bit b of byte j of every element, element 8 × g + k at bit k of byte g.
 * Runs of equal high bits turn into runs of zero bytes, which LZ4 then compresses.
 *
 * The work is done on 32-bit words, 32 elements at a time: 4 × 4 byte transposes gather the
 * bytes of 8 rows, an 8 × 8 bit transpose (two 32-bit halves) turns them into one byte plane,
 * and the planes interleave into elements. Blocks that are not a multiple of 32 elements, not
 * 4-byte aligned or of an unusual element size take a byte-wise path with the same kernel.
 *
 * @module
 */

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Transposes the 8 × 8 bit matrix whose rows are the bytes of lo (rows 0-3) and hi (4-7). */
function transpose8(lo: number, hi: number, out: Int32Array, at: number): void {
  let t = (lo ^ (lo >>> 7)) & 0x00aa00aa;
  lo = lo ^ t ^ (t << 7);
  t = (hi ^ (hi >>> 7)) & 0x00aa00aa;
  hi = hi ^ t ^ (t << 7);
  t = (lo ^ (lo >>> 14)) & 0x0000cccc;
  lo = lo ^ t ^ (t << 14);
  t = (hi ^ (hi >>> 14)) & 0x0000cccc;
  hi = hi ^ t ^ (t << 14);
  t = (lo ^ (hi << 4)) & 0xf0f0f0f0;
  out[at] = lo ^ t;
  out[at + 1] = hi ^ (t >>> 4);
}

/** Transposes the 4 × 4 byte matrix whose rows are a, b, c, d into out[at + i × stride]. */
function transpose4(a: number, b: number, c: number, d: number, out: Int32Array, at: number, stride: number) {
  const t0 = (a & 0x00ff00ff) | ((b & 0x00ff00ff) << 8);
  const t1 = ((a >>> 8) & 0x00ff00ff) | (b & 0xff00ff00);
  const t2 = (c & 0x00ff00ff) | ((d & 0x00ff00ff) << 8);
  const t3 = ((c >>> 8) & 0x00ff00ff) | (d & 0xff00ff00);
  out[at] = (t0 & 0xffff) | (t2 << 16);
  out[at + stride] = (t1 & 0xffff) | (t3 << 16);
  out[at + 2 * stride] = (t0 >>> 16) | (t2 & 0xffff0000);
  out[at + 3 * stride] = (t1 >>> 16) | (t3 & 0xffff0000);
}

/** Interleaves the bytes of a and b (two planes of 16-bit elements) into out[at], out[at + 1]. */
function interleave2(a: number, b: number, out: Int32Array, at: number): void {
  out[at] = (a & 0xff) | ((b & 0xff) << 8) | ((a & 0xff00) << 8) | ((b & 0xff00) << 16);
  out[at + 1] = ((a >>> 16) & 0xff) | ((b >>> 8) & 0xff00) | ((a >>> 8) & 0xff0000) | (b & 0xff000000);
}

/** Splits two words of 16-bit elements into their low-byte and high-byte planes. */
function deinterleave2(x: number, y: number, out: Int32Array, at: number, stride: number): void {
  out[at] = (x & 0xff) | ((x >>> 8) & 0xff00) | ((y & 0xff) << 16) | ((y & 0xff0000) << 8);
  out[at + stride] = ((x >>> 8) & 0xff) | ((x >>> 16) & 0xff00) | ((y & 0xff00) << 8) | (y & 0xff000000);
}

function wordView(bytes: Uint8Array): Int32Array | undefined {
  if (!LITTLE_ENDIAN || bytes.byteOffset % 4 !== 0 || bytes.length % 4 !== 0) return undefined;
  return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

const FAST_SIZES = new Set([1, 2, 4, 8]);

function checkBlock(src: Uint8Array, dst: Uint8Array, n: number, elemSize: number): void {
  if (n % 8 !== 0 || src.length !== n * elemSize || dst.length !== n * elemSize) {
    throw new RangeError(
      `bitshuffle block: ${n} elements of ${elemSize} bytes need a multiple of 8 elements`,
    );
  }
}

/**
 * Undoes bitshuffle's transpose of one block: `src` holds the bit rows, `dst` receives the
 * elements. Both hold n × elemSize bytes, n a multiple of 8.
 * @param src the transposed block
 * @param dst where the elements go (same length)
 * @param elemSize bytes per element
 * @throws {RangeError} when the lengths do not make a whole number of 8-element groups
 * @example
 * ```ts
 * import { bitShuffle, bitUnshuffle } from "./bitshuffle.ts";
 * const data = new Uint8Array(new Uint16Array([1, 2, 3, 4, 5, 6, 7, 8]).buffer);
 * const rows = new Uint8Array(16), back = new Uint8Array(16);
 * bitShuffle(data, rows, 2);
 * bitUnshuffle(rows, back, 2); // back equals data
 * ```
 */
export function bitUnshuffle(src: Uint8Array, dst: Uint8Array, elemSize: number): void {
  const n = src.length / elemSize;
  checkBlock(src, dst, n, elemSize);
  const rows = n % 32 === 0 && FAST_SIZES.has(elemSize) ? wordView(src) : undefined;
  const out = rows && wordView(dst);
  if (rows && out) unshuffleWords(rows, out, n, elemSize);
  else unshuffleBytes(src, dst, n, elemSize);
}

/**
 * Bitshuffle's transpose of one block: `src` holds n elements of elemSize bytes (n a multiple
 * of 8), `dst` receives the bit rows.
 * @param src the elements
 * @param dst where the bit rows go (same length)
 * @param elemSize bytes per element
 * @throws {RangeError} when the lengths do not make a whole number of 8-element groups
 * @example
 * ```ts
 * import { bitShuffle } from "./bitshuffle.ts";
 * const rows = new Uint8Array(8);
 * bitShuffle(new Uint8Array([1, 1, 1, 1, 1, 1, 1, 1]), rows, 1);
 * rows[0]; // 255: bit 0 of all eight bytes
 * ```
 */
export function bitShuffle(src: Uint8Array, dst: Uint8Array, elemSize: number): void {
  const n = src.length / elemSize;
  checkBlock(src, dst, n, elemSize);
  const elems = n % 32 === 0 && FAST_SIZES.has(elemSize) ? wordView(src) : undefined;
  const rows = elems && wordView(dst);
  if (elems && rows) shuffleWords(elems, rows, n, elemSize);
  else shuffleBytes(src, dst, n, elemSize);
}

/** Rows → elements, 32 elements per step. */
function unshuffleWords(rows: Int32Array, out: Int32Array, n: number, s: number): void {
  const rowWords = n / 32;
  const planes = new Int32Array(8 * s); // plane j, elements 4q..4q+3 at planes[8j + q]
  const quad = new Int32Array(8);
  for (let w = 0; w < rowWords; w++) {
    for (let j = 0; j < s; j++) {
      const r = 8 * j * rowWords + w;
      transpose4(rows[r], rows[r + rowWords], rows[r + 2 * rowWords], rows[r + 3 * rowWords], quad, 0, 2);
      transpose4(
        rows[r + 4 * rowWords],
        rows[r + 5 * rowWords],
        rows[r + 6 * rowWords],
        rows[r + 7 * rowWords],
        quad,
        1,
        2,
      );
      for (let b = 0; b < 4; b++) transpose8(quad[2 * b], quad[2 * b + 1], planes, 8 * j + 2 * b);
    }
    const e = 8 * s * w;
    if (s === 1) {
      out.set(planes, e);
    } else if (s === 2) {
      for (let q = 0; q < 8; q++) interleave2(planes[q], planes[8 + q], out, e + 2 * q);
    } else if (s === 4) {
      for (let q = 0; q < 8; q++) {
        transpose4(planes[q], planes[8 + q], planes[16 + q], planes[24 + q], out, e + 4 * q, 1);
      }
    } else {
      for (let q = 0; q < 8; q++) {
        transpose4(planes[q], planes[8 + q], planes[16 + q], planes[24 + q], out, e + 8 * q, 2);
        transpose4(planes[32 + q], planes[40 + q], planes[48 + q], planes[56 + q], out, e + 8 * q + 1, 2);
      }
    }
  }
}

/** Elements → rows, 32 elements per step; the exact inverse of {@link unshuffleWords}. */
function shuffleWords(elems: Int32Array, rows: Int32Array, n: number, s: number): void {
  const rowWords = n / 32;
  const planes = new Int32Array(8 * s);
  const bits = new Int32Array(8);
  for (let w = 0; w < rowWords; w++) {
    const e = 8 * s * w;
    if (s === 1) {
      for (let q = 0; q < 8; q++) planes[q] = elems[e + q];
    } else if (s === 2) {
      for (let q = 0; q < 8; q++) deinterleave2(elems[e + 2 * q], elems[e + 2 * q + 1], planes, q, 8);
    } else if (s === 4) {
      for (let q = 0; q < 8; q++) {
        const at = e + 4 * q;
        transpose4(elems[at], elems[at + 1], elems[at + 2], elems[at + 3], planes, q, 8);
      }
    } else {
      for (let q = 0; q < 8; q++) {
        const at = e + 8 * q;
        transpose4(elems[at], elems[at + 2], elems[at + 4], elems[at + 6], planes, q, 8);
        transpose4(elems[at + 1], elems[at + 3], elems[at + 5], elems[at + 7], planes, 32 + q, 8);
      }
    }
    for (let j = 0; j < s; j++) {
      for (let b = 0; b < 4; b++) transpose8(planes[8 * j + 2 * b], planes[8 * j + 2 * b + 1], bits, 2 * b);
      const r = 8 * j * rowWords + w;
      transpose4(bits[0], bits[2], bits[4], bits[6], rows, r, rowWords);
      transpose4(bits[1], bits[3], bits[5], bits[7], rows, r + 4 * rowWords, rowWords);
    }
  }
}

/** Rows → elements one 8-element group at a time, for any size and alignment. */
function unshuffleBytes(src: Uint8Array, dst: Uint8Array, n: number, s: number): void {
  const rowBytes = n / 8;
  const pair = new Int32Array(2);
  for (let j = 0; j < s; j++) {
    const base = 8 * j * rowBytes;
    for (let g = 0; g < rowBytes; g++) {
      let lo = 0;
      let hi = 0;
      for (let k = 0; k < 4; k++) {
        lo |= src[base + k * rowBytes + g] << (8 * k);
        hi |= src[base + (k + 4) * rowBytes + g] << (8 * k);
      }
      transpose8(lo, hi, pair, 0);
      for (let k = 0; k < 8; k++) dst[(8 * g + k) * s + j] = pair[k >> 2] >>> (8 * (k & 3));
    }
  }
}

/** Elements → rows one 8-element group at a time, for any size and alignment. */
function shuffleBytes(src: Uint8Array, dst: Uint8Array, n: number, s: number): void {
  const rowBytes = n / 8;
  const pair = new Int32Array(2);
  for (let j = 0; j < s; j++) {
    const base = 8 * j * rowBytes;
    for (let g = 0; g < rowBytes; g++) {
      let lo = 0;
      let hi = 0;
      for (let k = 0; k < 4; k++) {
        lo |= src[(8 * g + k) * s + j] << (8 * k);
        hi |= src[(8 * g + k + 4) * s + j] << (8 * k);
      }
      transpose8(lo, hi, pair, 0);
      for (let k = 0; k < 8; k++) dst[base + k * rowBytes + g] = pair[k >> 2] >>> (8 * (k & 3));
    }
  }
}
