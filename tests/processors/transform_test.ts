import assert from "node:assert/strict";
import fc from "fast-check";
import { frameFromNTNDArray, ntNDArray } from "../../mod.ts";
import { transformFrame, type TransformOptions, TransformProcessor } from "../../processors/transform.ts";
import { arbitraryImage, DATA_STAMP, frameOf, pixelsOf, type PlainImage, shapeOf, STAMP } from "./images.ts";

/** Each operation on its own, by where each output pixel comes from. */
const OPERATIONS: Record<string, (i: PlainImage) => PlainImage> = {
  transpose: (i) => ({ ...i, nx: i.ny, ny: i.nx, at: (c, x, y) => i.at(c, y, x) }),
  flipX: (i) => ({ ...i, at: (c, x, y) => i.at(c, i.nx - 1 - x, y) }),
  flipY: (i) => ({ ...i, at: (c, x, y) => i.at(c, x, i.ny - 1 - y) }),
  rotate90: (i) => ({ ...i, nx: i.ny, ny: i.nx, at: (c, x, y) => i.at(c, y, i.ny - 1 - x) }),
  rotate180: (i) => ({ ...i, at: (c, x, y) => i.at(c, i.nx - 1 - x, i.ny - 1 - y) }),
  rotate270: (i) => ({ ...i, nx: i.ny, ny: i.nx, at: (c, x, y) => i.at(c, i.nx - 1 - y, x) }),
};

/** The operations one after the other, in the documented order. */
function reference(image: PlainImage, o: TransformOptions): PlainImage {
  let out = image;
  if (o.transpose) out = OPERATIONS.transpose(out);
  if (o.flipX) out = OPERATIONS.flipX(out);
  if (o.flipY) out = OPERATIONS.flipY(out);
  if (o.rotate) out = OPERATIONS[`rotate${o.rotate}`](out);
  return out;
}

for (const [size, numRuns] of [[24, 500], [100, 40]]) {
  // Frames wider than 32 pixels are copied in several bands of columns when turned.
  Deno.test(`transform: every combination matches the operations applied one by one, every dtype and colour mode, up to ${size} x ${size}`, () => {
    fc.assert(
      fc.property(
        arbitraryImage({ maxSize: size }),
        fc.record({
          transpose: fc.boolean(),
          flipX: fc.boolean(),
          flipY: fc.boolean(),
          rotate: fc.constantFrom(0 as const, 90 as const, 180 as const, 270 as const),
        }),
        (image, o) => {
          const want = reference(image, o);
          const out = transformFrame(frameOf(image, 9), o);
          assert.equal(out.dtype, image.dtype);
          assert.deepEqual(out.shape, shapeOf(image.colorMode, want.nx, want.ny));
          assert.deepEqual(out.data, pixelsOf(want));
          assert.equal(out.uniqueId, 9);
          assert.deepEqual([out.timeStamp, out.dataTimeStamp], [STAMP, DATA_STAMP]);
          assert.equal(out.attributes.ColorMode, image.colorMode);
        },
      ),
      { numRuns },
    );
  });
}

Deno.test("transform: 90 degrees is clockwise with row 0 at the top; flips mirror", () => {
  // 3 x 2:  1 2 3
  //         4 5 6
  const frame = () =>
    frameFromNTNDArray(ntNDArray({ data: new Uint8Array([1, 2, 3, 4, 5, 6]), dims: [3, 2] }));
  const turned = transformFrame(frame(), { rotate: 90 });
  assert.deepEqual(turned.shape, [2, 3]);
  assert.deepEqual([...turned.data], [4, 1, 5, 2, 6, 3]);
  assert.deepEqual([...transformFrame(frame(), { rotate: 270 }).data], [3, 6, 2, 5, 1, 4]);
  assert.deepEqual([...transformFrame(frame(), { flipX: true }).data], [3, 2, 1, 6, 5, 4]);
  assert.deepEqual([...transformFrame(frame(), { flipY: true }).data], [4, 5, 6, 1, 2, 3]);
  assert.deepEqual([...transformFrame(frame(), { transpose: true }).data], [1, 4, 2, 5, 3, 6]);
});

Deno.test("transform processor: arguments and statistics", () => {
  const p = new TransformProcessor();
  p.configure({ rotate: 180 });
  p.configure({ flipX: true }); // keeps rotate
  const image: PlainImage = {
    dtype: "float32",
    colorMode: 4,
    nx: 3,
    ny: 2,
    at: (c, x, y) => c * 100 + x + 10 * y,
  };
  const out = p.process(frameOf(image));
  assert.deepEqual(out.data, pixelsOf(reference(image, { rotate: 180, flipX: true })));
  assert.deepEqual(p.stats(), { nFrames: 1 });
  p.resetStats();
  assert.deepEqual(p.stats(), { nFrames: 0 });
  assert.throws(
    () => p.configure({ rotate: 45 }),
    /argument rotate: expected one of 0, 90, 180, 270, got 45/,
  );
  assert.throws(() => p.configure({ flipY: "yes" }), /argument flipY: expected true or false/);
  assert.throws(() => transformFrame(frameOf(image), { rotate: 45 as 90 }), /argument rotate/);
});
