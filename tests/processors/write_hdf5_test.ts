/**
 * write_hdf5 in its sandbox (h5wasm in a Worker granted only its directory): h5py reads every
 * frame of every dtype and colour mode with its uniqueId, time stamps and attributes; files hold
 * `framesPerFile` frames, a change of kind starts a new file, `stop` writes the unfinished one.
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
const IGNORE_PYTHON = !requirePeers("write_hdf5 tests reading files back in Python");

Deno.test({
  name: "write_hdf5: h5py reads every frame, every dtype and colour mode, with its metadata",
  ignore: IGNORE_PYTHON,
  fn: async () => {
    await withWriter("write_hdf5.ts", { framesPerFile: 3 }, async (host, dir) => {
      // Four frames of each kind: a full file of three, then one left for the next kind (or stop).
      const frames = [0, 2, 3, 4].flatMap((colorMode, m) =>
        DTYPES.flatMap((dtype, i) =>
          [0, 1, 2, 3].map((k) =>
            testImage({ dtype, colorMode, uniqueId: 1 + 4 * (m * DTYPES.length + i) + k })
          )
        )
      );
      const want = frames.map((f) => ({
        dtype: f.dtype,
        shape: [...f.shape].reverse(),
        values: values(f),
        meta: {
          ...writtenMetadata(f),
          frames: 0, // set below: 3, then 1
        },
      }));
      want.forEach((w, i) => w.meta.frames = i % 4 === 3 ? 1 : 3);
      for (const f of frames) assert.deepEqual(await host.process(f), []);
      const written = (await host.stats()).nFilesWritten;
      assert.equal(written, BigInt(2 * 4 * DTYPES.length - 1), "the last file waits for stop");
      await host.stop();
      const names = await listDir(dir);
      assert.deepEqual(
        names,
        want.filter((_, i) => i % 4 !== 1 && i % 4 !== 2).map((_, k) =>
          `frames_0_${String(k).padStart(4, "0")}.h5`
        ),
      );
      const got = await readBack("h5", names.map((n) => `${dir}/${n}`));
      assert.deepEqual(got, want);
    });
  },
});

Deno.test({
  name: "write_hdf5 in process isolation: h5wasm loads with the npm grant and the file is whole",
  ignore: IGNORE_PYTHON,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "pvastream-writer-" });
    try {
      await withHost({
        file: processorFile("write_hdf5.ts"),
        args: { directory: dir, framesPerFile: 2 },
        permissions: parsePermissions([`write=${dir},npm`]),
        isolation: "process",
        startLimitMs: 120_000,
      }, async (host) => {
        const frames = [1, 2].map((uniqueId) => testImage({ dtype: "uint16", colorMode: 2, uniqueId }));
        const want = frames.map(values);
        for (const f of frames) await host.process(f);
        const got = await readBack("h5", [`${dir}/frames_0_0000.h5`]);
        assert.deepEqual(got.map((g) => g.values), want);
        assert.deepEqual(got.map((g) => g.meta!.uniqueId), [1, 2]);
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
