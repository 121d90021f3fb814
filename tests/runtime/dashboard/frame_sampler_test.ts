import assert from "node:assert/strict";
import {
  type FrameLike,
  FrameSampler,
  PreviewError,
  renderPreview,
  sampleFrame,
} from "../../../runtime/preview/mod.ts";

/** A 1000 × 600 uint16 frame whose pixel (x, y) holds x + y. */
function ramp(): FrameLike {
  const data = new Uint16Array(1000 * 600);
  for (let y = 0; y < 600; y++) for (let x = 0; x < 1000; x++) data[y * 1000 + x] = x + y;
  return { data, shape: [1000, 600], colorMode: 0 };
}

Deno.test("a sampled frame owns its pixels, remembers its original and previews as the original does", () => {
  const frame = ramp();
  const direct = renderPreview(frame);
  const small = sampleFrame(frame);
  assert.deepEqual(small.shape, [256, 154]);
  assert.ok(small.data instanceof Uint16Array);
  assert.deepEqual(small.sampledFrom, { width: 1000, height: 600, colorMode: 0, byteLength: 1_200_000 });
  // The consumer's case: the original's buffer moves to the processor after the sample is taken.
  structuredClone(frame.data.buffer, { transfer: [frame.data.buffer as ArrayBuffer] });
  assert.equal(frame.data.length, 0, "the original is detached");
  const later = renderPreview(small);
  assert.deepEqual(later, direct);
  assert.deepEqual([later.sourceWidth, later.sourceHeight, later.frameBytes], [1000, 600, 1_200_000]);
});

Deno.test("RGB frames are sampled to RGB1, bigint arrays keep their type", () => {
  const rgb3 = { data: new Uint8Array(10 * 4 * 3).map((_, i) => i), shape: [10, 4, 3], colorMode: 4 };
  const small = sampleFrame(rgb3, { maxSize: 5 });
  assert.deepEqual([small.shape, small.colorMode, small.sampledFrom?.colorMode], [[3, 5, 2], 2, 4]);
  // Preview pixel (0, 0) is source pixel (1, 1): red at 1 + 10·1, green 40 later, blue 80 later.
  assert.deepEqual([...small.data.subarray(0, 3)], [11, 51, 91]);
  const wide = sampleFrame({ data: new BigInt64Array([1n, -2n, 3n, 2n ** 60n]), shape: [4] });
  assert.ok(wide.data instanceof BigInt64Array);
  assert.deepEqual([...wide.data], [1n, -2n, 3n, 2n ** 60n]);
  assert.throws(
    () => sampleFrame({ data: new Uint8Array(8), shape: [2, 2], codec: { name: "lz4" } }),
    (e) => e instanceof PreviewError && /compressed \(lz4\)/.test(e.message),
  );
});

Deno.test("the sampler keeps a sample at most maxPerSecond times a second and tells bad frames", () => {
  let now = 0;
  const sampler = new FrameSampler({ maxPerSecond: 2, clock: () => now });
  assert.equal(sampler.latest(), undefined);
  const first = ramp();
  sampler.offer(first);
  const kept = sampler.latest();
  assert.deepEqual(kept?.sampledFrom?.width, 1000);
  now += 400;
  sampler.offer({ data: new Uint8Array(4), shape: [2, 2] });
  assert.equal(sampler.latest(), kept, "within 500 ms: not sampled");
  now += 100;
  sampler.offer({ data: new Uint8Array(4), shape: [2, 2] });
  assert.deepEqual(sampler.latest()?.shape, [2, 2]);
  now += 500;
  sampler.offer({ data: new Uint8Array(3), shape: [2, 2] });
  assert.throws(
    () => sampler.latest(),
    (e) => e instanceof PreviewError && /holds 3 elements/.test(e.message),
  );
  now += 500;
  sampler.offer(first);
  assert.equal(sampler.latest()?.sampledFrom?.width, 1000, "a good frame clears the problem");
  assert.throws(() => new FrameSampler({ maxPerSecond: 0 }), RangeError);
});
