import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ARRAY_CONSTRUCTORS,
  ntAttribute,
  ntNDArray,
  type NumericArray,
  type NumericType,
  readNTNDArray,
  scalar,
} from "../../../mod.ts";
import { PreviewError, renderPreview, VIRIDIS } from "../../../runtime/preview/mod.ts";

const pixel = (
  rgba: Uint8ClampedArray,
  width: number,
  x: number,
  y: number,
) => [...rgba.subarray((y * width + x) * 4, (y * width + x) * 4 + 4)];
const viridis = (level: number) => [...VIRIDIS.subarray(level * 3, level * 3 + 3), 255];

/** An nx × ny array of `type` holding `value(x, y)`. */
function monoFrame(type: NumericType, nx: number, ny: number, value: (x: number, y: number) => number) {
  const data = new ARRAY_CONSTRUCTORS[type](nx * ny);
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      const v = value(x, y);
      data[y * nx + x] =
        (data instanceof BigInt64Array || data instanceof BigUint64Array ? BigInt(v) : v) as never;
    }
  }
  return data as NumericArray;
}

for (const type of Object.keys(ARRAY_CONSTRUCTORS) as NumericType[]) {
  Deno.test(`mono ${type}: the smallest value is the map's first colour, the largest its last`, () => {
    const signed = type.startsWith("int") || type.startsWith("float");
    const low = signed ? -100 : 3;
    // x grows to the right, y downwards: value = low + x + 4y over a 4 × 3 frame.
    const data = monoFrame(type, 4, 3, (x, y) => low + x + 4 * y);
    const image = renderPreview({ data, shape: [4, 3], colorMode: 0 });
    assert.deepEqual([image.width, image.height, image.sourceWidth, image.sourceHeight], [4, 3, 4, 3]);
    assert.equal(image.dtype, type);
    assert.deepEqual([image.min, image.max], [low, low + 11]);
    assert.deepEqual(pixel(image.rgba, 4, 0, 0), viridis(0));
    assert.deepEqual(pixel(image.rgba, 4, 3, 2), viridis(255));
    assert.deepEqual(pixel(image.rgba, 4, 1, 1), viridis(Math.round((5 * 255) / 11)));
  });
}

Deno.test("64-bit integers beyond 2^53 scale without throwing", () => {
  const data = new BigUint64Array([0n, 2n ** 63n, 2n ** 64n - 1n, 5n]);
  const image = renderPreview({ data, shape: [2, 2] });
  assert.equal(image.min, 0);
  assert.equal(image.max, 2 ** 64);
  assert.deepEqual(pixel(image.rgba, 2, 1, 1), viridis(0));
  assert.deepEqual(pixel(image.rgba, 2, 0, 1), viridis(255));
});

/** A 4 × 2 picture: top row red, green, blue, white; bottom row black, 50% grey, black, black. */
const PICTURE = [
  [[200, 0, 0], [0, 200, 0], [0, 0, 200], [200, 200, 200]],
  [[0, 0, 0], [100, 100, 100], [0, 0, 0], [0, 0, 0]],
];

/** PICTURE laid out for `colorMode`, as pvapy-ad-sim-server and areaDetector order RGB1, RGB2, RGB3. */
function rgbFrame(colorMode: 2 | 3 | 4): { data: Uint16Array; shape: number[] } {
  const [nx, ny] = [4, 2];
  const dims = colorMode === 2 ? [3, nx, ny] : colorMode === 3 ? [nx, 3, ny] : [nx, ny, 3];
  const data = new Uint16Array(nx * ny * 3);
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      for (let c = 0; c < 3; c++) {
        const at = colorMode === 2
          ? c + 3 * (x + nx * y)
          : colorMode === 3
          ? x + nx * (c + 3 * y)
          : x + nx * (y + ny * c);
        data[at] = PICTURE[y][x][c];
      }
    }
  }
  return { data, shape: dims };
}

for (const colorMode of [2, 3, 4] as const) {
  Deno.test(`RGB ColorMode ${colorMode} is drawn in colour, scaled over all channels`, () => {
    const image = renderPreview({ ...rgbFrame(colorMode), colorMode });
    assert.deepEqual([image.width, image.height, image.min, image.max], [4, 2, 0, 200]);
    assert.deepEqual(pixel(image.rgba, 4, 0, 0), [255, 0, 0, 255]);
    assert.deepEqual(pixel(image.rgba, 4, 1, 0), [0, 255, 0, 255]);
    assert.deepEqual(pixel(image.rgba, 4, 2, 0), [0, 0, 255, 255]);
    assert.deepEqual(pixel(image.rgba, 4, 3, 0), [255, 255, 255, 255]);
    assert.deepEqual(pixel(image.rgba, 4, 1, 1), [128, 128, 128, 255]);
  });
}

Deno.test("large frames shrink to maxSize on the long side, keeping the aspect ratio", () => {
  const image = renderPreview({ data: new Uint8Array(2048 * 512), shape: [2048, 512] }, { maxSize: 256 });
  assert.deepEqual([image.width, image.height], [256, 64]);
  const tall = renderPreview({ data: new Uint8Array(3 * 10 * 1000), shape: [10, 1000, 3], colorMode: 4 }, {
    maxSize: 100,
  });
  assert.deepEqual([tall.width, tall.height], [1, 100]);
  const line = renderPreview({ data: new Float32Array(300), shape: [300] }, { maxSize: 128 });
  assert.deepEqual([line.width, line.height], [128, 1]);
});

Deno.test("downsampling samples source pixels spread over the whole frame", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 600 }),
      fc.integer({ min: 1, max: 600 }),
      fc.integer({ min: 1, max: 64 }),
      (nx, ny, maxSize) => {
        // Each pixel holds its own x: the preview's leftmost and rightmost columns come from near the edges.
        const data = monoFrame("float64", nx, ny, (x) => x);
        const image = renderPreview({ data, shape: [nx, ny] }, { maxSize });
        assert.ok(Math.max(image.width, image.height) <= maxSize);
        assert.ok(image.width <= nx && image.height <= ny);
        const step = nx / image.width;
        assert.ok(image.min < step, `first column from x ${image.min} < ${step}`);
        assert.ok(image.max >= nx - step - 1, `last column from x ${image.max} near ${nx}`);
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("NaN is drawn black and infinities do not flatten the scale", () => {
  const data = new Float32Array([NaN, Infinity, -Infinity, 1, 2, 3]);
  const image = renderPreview({ data, shape: [3, 2] });
  assert.deepEqual([image.min, image.max], [1, 3]);
  assert.deepEqual(pixel(image.rgba, 3, 0, 0), [0, 0, 0, 255]);
  assert.deepEqual(pixel(image.rgba, 3, 1, 0), viridis(255));
  assert.deepEqual(pixel(image.rgba, 3, 2, 0), viridis(0));
  assert.deepEqual(pixel(image.rgba, 3, 1, 1), viridis(128));
  const flat = renderPreview({ data: new Int8Array([7, 7, 7, 7]), shape: [2, 2] });
  assert.deepEqual([flat.min, flat.max], [7, 7]);
  assert.deepEqual(pixel(flat.rgba, 2, 1, 1), viridis(0));
  const none = renderPreview({ data: new Float64Array([NaN]), shape: [1, 1] });
  assert.ok(Number.isNaN(none.min) && Number.isNaN(none.max));
});

Deno.test("frames that do not fit their dimensions or ColorMode are PreviewErrors naming the problem", () => {
  const cases: [Parameters<typeof renderPreview>[0], RegExp][] = [
    [{ data: new Uint8Array(5), shape: [2, 3] }, /holds 5 elements but dimensions \[2, 3\] need 6/],
    [{ data: new Uint8Array(8), shape: [2, 2, 2] }, /mono frame has 1 or 2 dimensions, not 3/],
    [{ data: new Uint8Array(12), shape: [4, 3], colorMode: 2 }, /ColorMode 2 needs 3 dimensions/],
    [{ data: new Uint8Array(12), shape: [2, 3, 2], colorMode: 2 }, /3 colours in dimension 0/],
    [{ data: new Uint8Array(12), shape: [3, 4], colorMode: 5 }, /ColorMode 5 is not mono/],
    [{ data: new Uint8Array(4), shape: [0, 4] }, /dimension 0 has size 0/],
    [{ data: new Uint8Array(4), shape: [] }, /1 or 2 dimensions, not 0/],
  ];
  for (const [frame, message] of cases) {
    assert.throws(() => renderPreview(frame), (e) => e instanceof PreviewError && message.test(e.message));
  }
  assert.throws(() => renderPreview({ data: new Uint8Array(4), shape: [2, 2] }, { maxSize: 0 }), RangeError);
});

Deno.test("a frame read from an NTNDArray is previewed as is, ColorMode attribute included", () => {
  const { data, shape } = rgbFrame(3);
  const ntColorMode = ntAttribute("ColorMode", { type: scalar("int32"), value: 3 }, "Color mode");
  const read = readNTNDArray(ntNDArray({ data, dims: shape, attributes: [ntColorMode] }));
  const image = renderPreview({ ...read, shape: read.dims });
  assert.equal(image.colorMode, 3);
  assert.deepEqual(pixel(image.rgba, 4, 2, 0), [0, 0, 255, 255]);
});
