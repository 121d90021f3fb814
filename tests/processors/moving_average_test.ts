import assert from "node:assert/strict";
import fc from "fast-check";
import { type DType, scalar } from "../../mod.ts";
import { MovingAverage, MovingAverageProcessor } from "../../processors/moving_average.ts";
import { DATA_STAMP, DTYPES, frameOf, type PlainImage, STAMP, typed } from "./images.ts";

/** Frame i of a sequence: one of two shapes and dtypes, pixels from its seed. */
function imageOf(step: { shape: 0 | 1; seed: number }): PlainImage {
  const [dtype, colorMode, nx, ny]: [DType, number, number, number] = step.shape === 0
    ? ["uint16", 0, 5, 3]
    : ["float32", 3, 2, 2];
  return { dtype, colorMode, nx, ny, at: (c, x, y) => ((step.seed * 31 + c * 7 + x * 3 + y) % 1000) / 4 };
}

Deno.test("moving average: each output is the mean of the latest n frames of the current shape", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.constantFrom<DType>("float64", "float32", "int32", "uint8", "int64"),
      fc.array(fc.record({ shape: fc.constantFrom<0 | 1>(0, 1), seed: fc.nat(10_000) }), {
        minLength: 1,
        maxLength: 25,
      }),
      (n, dtype, steps) => {
        const avg = new MovingAverage({ n, dtype });
        const history: number[][] = [];
        let resets = 0;
        steps.forEach((step, i) => {
          if (i > 0 && step.shape !== steps[i - 1].shape) {
            history.length = 0;
            resets++;
          }
          const frame = frameOf(imageOf(step), i);
          history.push(Array.from(frame.data as ArrayLike<number>));
          const window = history.slice(-n);
          const mean = window[0].map((_, k) => window.reduce((a, f) => a + f[k], 0) / window.length);
          const integer = !dtype.startsWith("float");
          const out = avg.add(frame);
          assert.deepEqual(out.data, typed(dtype, mean.map((m) => integer ? Math.round(m) : m)));
          assert.equal(out.dtype, dtype);
          assert.deepEqual(out.shape, frame.shape);
          assert.equal(out.uniqueId, i);
          assert.equal(out.attributes.AveragedFrames, window.length);
          assert.equal(avg.resets, resets);
        });
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("moving average: every input dtype, RGB kept apart, stamps and attributes of the latest frame", () => {
  for (const dtype of DTYPES) {
    const avg = new MovingAverage({ n: 2 });
    const image = (k: number): PlainImage => ({
      dtype,
      colorMode: 2,
      nx: 2,
      ny: 1,
      at: (c, x) => k * 10 + c * 2 + x,
    });
    avg.add(frameOf(image(1), 1));
    const out = avg.add(frameOf(image(2), 2));
    // Samples of frames 1 and 2: c + 3x order, (10 + v, 20 + v) → 15 + v.
    assert.deepEqual([...out.data], [15, 17, 19, 16, 18, 20], dtype);
    assert.deepEqual([out.uniqueId, out.timeStamp, out.dataTimeStamp], [2, STAMP, DATA_STAMP]);
    assert.equal(out.attributes.ColorMode, 2);
    assert.deepEqual(out.attributeTypes?.AveragedFrames, scalar("int32"));
  }
});

Deno.test("moving average processor: arguments, restarts and statistics", () => {
  const p = new MovingAverageProcessor();
  p.configure({ n: 2, dtype: "uint16" });
  const image = (k: number): PlainImage => ({ dtype: "uint8", colorMode: 0, nx: 2, ny: 2, at: () => k });
  p.process(frameOf(image(1)));
  p.process(frameOf(image(2)));
  const out = p.process(frameOf(image(5)));
  assert.equal(out.dtype, "uint16");
  assert.deepEqual([...out.data], [4, 4, 4, 4], "(2 + 5) / 2 rounded up");
  p.process(frameOf({ ...image(1), nx: 4, ny: 1 }));
  assert.deepEqual(p.stats(), { nFrames: 4, nResets: 1, nAveraged: 1 });
  p.resetStats();
  assert.deepEqual(p.stats(), { nFrames: 0, nResets: 0, nAveraged: 1 });
  assert.throws(() => p.configure({ n: 0 }), /argument n: expected an integer from 1 to 1000/);
  assert.throws(() => p.configure({ dtype: "complex" }), /argument dtype/);
  assert.throws(() => new MovingAverage({ n: 0 }), /argument n: expected an integer from 1 to 1000, got 0/);
});
