/**
 * BloscLZ, Blosc's own LZ77 compressor (c-blosc `blosclz.c`), decoding only. A control byte
 * below 32 starts a run of ctrl + 1 literals; otherwise its top 3 bits give the match length
 * (7 = more length bytes follow, each 255 adding another) and its low 5 bits the high bits of
 * the distance, with one more distance byte (255 there plus 31 above = a 16-bit far distance).
 *
 * @module
 */
import { CodecError } from "./errors.ts";
import { copyMatch } from "./match_copy.ts";

const CODEC = "blosc/blosclz";
const MAX_DISTANCE = 8191;

/**
 * Decodes one BloscLZ stream into `dst`; returns the bytes written. As in c-blosc, a stream
 * that ends right after a match's header ends there (the compressor always ends on literals).
 * @param src the compressed stream
 * @param dst bounds and receives the output
 * @throws {CodecError} on truncated input, a distance before the output start, or overflow
 * @example
 * ```ts
 * import { decodeBlosclz } from "./blosclz.ts";
 * const out = new Uint8Array(3);
 * decodeBlosclz(new Uint8Array([2, 65, 66, 67]), out); // 3: the literals "ABC"
 * ```
 */
export function decodeBlosclz(src: Uint8Array, dst: Uint8Array): number {
  const sEnd = src.length;
  const dEnd = dst.length;
  if (sEnd === 0) return 0;
  let s = 1;
  let d = 0;
  let ctrl = src[0] & 31;
  for (;;) {
    if (ctrl >= 32) {
      let len = (ctrl >>> 5) - 1;
      let high = (ctrl & 31) << 8;
      let code: number;
      if (len === 6) {
        do {
          if (s + 1 >= sEnd) throw truncated(s);
          code = src[s++];
          len += code;
        } while (code === 255);
      } else if (s + 1 >= sEnd) {
        throw truncated(s);
      }
      code = src[s++];
      len += 3;
      let distance = high + code + 1;
      if (code === 255 && high === 31 << 8) {
        if (s + 1 >= sEnd) throw truncated(s);
        high = (src[s] << 8) + src[s + 1];
        s += 2;
        distance = high + MAX_DISTANCE + 1;
      }
      if (len > dEnd - d) throw new CodecError(CODEC, `output overflows ${dEnd} bytes (match at ${d})`);
      if (distance > d) {
        throw new CodecError(CODEC, `match distance ${distance} at output byte ${d} is outside the output`);
      }
      if (s >= sEnd) return d;
      ctrl = src[s++];
      copyMatch(dst, d, distance, len);
      d += len;
    } else {
      const lit = ctrl + 1;
      if (lit > dEnd - d) throw new CodecError(CODEC, `output overflows ${dEnd} bytes (literals at ${d})`);
      if (lit > sEnd - s) throw truncated(s);
      for (let i = 0; i < lit; i++) dst[d + i] = src[s + i];
      d += lit;
      s += lit;
      if (s >= sEnd) return d;
      ctrl = src[s++];
    }
  }
}

function truncated(at: number): CodecError {
  return new CodecError(CODEC, `stream truncated at byte ${at}`);
}
