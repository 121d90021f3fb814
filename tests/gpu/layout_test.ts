import assert from "node:assert/strict";
import fc from "fast-check";
import { type DType, type FrameDataOf, GpuContext, wgslPixelLoader } from "../../mod.ts";
import { noGpu } from "./adapter.ts";
import { randomPixels } from "./frames.ts";
import { DTYPES } from "../processors/images.ts";

/** What the shader must read: the pixel in its WGSL type, as the bits of a u32. */
function expectedBits(data: FrameDataOf[DType]): Uint32Array {
  const out = new Uint32Array(data.length);
  if (data instanceof Float32Array) out.set(new Uint32Array(data.buffer, data.byteOffset, data.length));
  else if (data instanceof BigInt64Array || data instanceof BigUint64Array || data instanceof Float64Array) {
    new Float32Array(out.buffer).set(Array.from(data as ArrayLike<number | bigint>, Number));
  } else new Int32Array(out.buffer).set(data as ArrayLike<number>);
  return out;
}

Deno.test({
  name:
    "gpu layout: every dtype reads back as its WGSL value, frames of odd sizes packed one after the other",
  ignore: noGpu,
  fn: async () => {
    const gpu = await GpuContext.open();
    try {
      for (const dtype of DTYPES) {
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.integer({ min: 0, max: 77 }), { minLength: 1, maxLength: 3 }),
            fc.integer(),
            async (sizes, seed) => {
              const frames = sizes.map((n, k) => ({ dtype, data: randomPixels(dtype, n, seed + k) }));
              const input = gpu.upload("in", frames);
              const total = sizes.reduce((a, b) => a + b, 0);
              const out = gpu.buffer("out", 4 * total);
              const params = gpu.buffer("params", 16 * sizes.length);
              const table = new Uint32Array(4 * sizes.length);
              let first = 0;
              sizes.forEach((n, k) => {
                table.set([input.offsets[k], first, n], 4 * k);
                first += n;
              });
              gpu.write(params, table);
              const pipeline = await gpu.pipeline(`
              @group(0) @binding(0) var<storage, read> pixels: array<u32>;
              @group(0) @binding(1) var<storage, read_write> out: array<u32>;
              @group(0) @binding(2) var<storage, read> frames: array<vec4u>;
              ${wgslPixelLoader(input.layout)}
              @compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3u) {
                let f = frames[id.y];
                if (id.x < f.z) { out[f.y + id.x] = bitcast<u32>(pixel(f.x, id.x)); }
              }`);
              gpu.dispatch(pipeline, [input.buffer, out, params], [
                Math.max(1, Math.ceil(Math.max(...sizes) / 64)),
                sizes.length,
              ]);
              const got = new Uint32Array(await gpu.read(out, 4 * total));
              let o = 0;
              for (const f of frames) {
                assert.deepEqual(
                  got.subarray(o, o + f.data.length),
                  expectedBits(f.data),
                  `${dtype} ${sizes}`,
                );
                o += f.data.length;
              }
            },
          ),
          { numRuns: 8 },
        );
      }
    } finally {
      gpu.destroy();
    }
  },
});
