/**
 * Our codecs against the Python packages areaDetector users decode with (lz4, bitshuffle,
 * blosc): frames they compress decode here, frames compressed here decode there, and their
 * frames damaged end in a CodecError.
 */
import assert from "node:assert/strict";
import { CodecError, compressArray, decompressArray } from "../../protocol/codecs/mod.ts";
import { ARRAY_CONSTRUCTORS, type NumericType } from "../../protocol/pvdata/types.ts";
import { bytesOf, decodesOrRejects } from "./helpers.ts";
import { IGNORE_PYTHON, type PythonJob, PythonWorkspace } from "./python.ts";

/** Image shapes: a full 1 Mpixel uint16 detector frame, and sizes that leave partial blocks and groups. */
const IMAGES: { dtype: NumericType; width: number; height: number }[] = [
  { dtype: "uint16", width: 1024, height: 1024 },
  { dtype: "uint8", width: 301, height: 77 },
  { dtype: "int16", width: 129, height: 65 },
  { dtype: "uint32", width: 250, height: 101 },
  { dtype: "float32", width: 64, height: 64 },
  { dtype: "float64", width: 37, height: 13 },
];
const BLOSC = ["blosclz", "lz4", "lz4hc", "zlib", "zstd"].flatMap((cname) =>
  [0, 1, 2].map((shuffle) => ({ cname, shuffle }))
);

function name(img: (typeof IMAGES)[number]): string {
  return `${img.dtype}-${img.width}x${img.height}`;
}

/** The elements of `bytes` as a typed array of `dtype` (a copy, aligned). */
function typed(dtype: NumericType, bytes: Uint8Array) {
  const out = new ARRAY_CONSTRUCTORS[dtype](bytes.byteLength / ARRAY_CONSTRUCTORS[dtype].BYTES_PER_ELEMENT);
  bytesOf(out).set(bytes);
  return out;
}

Deno.test({
  name:
    "codecs vs Python: lz4, bslz4 and every blosc compressor and shuffle decode here; lz4, bslz4 and blosc decode there",
  ignore: IGNORE_PYTHON,
  sanitizeResources: false,
  async fn() {
    await using ws = await PythonWorkspace.create();
    const jobs: PythonJob[] = [];
    for (const img of IMAGES) {
      jobs.push({ op: "image", ...img, seed: 7, output: `${name(img)}.raw` });
      for (const codec of ["lz4", "bslz4"] as const) {
        jobs.push({
          op: "compress",
          codec,
          dtype: img.dtype,
          input: `${name(img)}.raw`,
          output: `${name(img)}.${codec}`,
        });
      }
      for (const { cname, shuffle } of BLOSC) {
        jobs.push({
          op: "compress",
          codec: "blosc",
          dtype: img.dtype,
          input: `${name(img)}.raw`,
          output: `${name(img)}.${cname}-${shuffle}.blosc`,
          cname,
          shuffle,
        });
      }
    }
    await ws.run(jobs);

    const back: PythonJob[] = [];
    for (const img of IMAGES) {
      const raw = await ws.read(`${name(img)}.raw`);
      const files = [
        `${name(img)}.lz4`,
        `${name(img)}.bslz4`,
        ...BLOSC.map((b) => `${name(img)}.${b.cname}-${b.shuffle}.blosc`),
      ];
      for (const file of files) {
        const codec = file.slice(file.lastIndexOf(".") + 1);
        const data = decompressArray(codec, await ws.read(file), {
          elementType: img.dtype,
          uncompressedSize: raw.length,
        });
        assert.ok(data instanceof ARRAY_CONSTRUCTORS[img.dtype]);
        assert.deepEqual(bytesOf(data), raw, file);
      }
      for (const codec of ["lz4", "bslz4", "blosc"] as const) {
        await ws.write(`${name(img)}.ours.${codec}`, compressArray(codec, typed(img.dtype, raw)));
        back.push({
          op: "decompress",
          codec,
          dtype: img.dtype,
          nbytes: raw.length,
          input: `${name(img)}.ours.${codec}`,
          output: `${name(img)}.ours.${codec}.raw`,
        });
      }
    }
    await ws.run(back);
    for (const img of IMAGES) {
      const raw = await ws.read(`${name(img)}.raw`);
      for (const codec of ["lz4", "bslz4", "blosc"]) {
        assert.deepEqual(
          await ws.read(`${name(img)}.ours.${codec}.raw`),
          raw,
          `${name(img)} ${codec} via Python`,
        );
      }
    }
  },
});

Deno.test({
  name: "codecs vs Python: their frames truncated, resized or overwritten end in a CodecError, never worse",
  ignore: IGNORE_PYTHON,
  sanitizeResources: false,
  async fn() {
    await using ws = await PythonWorkspace.create();
    const img = { dtype: "uint16" as const, width: 200, height: 120 };
    const jobs: PythonJob[] = [{ op: "image", ...img, seed: 3, output: "img.raw" }];
    for (const codec of ["lz4", "bslz4"] as const) {
      jobs.push({ op: "compress", codec, dtype: img.dtype, input: "img.raw", output: `img.${codec}` });
    }
    for (const cname of ["blosclz", "lz4", "zlib", "zstd"]) {
      jobs.push({
        op: "compress",
        codec: "blosc",
        dtype: img.dtype,
        input: "img.raw",
        output: `img.${cname}.blosc`,
        cname,
        shuffle: 2,
      });
    }
    await ws.run(jobs);
    const size = 2 * img.width * img.height;
    const files = [
      "img.lz4",
      "img.bslz4",
      ...["blosclz", "lz4", "zlib", "zstd"].map((c) => `img.${c}.blosc`),
    ];
    for (const file of files) {
      const codec = file.endsWith(".blosc") ? "blosc" : file.slice(4);
      const good = await ws.read(file);
      const decode = (bytes: Uint8Array, uncompressedSize = size) =>
        decompressArray(codec, bytes, { elementType: "uint16", uncompressedSize });
      for (const cut of [1, 17, good.length >> 1, good.length - 1]) {
        assert.throws(() => decode(good.subarray(0, cut)), CodecError, `${file} cut at ${cut}`);
      }
      assert.throws(() => decode(good, size + 2), CodecError, `${file} declared 2 bytes longer`);
      assert.throws(() => decode(good, size - 2), CodecError, `${file} declared 2 bytes shorter`);
      // Damage in the middle may still decode (LZ4 has no checksum) but must never throw anything else.
      for (let seed = 1; seed <= 40; seed++) {
        const damaged = good.slice();
        for (let i = seed; i < damaged.length; i += 50 + seed) damaged[i] ^= 0x5a + seed;
        decodesOrRejects(codec, () => decode(damaged));
      }
      const noise = good.map((_, i) => (i * 2654435761) >>> 24);
      decodesOrRejects(codec, () => decode(noise));
    }
  },
});
