/**
 * A writer as users run it: `deno run -A processors/write_hdf5.ts` is a whole consumer, in a
 * subprocess, its sandbox granted the output directory by `--processor-permissions write=DIR`.
 * Frames published to it end in files of `framesPerFile` frames, and Ctrl-C writes the last,
 * unfinished one (the processor's `stop`).
 */
import assert from "node:assert/strict";
import { requirePeers } from "../interop/peers.ts";
import { within } from "../support/within.ts";
import { publish, subscribed, until } from "../runtime/consumer/harness.ts";
import { ended, ROOT, spawnTool, statusProcessed, withSource } from "../runtime/consumer/subprocess.ts";
import { listDir, readBack } from "./helpers.ts";

Deno.test({
  name: "tool: processors/write_hdf5.ts as a consumer writes every frame; Ctrl-C writes the unfinished file",
  ignore: !requirePeers("the HDF5 writer tool test (h5py)"),
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "pvastream-writer-" });
    try {
      await withSource(async ({ pv, client, env }) => {
        const tool = spawnTool([
          `${ROOT}processors/write_hdf5.ts`,
          "--input-channel",
          "det:image",
          "-sc",
          "_",
          "--processor-args",
          JSON.stringify({ directory: `${dir}/h5`, framesPerFile: 8 }),
          "--processor-permissions",
          `write=${dir}/h5`,
        ], env);
        try {
          await subscribed(pv, 1);
          await publish(pv, 1, 20);
          await until("20 processed", async () => await statusProcessed(client, 1) === 20, 60_000);
          tool.proc.kill("SIGINT");
          assert.equal(await within(tool.exited, 20_000, "the tool to exit"), 0, tool.output());
        } finally {
          await ended(tool);
        }
      });
      const names = await listDir(`${dir}/h5`);
      assert.deepEqual(names, ["frames_1_0000.h5", "frames_1_0001.h5", "frames_1_0002.h5"]);
      const got = await readBack("h5", names.map((n) => `${dir}/h5/${n}`));
      assert.deepEqual(got.map((g) => g.meta!.uniqueId), Array.from({ length: 20 }, (_, i) => i + 1));
      assert.deepEqual(got.map((g) => g.meta!.frames), [...Array(16).fill(8), ...Array(4).fill(4)]);
      for (const g of got) {
        const id = g.meta!.uniqueId as number;
        assert.deepEqual([g.dtype, g.shape], ["uint16", [3, 4]]);
        assert.deepEqual(g.values, Array.from({ length: 12 }, (_, i) => id + i), `frame ${id}`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
