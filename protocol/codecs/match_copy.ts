/**
 * The back-reference copy LZ77 decoders (LZ4, BloscLZ) share.
 *
 * @module
 */

/**
 * Copies `len` bytes that start `distance` bytes before `d` to `d`. When the two overlap the
 * pattern repeats, as LZ77 means it. The caller has checked both ranges against `dst`.
 * @param dst the output being decoded
 * @param d where the copy goes
 * @param distance how far back the copy starts (at least 1)
 * @param len bytes to copy
 * @example
 * ```ts
 * import { copyMatch } from "./match_copy.ts";
 * const out = new Uint8Array([7, 0, 0, 0]);
 * copyMatch(out, 1, 1, 3); // out is [7, 7, 7, 7]
 * ```
 */
export function copyMatch(dst: Uint8Array, d: number, distance: number, len: number): void {
  if (len <= 16) {
    for (let i = 0, m = d - distance; i < len; i++) dst[d + i] = dst[m + i];
    return;
  }
  // The bytes before `d` repeat with period `distance`; each chunk copies from a whole number
  // of periods back, and that distance grows with what was written, so runs take few copies.
  let dist = distance;
  let done = 0;
  while (done < len) {
    const n = Math.min(dist, len - done);
    const at = d + done;
    dst.copyWithin(at, at - dist, at - dist + n);
    done += n;
    dist += n;
  }
}
