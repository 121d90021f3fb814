/**
 * write_tiff in its sandbox: tifffile reads every dtype, mono and the three RGB layouts, as the
 * frame's pixels (RGB samples of a pixel side by side), with the tags a TIFF reader needs.
 */
import assert from "node:assert/strict";
import { requirePeers } from "../interop/peers.ts";
import type { Frame } from "../../mod.ts";
import { DTYPES, listDir, readBack, testImage, values, withWriter } from "./helpers.ts";

/** Skip (with an install hint) without the Python peers, except under CI where that fails. */
const IGNORE_PYTHON = !requirePeers("write_tiff tests reading files back in Python");

/** Index of colour c of pixel (x, y) in each colour mode's layout (docs/processors.md). */
const SAMPLE: Record<number, (c: number, x: number, y: number, nx: number, ny: number) => number> = {
  2: (c, x, y, nx) => c + 3 * (x + nx * y),
  3: (c, x, y, nx) => x + nx * (c + 3 * y),
  4: (c, x, y, nx, ny) => x + nx * (y + ny * c),
};

/** The frame's samples in TIFF order: rows, then pixels, then colours. */
function tiffOrder(frame: Frame, nx: number, ny: number): (number | bigint)[] {
  const flat = values(frame);
  const at = SAMPLE[frame.colorMode];
  if (at === undefined) return flat;
  const out: (number | bigint)[] = [];
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) for (let c = 0; c < 3; c++) out.push(flat[at(c, x, y, nx, ny)]);
  }
  return out;
}

const SAMPLE_FORMAT = { u: "UINT", i: "INT", f: "IEEEFP" } as const;

Deno.test({
  name: "write_tiff: tifffile reads every dtype, mono and RGB1/2/3, with exact values and tags",
  ignore: IGNORE_PYTHON,
  fn: async () => {
    const [nx, ny] = [5, 3];
    await withWriter("write_tiff.ts", {}, async (host, dir) => {
      const want: { frame: Frame; values: (number | bigint)[] }[] = [];
      let id = 0;
      for (const colorMode of [0, 2, 3, 4]) {
        for (const dtype of DTYPES) {
          const frame = testImage({ dtype, colorMode, nx, ny, uniqueId: ++id });
          want.push({ frame: { ...frame }, values: tiffOrder(frame, nx, ny) });
          assert.deepEqual(await host.process(frame), []);
        }
      }
      const names = await listDir(dir);
      assert.deepEqual(names, want.map((_, i) => `frame_${String(i + 1).padStart(6, "0")}.tiff`));
      const got = await readBack("tiff", names.map((n) => `${dir}/${n}`));
      for (const [i, { frame, values }] of want.entries()) {
        const g = got[i];
        const rgb = frame.colorMode !== 0;
        const what = `${frame.dtype} colour mode ${frame.colorMode}`;
        assert.equal(g.dtype, frame.dtype, what);
        assert.deepEqual(g.shape, rgb ? [ny, nx, 3] : [ny, nx], what);
        assert.deepEqual(g.values, values, what);
        const m = g.meta as Record<string, unknown>;
        assert.equal(m.photometric, rgb ? "RGB" : "MINISBLACK", what);
        assert.equal(m.planarconfig, "CONTIG", what);
        assert.equal(m.samplesperpixel, rgb ? 3 : 1, what);
        assert.equal(m.bitspersample, frame.data.BYTES_PER_ELEMENT * 8, what);
        assert.equal(m.sampleformat, SAMPLE_FORMAT[frame.dtype[0] as "u" | "i" | "f"], what);
        assert.equal(m.pages, 1);
        const description = JSON.parse(m.description as string);
        assert.equal(description.uniqueId, frame.uniqueId);
        assert.equal(description.timeStamp.secondsPastEpoch, Number(frame.timeStamp.secondsPastEpoch));
        assert.equal(description.attributes.detector, frame.attributes.detector);
      }
      assert.equal((await host.stats()).nFilesWritten, BigInt(want.length));
    });
  },
});

Deno.test("write_tiff: a frame that is neither mono nor RGB is an error naming its shape; the next one is written", async () => {
  await withWriter("write_tiff.ts", {}, async (host, dir) => {
    const cube = testImage({ dtype: "uint8", colorMode: 2, nx: 4, ny: 2 });
    await assert.rejects(
      host.process({ ...cube, colorMode: 0, attributes: {} }),
      /shape \[3,4,2\] with colour mode 0/,
    );
    await host.process(testImage({ dtype: "uint8", uniqueId: 2 }));
    assert.deepEqual(await listDir(dir), ["frame_000002.tiff"]);
  });
});
