/**
 * Each processor of this folder in a child-process sandbox, which loads it with --no-npm unless
 * `npm` is granted: the image processors must not import the npm packages of the rest of the
 * library. compress and decompress use the codecs, whose Blosc decoder imports fflate and fzstd,
 * so they run there only with the `npm` grant.
 */
import assert from "node:assert/strict";
import { type Frame, isFrame, parsePermissions } from "../../mod.ts";
import { splitFrame } from "../../processors/tiles.ts";
import { withHost } from "../runtime/processor/helpers.ts";
import { frameOf, pixelsOf, type PlainImage } from "./images.ts";

const IMAGE: PlainImage = {
  dtype: "uint16",
  colorMode: 2,
  nx: 8,
  ny: 6,
  at: (c, x, y) => c + 3 * x + 30 * y,
};

interface Case {
  file: string;
  className: string;
  args?: Record<string, unknown>;
  npm?: boolean;
  /** What the processor is given (default the frame). */
  input?: (frame: Frame) => Frame;
  /** Outputs expected. */
  outputs: number;
  /** The first output holds the frame's own pixels. */
  samePixels?: boolean;
}

const CASES: Case[] = [
  { file: "roi.ts", className: "RoiProcessor", args: { x: 2, bx: 2 }, outputs: 1 },
  { file: "threshold.ts", className: "ThresholdProcessor", args: { below: 20 }, outputs: 1 },
  { file: "transform.ts", className: "TransformProcessor", args: { rotate: 270 }, outputs: 1 },
  { file: "moving_average.ts", className: "MovingAverageProcessor", outputs: 1 },
  { file: "tiles.ts", className: "TilesProcessor", args: { width: 4, height: 3 }, outputs: 4 },
  {
    file: "stitch.ts",
    className: "StitchProcessor",
    input: (frame) => splitFrame(frame, { width: 8, height: 6 })[0], // one tile: the whole frame
    outputs: 1,
    samePixels: true,
  },
  { file: "compress.ts", className: "CompressProcessor", args: { codec: "blosc" }, npm: true, outputs: 1 },
  { file: "decompress.ts", className: "DecompressProcessor", npm: true, outputs: 1, samePixels: true },
];

for (const { file, className, args, npm, input = (f: Frame) => f, outputs, samePixels } of CASES) {
  Deno.test(`${file} runs in process isolation${npm ? " with the npm grant" : ""}`, async () => {
    const opts = {
      file: new URL(`../../processors/${file}`, import.meta.url).pathname,
      className,
      args,
      isolation: "process" as const,
      permissions: parsePermissions(npm ? ["npm"] : []),
      startLimitMs: 120_000,
    };
    await withHost(opts, async (host) => {
      const out = await host.process(input(frameOf(IMAGE, 5)));
      assert.equal(out.length, outputs);
      for (const o of out) {
        assert.ok(isFrame(o));
        assert.equal(o.uniqueId, 5);
        assert.ok(o.data.length > 0);
      }
      if (samePixels) assert.deepEqual((out[0] as Frame).data, pixelsOf(IMAGE));
    });
  });
}
