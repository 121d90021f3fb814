/**
 * LZ4 blocks (the raw block format, no frame): what areaDetector's "lz4" codec sends
 * (`LZ4_compress_default` over the whole array) and what bitshuffle and blosc compress each
 * block with. Decoding writes straight into the caller's output and checks every offset and
 * length against both buffers, so corrupted input ends in a {@link CodecError}, never in a write
 * outside the output.
 *
 * @module
 */
import { CodecError } from "./errors.ts";
import { copyMatch } from "./match_copy.ts";

const MIN_MATCH = 4;
/** The block format ends with at least this many literals... */
const LAST_LITERALS = 5;
/** ...and the last match starts at least this far from the end. */
const MF_LIMIT = 12;
const MAX_OFFSET = 65535;
/** Failed match searches before the step grows (LZ4's skip strength). */
const SKIP_TRIGGER = 6;

/**
 * The largest an LZ4 block of `n` input bytes can get (LZ4_compressBound).
 * @param n input bytes
 * @example
 * ```ts
 * import { lz4BlockBound } from "./lz4.ts";
 * lz4BlockBound(8192); // 8240
 * ```
 */
export function lz4BlockBound(n: number): number {
  return n + Math.floor(n / 255) + 16;
}

/**
 * Decodes one LZ4 block into `dst` and returns how many bytes it wrote. `dst` bounds the
 * output: a block that would write more fails.
 * @param src the compressed block, exactly (no trailing bytes)
 * @param dst where the bytes go, from index 0
 * @param codec names the codec in errors (bitshuffle and blosc blocks say theirs)
 * @throws {CodecError} on truncated input, a zero or too-far match offset, or output overflow
 * @example
 * ```ts
 * import { decodeLz4Block, encodeLz4Block } from "./lz4.ts";
 * const text = new TextEncoder().encode("abcabcabcabcabcabcabcabc");
 * const out = new Uint8Array(text.length);
 * decodeLz4Block(encodeLz4Block(text), out); // 24
 * ```
 */
export function decodeLz4Block(src: Uint8Array, dst: Uint8Array, codec = "lz4"): number {
  const sEnd = src.length;
  const dEnd = dst.length;
  let s = 0;
  let d = 0;
  while (s < sEnd) {
    const token = src[s++];
    let lit = token >>> 4;
    if (lit > 0) {
      if (lit === 15) {
        let b: number;
        do {
          if (s >= sEnd) throw new CodecError(codec, `block truncated in a literal length at byte ${s}`);
          b = src[s++];
          lit += b;
        } while (b === 255);
      }
      if (lit > sEnd - s) {
        throw new CodecError(codec, `block truncated: ${lit} literals, ${sEnd - s} bytes remain`);
      }
      if (lit > dEnd - d) throw new CodecError(codec, `output overflows ${dEnd} bytes (literals at ${d})`);
      for (const end = s + lit; s < end;) dst[d++] = src[s++];
    }
    if (s === sEnd) return d; // the last sequence has literals only
    if (sEnd - s < 2) throw new CodecError(codec, `block truncated in a match offset at byte ${s}`);
    const offset = src[s] | (src[s + 1] << 8);
    s += 2;
    let len = (token & 15) + MIN_MATCH;
    if (len === 15 + MIN_MATCH) {
      let b: number;
      do {
        if (s >= sEnd) throw new CodecError(codec, `block truncated in a match length at byte ${s}`);
        b = src[s++];
        len += b;
      } while (b === 255);
    }
    if (offset === 0 || offset > d) {
      throw new CodecError(codec, `match offset ${offset} at output byte ${d} is outside the output`);
    }
    if (len > dEnd - d) throw new CodecError(codec, `output overflows ${dEnd} bytes (match at ${d})`);
    if (len <= 32) {
      for (let m = d - offset, end = d + len; d < end;) dst[d++] = dst[m++];
    } else {
      copyMatch(dst, d, offset, len);
      d += len;
    }
  }
  throw new CodecError(codec, `block truncated at byte ${s} (expected a token)`);
}

/**
 * Reusable state of the LZ4 block encoder (its match table): encode many blocks with one.
 * A table left over from an earlier block only proposes candidates, each checked against the
 * current input, so no reset is needed between blocks.
 * @example
 * ```ts
 * import { lz4BlockBound, Lz4Encoder } from "./lz4.ts";
 * const encoder = new Lz4Encoder();
 * const out = new Uint8Array(lz4BlockBound(8192));
 * for (const block of [new Uint8Array(8192), new Uint8Array(8192).fill(7)]) {
 *   const size = encoder.encode(block, out); // out.subarray(0, size) is the block
 * }
 * ```
 */
export class Lz4Encoder {
  #table = new Int32Array(1 << 16).fill(-1);

  /**
   * Compresses `src` into one LZ4 block (greedy, like LZ4_compress_default).
   * @param src the bytes to compress
   * @param dst where the block goes; at least {@link lz4BlockBound}(src.length) bytes
   * @returns the number of bytes written to `dst`
   * @throws {CodecError} when `dst` is smaller than the bound
   */
  encode(src: Uint8Array, dst: Uint8Array): number {
    const n = src.length;
    if (dst.length < lz4BlockBound(n)) {
      throw new CodecError("lz4", `output of ${dst.length} bytes is below the bound for ${n} input bytes`);
    }
    if (n < MF_LIMIT + 1) return writeSequence(src, 0, n, dst, 0, 0, 0);
    const table = this.#table;
    const view = new DataView(src.buffer, src.byteOffset, n);
    const mfLimit = n - MF_LIMIT;
    const matchLimit = n - LAST_LITERALS;
    let o = 0;
    let anchor = 0;
    let i = 0;
    let misses = 1 << SKIP_TRIGGER;
    while (i <= mfLimit) {
      const seq = view.getInt32(i, true);
      const h = Math.imul(seq, -1640531535) >>> 16; // 2654435761, Knuth's multiplicative hash
      let cand = table[h];
      table[h] = i;
      if (cand < 0 || cand >= i || i - cand > MAX_OFFSET || view.getInt32(cand, true) !== seq) {
        i += misses++ >>> SKIP_TRIGGER;
        continue;
      }
      misses = 1 << SKIP_TRIGGER;
      while (i > anchor && cand > 0 && src[i - 1] === src[cand - 1]) {
        i--;
        cand--;
      }
      let len = MIN_MATCH;
      while (i + len < matchLimit && src[i + len] === src[cand + len]) len++;
      o = writeSequence(src, anchor, i, dst, o, i - cand, len);
      i += len;
      anchor = i;
    }
    return writeSequence(src, anchor, n, dst, o, 0, 0);
  }
}

/** Writes literals src[from, to) and then a match (none when `len` is 0); returns the new end. */
function writeSequence(
  src: Uint8Array,
  from: number,
  to: number,
  dst: Uint8Array,
  o: number,
  offset: number,
  len: number,
): number {
  const lit = to - from;
  const tokenAt = o++;
  let token = (lit >= 15 ? 15 : lit) << 4;
  if (lit >= 15) o = writeLength(dst, o, lit - 15);
  if (lit < 32) {
    for (let k = 0; k < lit; k++) dst[o + k] = src[from + k];
  } else {
    dst.set(src.subarray(from, to), o);
  }
  o += lit;
  if (len > 0) {
    dst[o++] = offset & 255;
    dst[o++] = offset >>> 8;
    const ml = len - MIN_MATCH;
    token |= ml >= 15 ? 15 : ml;
    if (ml >= 15) o = writeLength(dst, o, ml - 15);
  }
  dst[tokenAt] = token;
  return o;
}

function writeLength(dst: Uint8Array, o: number, rest: number): number {
  while (rest >= 255) {
    dst[o++] = 255;
    rest -= 255;
  }
  dst[o++] = rest;
  return o;
}

/**
 * Compresses `src` into a new LZ4 block, sized to fit.
 * @param src the bytes to compress
 * @example
 * ```ts
 * import { encodeLz4Block } from "./lz4.ts";
 * encodeLz4Block(new Uint8Array(1000)).length < 20; // true
 * ```
 */
export function encodeLz4Block(src: Uint8Array): Uint8Array {
  const dst = new Uint8Array(lz4BlockBound(src.length));
  return dst.slice(0, new Lz4Encoder().encode(src, dst));
}
