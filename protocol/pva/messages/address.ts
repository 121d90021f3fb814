/**
 * 16-byte IPv6 addresses in search and beacon messages; IPv4 travels IPv4-mapped
 * (`::ffff:a.b.c.d`). All zeros and `::ffff:0.0.0.0` both mean "the sender's address".
 * @module
 */
import type { Reader } from "../../pvdata/reader.ts";
import type { Writer } from "../../pvdata/writer.ts";

/**
 * Writes an address: an IPv4 dotted quad IPv4-mapped, or null as all zeros.
 * @example
 * ```ts
 * import { Writer } from "../../pvdata/writer.ts";
 * import { writeAddress } from "./address.ts";
 * const w = new Writer(false);
 * writeAddress(w, "127.0.0.1"); // 10 zero bytes, ff ff, 7f 00 00 01
 * ```
 */
export function writeAddress(w: Writer, ip: string | null): void {
  const out = new Uint8Array(16);
  if (ip !== null) {
    const parts = ip.split(".").map(Number);
    if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) {
      throw new RangeError(`not an IPv4 address: ${ip}`);
    }
    out[10] = out[11] = 0xff;
    out.set(parts, 12);
  }
  w.bytes(out);
}

/** Reads an address: IPv4-mapped as a dotted quad, unspecified as null, other IPv6 in hex groups. */
export function readAddress(r: Reader): string | null {
  const b = r.take(16);
  const zeroPrefix = b.subarray(0, 10).every((x) => x === 0);
  if (zeroPrefix && b[10] === 0xff && b[11] === 0xff) {
    const ip = `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
    return ip === "0.0.0.0" ? null : ip;
  }
  if (b.every((x) => x === 0)) return null;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] << 8) | b[i + 1]).toString(16));
  return groups.join(":");
}
