/**
 * `deno bench` of the NTNDArray codecs on a 1024 × 1024 uint16 detector frame (a gradient,
 * bright spots, noise of a few counts), each group against its baseline: our LZ4 block codec
 * against the npm candidates lz4js (pure JavaScript) and lz4-wasm-nodejs (lz4_flex in
 * WebAssembly, size-prefixed blocks, so a raw block is copied in behind a prefix and the output
 * copied out); our Blosc decoder against numcodecs (c-blosc in WebAssembly), on containers
 * numcodecs writes; the bitshuffle transpose on 32-bit words against its byte-wise path; whole
 * frames through bslz4 and lz4; a memcpy of the frame for scale. docs/codecs.md has the figures.
 *
 * @module
 */
import * as lz4js from "lz4js";
import * as lz4wasm from "lz4-wasm-nodejs";
import { Blosc } from "numcodecs";
import {
  bitShuffle,
  bitUnshuffle,
  compressArray,
  decodeBlosc,
  decodeLz4Block,
  decompressArray,
  encodeLz4Block,
  lz4BlockBound,
  Lz4Encoder,
} from "../protocol/codecs/mod.ts";
import { bytesOf, detectorImage } from "../tests/codecs/helpers.ts";

/** The candidates ship no types: the calls used here. */
interface Lz4js {
  decompressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, dIndex: number): number;
  compressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    sIndex: number,
    sLength: number,
    hashTable: Uint32Array,
  ): number;
  compressBound(n: number): number;
}
interface Lz4Wasm {
  compress(src: Uint8Array): Uint8Array;
  decompress(src: Uint8Array): Uint8Array;
}
const js = lz4js as unknown as Lz4js;
const wasm = lz4wasm as unknown as Lz4Wasm;

const image = detectorImage(1024, 1024);
const raw = bytesOf(image);
const SIZE = raw.length;
const block = encodeLz4Block(raw);
const prefixed = wasm.compress(raw);
const bslz4 = compressArray("bslz4", image);

function check(name: string, out: Uint8Array): void {
  if (out.length !== SIZE || !out.every((b, i) => b === raw[i])) throw new Error(`${name} decoded wrongly`);
}
// Every decoder must reproduce the frame before its speed means anything.
check("ours", decompressArray("lz4", block, { elementType: "uint8", uncompressedSize: SIZE }) as Uint8Array);
const viaJs = new Uint8Array(SIZE);
js.decompressBlock(block, viaJs, 0, block.length, 0);
check("lz4js", viaJs);
check("lz4-wasm-nodejs", wasm.decompress(prefixed));

const frame = `1024x1024 uint16, ${(SIZE / 2 ** 20).toFixed(0)} MiB`;

Deno.bench({ name: "memcpy (scale)", group: "lz4 decode", fn: () => void raw.slice() });
Deno.bench({
  name: "ours: decodeLz4Block into a new array",
  group: "lz4 decode",
  baseline: true,
  fn: () => void decodeLz4Block(block, new Uint8Array(SIZE)),
});
Deno.bench({
  name: "lz4js.decompressBlock into a new array",
  group: "lz4 decode",
  fn: () => void js.decompressBlock(block, new Uint8Array(SIZE), 0, block.length, 0),
});
Deno.bench({
  name: "lz4-wasm-nodejs.decompress (size prefix copied in)",
  group: "lz4 decode",
  fn: () => {
    const input = new Uint8Array(block.length + 4);
    new DataView(input.buffer).setUint32(0, SIZE, true);
    input.set(block, 4);
    wasm.decompress(input);
  },
});

const encoder = new Lz4Encoder();
const encoded = new Uint8Array(lz4BlockBound(SIZE));
const jsTable = new Uint32Array(1 << 16);
const jsOut = new Uint8Array(js.compressBound(SIZE));
Deno.bench({
  name: "ours: Lz4Encoder.encode",
  group: "lz4 encode",
  baseline: true,
  fn: () => void encoder.encode(raw, encoded),
});
Deno.bench({
  name: "lz4js.compressBlock",
  group: "lz4 encode",
  fn: () => void js.compressBlock(raw, jsOut, 0, SIZE, jsTable.fill(0)),
});
Deno.bench({ name: "lz4-wasm-nodejs.compress", group: "lz4 encode", fn: () => void wasm.compress(raw) });

// bslz4 transposes 8 KiB blocks (4096 uint16 elements): the blocks the transpose really sees.
const BLOCK = 8192;
function byBlocks(transpose: typeof bitShuffle, src: Uint8Array, dst: Uint8Array): void {
  for (let o = 0; o < SIZE; o += BLOCK) transpose(src.subarray(o, o + BLOCK), dst.subarray(o, o + BLOCK), 2);
}
const rows = new Uint8Array(SIZE);
byBlocks(bitShuffle, raw, rows);
const unaligned = new Uint8Array(SIZE + 1).subarray(1);
unaligned.set(rows);
const out = new Uint8Array(SIZE);
Deno.bench({
  name: "bitUnshuffle 8 KiB blocks, 32-bit words (aligned)",
  group: "bitshuffle",
  baseline: true,
  fn: () => byBlocks(bitUnshuffle, rows, out),
});
Deno.bench({
  name: "bitUnshuffle 8 KiB blocks, byte-wise (unaligned input)",
  group: "bitshuffle",
  fn: () => byBlocks(bitUnshuffle, unaligned, out),
});
Deno.bench({
  name: "bitShuffle 8 KiB blocks, 32-bit words (aligned)",
  group: "bitshuffle",
  fn: () => byBlocks(bitShuffle, raw, rows),
});

Deno.bench({
  name: `bslz4 decode ${frame}`,
  group: "frames",
  baseline: true,
  fn: () => void decompressArray("bslz4", bslz4, { elementType: "uint16", uncompressedSize: SIZE }),
});
Deno.bench({ name: `bslz4 encode ${frame}`, group: "frames", fn: () => void compressArray("bslz4", image) });
Deno.bench({
  name: `lz4 decode ${frame}`,
  group: "frames",
  fn: () => void decompressArray("lz4", block, { elementType: "uint16", uncompressedSize: SIZE }),
});
Deno.bench({ name: `lz4 encode ${frame}`, group: "frames", fn: () => void compressArray("lz4", image) });

// Blosc containers from c-blosc itself (numcodecs), one per sub-compressor and shuffle we decode.
const BLOSC_CASES = [
  { cname: "lz4", shuffle: 2 },
  { cname: "blosclz", shuffle: 1 },
  { cname: "zstd", shuffle: 1 },
  { cname: "zlib", shuffle: 2 },
];
for (const { cname, shuffle } of BLOSC_CASES) {
  const codec = Blosc.fromConfig({ id: "blosc", cname, shuffle, clevel: 5 });
  const container = await codec.encode(raw);
  const ours = new Uint8Array(SIZE);
  decodeBlosc(container, ours);
  check(`blosc ${cname}`, ours);
  check(`numcodecs ${cname}`, await codec.decode(container));
  const group = `blosc ${cname} ${shuffle === 2 ? "bitshuffle" : "shuffle"}`;
  Deno.bench({
    name: `ours: decodeBlosc (${group})`,
    group,
    baseline: true,
    fn: () => decodeBlosc(container, new Uint8Array(SIZE)),
  });
  Deno.bench({
    name: `numcodecs Blosc.decode (${group})`,
    group,
    fn: async () => void await codec.decode(container),
  });
}
