import assert from "node:assert/strict";
import { ARRAY_CONSTRUCTORS } from "../../../mod.ts";
import { FrameCache } from "../../../runtime/simulator/cache.ts";
import { frameDims, packedFrames, splitShape } from "../../../runtime/simulator/frame.ts";
import { DATATYPE_RANGE, generatedFrames, generatedRange } from "../../../runtime/simulator/generated.ts";
import { FrameInputError, SIM_COLOR_MODES, SIM_DATATYPES } from "../../../runtime/simulator/mod.ts";

Deno.test("frameDims: PvaPy's dimension order for each color mode", () => {
  assert.deepEqual(frameDims(5, 4, 0), [5, 4]);
  assert.deepEqual(frameDims(5, 4, 2), [3, 5, 4]);
  assert.deepEqual(frameDims(5, 4, 3), [5, 3, 4]);
  assert.deepEqual(frameDims(5, 4, 4), [5, 4, 3]);
});

Deno.test("generated frames: every datatype and color mode, dims, length, values in [minimum, maximum]", () => {
  for (const datatype of SIM_DATATYPES) {
    for (const colorMode of SIM_COLOR_MODES) {
      const [lo, hi] = DATATYPE_RANGE[datatype];
      const minimum = datatype.startsWith("u") ? 3 : -7;
      const maximum = datatype.startsWith("float") ? 2.5 : 20;
      const src = generatedFrames({ count: 3, nx: 7, ny: 5, datatype, colorMode, minimum, maximum });
      assert.equal(src.count, 3);
      const what = `${datatype} mode ${colorMode}`;
      for (let i = 0; i < 3; i++) {
        const f = src.frame(i);
        assert.ok(f.data instanceof ARRAY_CONSTRUCTORS[datatype], what);
        assert.deepEqual(f.dims, frameDims(7, 5, colorMode), what);
        assert.equal(f.colorMode, colorMode);
        assert.equal(f.data.length, 7 * 5 * (colorMode === 0 ? 1 : 3), what);
        for (const v of f.data as Float64Array) {
          assert.ok(v >= minimum && v <= Math.max(maximum, Math.fround(maximum)), `${what}: ${v}`);
          assert.ok(v >= lo && v <= hi, `${what}: ${v} within the type`);
        }
      }
      assert.notDeepEqual(src.frame(0).data, src.frame(1).data, `${what}: frames differ`);
      assert.deepEqual(src.frame(2).data, src.frame(2).data, `${what}: frame i is the same when made again`);
    }
  }
});

Deno.test("generated integers reach both ends of a small range; the default range is the type's", () => {
  const f = generatedFrames({
    count: 1,
    nx: 64,
    ny: 64,
    datatype: "int8",
    colorMode: 0,
    minimum: -2,
    maximum: 2,
  })
    .frame(0);
  assert.deepEqual(new Set(f.data as Int8Array), new Set([-2, -1, 0, 1, 2]));
  assert.deepEqual(generatedRange("uint16", null, null), [0, 65535]);
  assert.deepEqual(generatedRange("int8", -1000, 1000), [-128, 127]);
  assert.deepEqual(generatedRange("uint8", 1.5, 9.5), [2, 9]);
  assert.deepEqual(generatedRange("float32", null, 1), [-DATATYPE_RANGE.float32[1], 1]);
  const wide = generatedFrames({
    count: 1,
    nx: 256,
    ny: 256,
    datatype: "uint8",
    colorMode: 0,
    minimum: null,
    maximum: null,
  })
    .frame(0).data as Uint8Array;
  assert.equal(Math.min(...wide), 0);
  assert.equal(Math.max(...wide), 255);
});

Deno.test("splitShape: numpy shapes per color mode, one frame or several", () => {
  assert.deepEqual(splitShape([480, 640], 0, "f"), { count: 1, dims: [640, 480] });
  assert.deepEqual(splitShape([10, 480, 640], 0, "f"), { count: 10, dims: [640, 480] });
  assert.deepEqual(splitShape([480, 640, 3], 2, "f"), { count: 1, dims: [3, 640, 480] });
  assert.deepEqual(splitShape([2, 480, 3, 640], 3, "f"), { count: 2, dims: [640, 3, 480] });
  assert.deepEqual(splitShape([2, 3, 480, 640], 4, "f"), { count: 2, dims: [640, 480, 3] });
  assert.throws(
    () => splitShape([640], 0, "a.npy"),
    (e) => e instanceof FrameInputError && /a\.npy.*2-D/.test(e.message),
  );
  assert.throws(
    () => splitShape([480, 640, 4], 2, "b.npy"),
    (e) => e instanceof FrameInputError && /b\.npy.*3 colors/.test(e.message),
  );
});

Deno.test("packedFrames: frame i is a view of the shared array, not a copy", () => {
  const data = new Uint16Array(24).map((_, i) => i);
  const src = packedFrames(data, [4, 3], 0, "test");
  assert.equal(src.count, 2);
  const f = src.frame(1);
  assert.equal(f.data.buffer, data.buffer);
  assert.deepEqual([...f.data], [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
});

Deno.test("FrameCache: frames that fit are made once and repeat as the same arrays", () => {
  let made = 0;
  const src = packedFrames(new Uint8Array(6), [1, 2], 0, "test");
  const counted = { ...src, frame: (i: number) => (made++, src.frame(i)) };
  const cache = new FrameCache(counted, 3);
  assert.ok(cache.repeats);
  assert.equal(made, 3);
  const seen = Array.from({ length: 7 }, () => cache.next()!);
  assert.equal(made, 3);
  assert.equal(seen[0], seen[3]);
  assert.equal(seen[1], seen[4]);
  assert.equal(seen[0], seen[6]);
  assert.notEqual(seen[0].data, seen[1].data);
});

Deno.test("FrameCache: more frames than the cache holds are made when due, once each, then null", () => {
  let made = 0;
  const src = packedFrames(new Uint8Array(10).map((_, i) => i), [1, 2], 0, "test");
  const cache = new FrameCache({ ...src, frame: (i: number) => (made++, src.frame(i)) }, 2);
  assert.ok(!cache.repeats);
  assert.equal(made, 0);
  const firsts = [];
  for (let i = 0; i < 5; i++) firsts.push(cache.next()!.data[0]);
  assert.deepEqual(firsts, [0, 2, 4, 6, 8]);
  assert.equal(made, 5);
  assert.equal(cache.next(), null);
});
