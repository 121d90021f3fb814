/**
 * write_raw in its sandbox: numpy reads every frame the JSON Lines index lists from the raw file
 * (every dtype and colour mode, exact values and metadata); files roll over after
 * `framesPerFile`; a second run appends with true offsets.
 */
import assert from "node:assert/strict";
import { requirePeers } from "../interop/peers.ts";
import { parsePermissions } from "../../mod.ts";
import { withHost } from "../runtime/processor/helpers.ts";
import {
  DTYPES,
  listDir,
  processorFile,
  readBack,
  testImage,
  values,
  withWriter,
  writtenMetadata,
} from "./helpers.ts";

/** Skip (with an install hint) without the Python peers, except under CI where that fails. */
const IGNORE_PYTHON = !requirePeers("write_raw tests reading files back in Python");

Deno.test({
  name: "write_raw: numpy reads every indexed frame, every dtype and colour mode, with its metadata",
  ignore: IGNORE_PYTHON,
  fn: async () => {
    await withWriter("write_raw.ts", { framesPerFile: 7, processorId: 3 }, async (host, dir) => {
      const frames = [0, 2, 3, 4].flatMap((colorMode, m) =>
        DTYPES.map((dtype, i) => testImage({ dtype, colorMode, uniqueId: 1 + m * DTYPES.length + i }))
      );
      const want = frames.map((f) => ({
        dtype: f.dtype,
        shape: [...f.shape].reverse(),
        values: values(f),
        ...writtenMetadata(f),
      }));
      for (const f of frames) assert.deepEqual(await host.process(f), []);
      await host.stop(); // closes the files
      const names = await listDir(dir);
      const bases = Array.from(
        { length: Math.ceil(frames.length / 7) },
        (_, i) => `frames_3_${String(i).padStart(4, "0")}`,
      );
      assert.deepEqual(names, bases.flatMap((b) => [`${b}.jsonl`, `${b}.raw`]));
      const got = await readBack("raw", bases.map((b) => `${dir}/${b}.jsonl`));
      assert.equal(got.length, frames.length);
      for (const [i, g] of got.entries()) {
        const w = want[i];
        const m = g.meta as Record<string, unknown>;
        assert.deepEqual(
          { dtype: g.dtype, shape: g.shape, values: g.values },
          { dtype: w.dtype, shape: w.shape, values: w.values },
        );
        assert.equal(
          m.offset,
          i % 7 === 0 ? 0 : (got[i - 1].meta!.offset as number) + (got[i - 1].meta!.nbytes as number),
        );
        assert.equal(m.nbytes, frames[i].data.BYTES_PER_ELEMENT * w.values.length);
        for (const key of ["uniqueId", "timeStamp", "dataTimeStamp", "colorMode", "attributes"] as const) {
          assert.deepEqual(m[key], w[key], `${w.dtype} ${key}`);
        }
      }
    });
  },
});

Deno.test({
  name: "write_raw: a second run appends to the same file and its offsets continue",
  ignore: IGNORE_PYTHON,
  fn: async () => {
    await withWriter("write_raw.ts", {}, async (first, dir) => {
      await first.process(testImage({ dtype: "uint16", uniqueId: 1 }));
      await first.process(testImage({ dtype: "float32", uniqueId: 2 }));
      await first.stop();
      await withHost({
        file: processorFile("write_raw.ts"),
        args: { directory: dir },
        permissions: parsePermissions([`write=${dir}`]),
        startLimitMs: 120_000,
      }, async (second) => {
        await second.process(testImage({ dtype: "int32", colorMode: 2, uniqueId: 3 }));
      });
      const got = await readBack("raw", [`${dir}/frames_0_0000.jsonl`]);
      assert.deepEqual(got.map((g) => g.meta!.uniqueId), [1, 2, 3]);
      assert.deepEqual(got.map((g) => g.meta!.offset), [0, 30, 90]);
      assert.deepEqual(got[2].values, values(testImage({ dtype: "int32", colorMode: 2, uniqueId: 3 })));
    });
  },
});
