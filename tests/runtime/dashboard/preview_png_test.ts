import assert from "node:assert/strict";
import { crc32, encodePng } from "../../../runtime/preview/mod.ts";

interface Chunk {
  type: string;
  body: Uint8Array<ArrayBuffer>;
  crc: number;
}

/** Splits a PNG file into its chunks, checking the signature. */
function chunks(png: Uint8Array<ArrayBuffer>): Chunk[] {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: Chunk[] = [];
  for (let at = 8; at < png.length;) {
    const length = view.getUint32(at);
    const type = new TextDecoder().decode(png.subarray(at + 4, at + 8));
    out.push({ type, body: png.subarray(at + 8, at + 8 + length), crc: view.getUint32(at + 8 + length) });
    at += 12 + length;
  }
  return out;
}

Deno.test("crc32 gives the published check values", () => {
  // The CRC-32 check value of "123456789" and the CRC every PNG's IEND chunk carries.
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  assert.equal(crc32(new TextEncoder().encode("IEND")), 0xae426082);
});

Deno.test("encodePng writes IHDR, zlib-compressed scanlines and IEND, each with its CRC", async () => {
  const [width, height] = [3, 2];
  const rgba = Uint8Array.from({ length: width * height * 4 }, (_, i) => (i * 37) % 256);
  const png = await encodePng({ width, height, rgba });
  const list = chunks(png);
  assert.deepEqual(list.map((c) => c.type), ["IHDR", "IDAT", "IEND"]);
  for (const c of list) {
    const typed = new Uint8Array(4 + c.body.length);
    typed.set(new TextEncoder().encode(c.type));
    typed.set(c.body, 4);
    assert.equal(c.crc, crc32(typed), `${c.type} CRC`);
  }
  const ihdr = new DataView(list[0].body.buffer, list[0].body.byteOffset, 13);
  assert.deepEqual(
    [ihdr.getUint32(0), ihdr.getUint32(4), ...list[0].body.subarray(8)],
    [3, 2, 8, 6, 0, 0, 0],
  );
  const raw = await new Response(
    new Blob([list[1].body]).stream().pipeThrough(new DecompressionStream("deflate")),
  ).bytes();
  assert.equal(raw.length, height * (1 + width * 4));
  for (let y = 0; y < height; y++) {
    const line = raw.subarray(y * (1 + width * 4), (y + 1) * (1 + width * 4));
    assert.equal(line[0], 0, "filter type none");
    assert.deepEqual([...line.subarray(1)], [...rgba.subarray(y * width * 4, (y + 1) * width * 4)]);
  }
  assert.equal(list[2].body.length, 0);
});

Deno.test("encodePng refuses pixels that do not match the size", async () => {
  await assert.rejects(
    encodePng({ width: 2, height: 2, rgba: new Uint8Array(15) }),
    /2x2 RGBA image has 16 bytes, not 15/,
  );
  await assert.rejects(encodePng({ width: 0, height: 2, rgba: new Uint8Array(0) }), RangeError);
});
