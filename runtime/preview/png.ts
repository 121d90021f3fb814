/**
 * PNG encoding of an RGBA image (8 bits per channel, no filtering, zlib through the web-standard
 * `CompressionStream("deflate")`), enough for previews: browsers decode it natively, with no script.
 *
 * @module
 */

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** IHDR colour type 6: truecolour with alpha. */
const RGBA_COLOR_TYPE = 6;

/** The CRC-32 (ISO 3309, as PNG defines it) lookup table. */
const CRC_TABLE: Readonly<Uint32Array> = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * CRC-32 of `bytes`, as PNG chunks carry it.
 * @example
 * ```ts
 * import { crc32 } from "./png.ts";
 * crc32(new TextEncoder().encode("IEND")).toString(16); // "ae426082"
 * ```
 */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

/** An image to encode. */
export interface RgbaImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** `width * height * 4` bytes, row by row from the top. */
  rgba: Uint8Array | Uint8ClampedArray;
}

/**
 * Encodes `image` as a PNG file.
 * @throws {RangeError} when `rgba` is not `width * height * 4` bytes
 * @example
 * ```ts
 * import { encodePng } from "./png.ts";
 * const png = await encodePng({ width: 1, height: 1, rgba: new Uint8Array([255, 0, 0, 255]) });
 * png[1]; // 0x50 ("P")
 * ```
 */
export async function encodePng({ width, height, rgba }: RgbaImage): Promise<Uint8Array<ArrayBuffer>> {
  const rowBytes = width * 4;
  if (!(width >= 1 && height >= 1) || rgba.length !== rowBytes * height) {
    throw new RangeError(
      `a ${width}x${height} RGBA image has ${rowBytes * height} bytes, not ${rgba.length}`,
    );
  }
  // Each scanline starts with its filter type; 0 (none) keeps encoding a copy.
  const scanlines = new Uint8Array((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    scanlines.set(rgba.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
  }
  const zlib = await new Response(
    new Blob([scanlines]).stream().pipeThrough(new CompressionStream("deflate")),
  ).bytes();
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, RGBA_COLOR_TYPE, 0, 0, 0], 8);
  const parts = [
    new Uint8Array(SIGNATURE),
    chunk("IHDR", header),
    chunk("IDAT", zlib),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
