import assert from "node:assert/strict";
import fc from "fast-check";
import { type Frame, frameFromNTNDArray, frameToNTNDArray } from "../../mod.ts";
import { withHost } from "../runtime/processor/helpers.ts";
import { splitFrame, TILE_ATTRIBUTES, type TileIds, TilesProcessor } from "../../processors/tiles.ts";
import { type IncompleteFrame, Stitcher, StitchError, StitchProcessor } from "../../processors/stitch.ts";
import {
  arbitraryImage,
  DATA_STAMP,
  frameOf,
  pixelsOf,
  type PlainImage,
  reader,
  sameImage,
  STAMP,
} from "./images.ts";

Deno.test("tiles: each tile is the frame's pixels at its place, and the tiles cover the frame once", () => {
  fc.assert(
    fc.property(
      arbitraryImage(),
      fc.integer({ min: 1, max: 30 }),
      fc.integer({ min: 1, max: 30 }),
      fc.constantFrom<TileIds>("frame", "tile"),
      (image, width, height, ids) => {
        const tiles = splitFrame(frameOf(image, 5), { width, height, ids });
        const count = Math.ceil(image.nx / width) * Math.ceil(image.ny / height);
        assert.equal(tiles.length, count);
        let area = 0;
        tiles.forEach((t, i) => {
          const a = t.attributes as Record<string, number>;
          assert.deepEqual(
            [a.TileIndex, a.TileCount, a.TileFrameId, a.TileFrameWidth, a.TileFrameHeight],
            [i, count, 5, image.nx, image.ny],
          );
          assert.equal(t.uniqueId, ids === "frame" ? 5 : 5 * count + i);
          assert.deepEqual([t.timeStamp, t.dataTimeStamp, t.dtype], [STAMP, DATA_STAMP, image.dtype]);
          assert.equal(t.attributes.ColorMode, image.colorMode);
          const got = reader(t);
          assert.equal(got.nx, Math.min(width, image.nx - a.TileX));
          assert.equal(got.ny, Math.min(height, image.ny - a.TileY));
          const want: PlainImage = { ...got, at: (c, x, y) => image.at(c, a.TileX + x, a.TileY + y) };
          assert.ok(sameImage(got, want), `tile ${i}`);
          area += got.nx * got.ny;
        });
        assert.equal(area, image.nx * image.ny);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("stitch: tiles of several frames, interleaved in any order, give the frames back", () => {
  fc.assert(
    fc.property(
      fc.array(arbitraryImage(), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 12 }),
      fc.constantFrom<TileIds>("frame", "tile"),
      fc.integer(),
      (images, width, height, ids, seed) => {
        const all = images.flatMap((image, k) => splitFrame(frameOf(image, 100 + k), { width, height, ids }));
        const order = shuffled(all, seed);
        const stitcher = new Stitcher();
        const out = order.map((t) => stitcher.add(t)).filter((f): f is Frame => f !== undefined);
        assert.equal(out.length, images.length);
        for (const frame of out) {
          const image = images[frame.uniqueId - 100];
          assert.deepEqual(frame.data, pixelsOf(image));
          assert.deepEqual(frame.shape, frameOf(image).shape);
          assert.deepEqual([frame.dtype, frame.colorMode], [image.dtype, image.colorMode]);
          assert.deepEqual([frame.timeStamp, frame.dataTimeStamp], [STAMP, DATA_STAMP]);
          assert.deepEqual(Object.keys(frame.attributes), ["ColorMode"]);
          assert.ok(TILE_ATTRIBUTES.every((name) => !(name in (frame.attributeTypes ?? {}))));
        }
        assert.deepEqual(stitcher.counts, {
          nFrames: images.length,
          nTiles: all.length,
          nIncomplete: 0,
          nMissingTiles: 0,
          lastIncompleteId: -1,
          nDuplicateTiles: 0,
          nLateTiles: 0,
          nPending: 0,
        });
      },
    ),
    { numRuns: 200 },
  );
});

/** A seeded Fisher-Yates shuffle. */
function shuffled<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const IMAGE: PlainImage = { dtype: "uint16", colorMode: 0, nx: 8, ny: 8, at: (_c, x, y) => x + 8 * y };

Deno.test("stitch: a frame still incomplete after the timeout is reported; its late tiles are ignored", () => {
  let now = 0;
  const dropped: IncompleteFrame[] = [];
  const stitcher = new Stitcher({ timeoutMs: 1000, now: () => now, onIncomplete: (f) => dropped.push(f) });
  const [a, b, c, d] = splitFrame(frameOf(IMAGE, 1), { width: 4, height: 4 });
  stitcher.add(a);
  stitcher.add(a);
  stitcher.add(b);
  now = 999;
  assert.equal(stitcher.counts.nPending, 1);
  now = 1000;
  assert.deepEqual(stitcher.counts, {
    nFrames: 0,
    nTiles: 3,
    nIncomplete: 1,
    nMissingTiles: 2,
    lastIncompleteId: 1,
    nDuplicateTiles: 1,
    nLateTiles: 0,
    nPending: 0,
  });
  assert.deepEqual(dropped, [{ id: 1, received: 2, count: 4, reason: "timeout" }]);
  assert.equal(stitcher.add(c), undefined);
  assert.equal(stitcher.add(d), undefined);
  assert.equal(stitcher.counts.nLateTiles, 2);
});

Deno.test("stitch: beyond maxPending the oldest frame is dropped; oversized and inconsistent tiles are refused", () => {
  const dropped: IncompleteFrame[] = [];
  const stitcher = new Stitcher({ maxPending: 2, maxFrameBytes: 128, onIncomplete: (f) => dropped.push(f) });
  const first = (id: number) => splitFrame(frameOf(IMAGE, id), { width: 4, height: 4 })[0];
  for (const id of [1, 2, 3]) stitcher.add(first(id));
  assert.deepEqual(dropped, [{ id: 1, received: 1, count: 4, reason: "evicted" }]);
  assert.equal(stitcher.counts.nPending, 2);

  const big = splitFrame(frameOf({ ...IMAGE, nx: 9 }, 4), { width: 4, height: 4 })[0];
  assert.throws(() => stitcher.add(big), /frame 4: 9 x 8 is 144 bytes, more than maxFrameBytes 128/);
  const other = splitFrame(frameOf({ ...IMAGE, dtype: "int16" }, 2), { width: 4, height: 4 })[1];
  assert.throws(() => stitcher.add(other), StitchError);
  const bare = frameOf(IMAGE, 5);
  assert.throws(() => stitcher.add(bare), /tile of frame 5: attribute TileIndex is missing/);
  // Three quarters of a 4 x 4 tiling and, as the fourth, a 2 x 4 tile: 56 of the 64 pixels.
  const mixed = new Stitcher({ onIncomplete: (f) => dropped.push(f) });
  for (const t of splitFrame(frameOf(IMAGE, 7), { width: 4, height: 4 }).slice(0, 3)) mixed.add(t);
  const small = splitFrame(frameOf(IMAGE, 7), { width: 2, height: 4 })
    .find((t) => t.attributes.TileX === 4 && t.attributes.TileY === 4)!;
  assert.throws(
    () => mixed.add({ ...small, attributes: { ...small.attributes, TileCount: 4, TileIndex: 3 } }),
    /frame 7: its 4 tiles cover 56 of 64 pixels/,
  );
  assert.deepEqual(dropped.at(-1), { id: 7, received: 4, count: 4, reason: "coverage" });
  const outside = { ...first(6), attributes: { ...first(6).attributes, TileX: 6 } };
  assert.throws(() => stitcher.add(outside), /4 x 4 at \(6, 0\) reaches outside the frame/);
});

Deno.test("tiles and stitch processors: a share of the tiles each, arguments, statistics", () => {
  const left = new TilesProcessor();
  const right = new TilesProcessor();
  left.configure({ width: 4, height: 8, tiles: [0] });
  right.configure({ width: 4, height: 8, tiles: [1], ids: "tile" });
  const stitch = new StitchProcessor();
  stitch.configure({ timeout: 10, maxPending: 4 });
  assert.equal(stitch.process(left.process(frameOf(IMAGE, 3))[0]), undefined);
  const [r] = right.process(frameOf(IMAGE, 3));
  assert.equal(r.uniqueId, 3 * 2 + 1);
  const whole = stitch.process(r);
  assert.ok(whole);
  assert.equal(whole.uniqueId, 3);
  assert.deepEqual(whole.data, pixelsOf(IMAGE));
  assert.deepEqual(left.stats(), { nFrames: 1, nTiles: 1, tileCount: 2 });
  assert.equal(stitch.stats().nFrames, 1);
  stitch.resetStats();
  left.resetStats();
  assert.equal(stitch.stats().nFrames, 0);
  assert.deepEqual(left.stats(), { nFrames: 0, nTiles: 0, tileCount: 0 });
  assert.throws(() => left.configure({ tiles: [-1] }), /argument tiles/);
  assert.throws(
    () => splitFrame(frameOf(IMAGE), { width: 0 }),
    /argument width: expected an integer >= 1, got 0/,
  );
  assert.throws(() => stitch.configure({ timeout: 0 }), /argument timeout/);
});

// Under deno test a sandbox type-checks its module graph on first load: startLimitMs allows for it.
Deno.test("tiles and stitch in their sandboxes: the tiles of an RGB frame cross to a stitcher and publish whole", async () => {
  const image: PlainImage = {
    dtype: "float32",
    colorMode: 3,
    nx: 10,
    ny: 7,
    at: (c, x, y) => c * 1000 + x + 10 * y,
  };
  const tilesFile = new URL("../../processors/tiles.ts", import.meta.url).pathname;
  const stitchFile = new URL("../../processors/stitch.ts", import.meta.url).pathname;
  await withHost(
    { file: tilesFile, className: "TilesProcessor", args: { width: 4, height: 4 }, startLimitMs: 120_000 },
    async (tiler) => {
      await withHost(
        { file: stitchFile, className: "StitchProcessor", startLimitMs: 120_000 },
        async (stitcher) => {
          const tiles = await tiler.process(frameOf(image, 12));
          assert.equal(tiles.length, 6);
          const outputs = [];
          for (const t of shuffled(tiles, 3)) outputs.push(...await stitcher.process(t as Frame));
          assert.equal(outputs.length, 1);
          // What the consumer publishes, read back as a subscriber would.
          const published = frameFromNTNDArray(frameToNTNDArray(outputs[0] as Frame));
          assert.deepEqual(published.data, pixelsOf(image));
          assert.deepEqual(published.shape, [10, 3, 7]);
          assert.deepEqual([published.uniqueId, published.timeStamp, published.dataTimeStamp], [
            12,
            STAMP,
            DATA_STAMP,
          ]);
          assert.deepEqual(Object.keys(published.attributes), ["ColorMode"]);
          assert.equal((await stitcher.stats()).nFrames, 1n);
        },
      );
    },
  );
});
