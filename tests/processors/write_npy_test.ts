/**
 * write_npy in its sandbox: every dtype and colour mode written to .npy files that numpy loads
 * with the frame's dtype, the C-order shape and the exact values; the file-name pattern; a
 * directory outside the grant fails with NotCapable.
 */
import assert from "node:assert/strict";
import { requirePeers } from "../interop/peers.ts";
import { encodeFrame, frameFromNTNDArray, ntNDArray, parsePermissions } from "../../mod.ts";
import { FileNamePattern } from "../../processors/support/mod.ts";
import { withHost } from "../runtime/processor/helpers.ts";
import { DTYPES, listDir, processorFile, readBack, testImage, values, withWriter } from "./helpers.ts";

/** Skip (with an install hint) without the Python peers, except under CI where that fails. */
const IGNORE_PYTHON = !requirePeers("write_npy tests reading files back in Python");

Deno.test({
  name: "write_npy: numpy loads every dtype and colour mode with the C-order shape and exact values",
  ignore: IGNORE_PYTHON,
  fn: async () => {
    await withWriter(
      "write_npy.ts",
      { pattern: "f{processorId}_{uniqueId:4}.npy", processorId: 7 },
      async (host, dir) => {
        const want: { dtype: string; shape: number[]; values: (number | bigint)[] }[] = [];
        let id = 0;
        for (const colorMode of [0, 2, 3, 4]) {
          for (const dtype of DTYPES) {
            const frame = testImage({ dtype, colorMode, uniqueId: ++id });
            want.push({ dtype, shape: [...frame.shape].reverse(), values: values(frame) });
            assert.deepEqual(await host.process(frame), [], "a writer publishes nothing");
          }
        }
        const names = await listDir(dir);
        assert.deepEqual(names, want.map((_, i) => `f7_${String(i + 1).padStart(4, "0")}.npy`));
        const got = await readBack("npy", names.map((n) => `${dir}/${n}`));
        assert.deepEqual(got, want);
        const stats = await host.stats();
        assert.equal(stats.nFramesWritten, BigInt(want.length));
        assert.equal(stats.nFilesWritten, BigInt(want.length));
        assert.equal(stats.lastFile, `${dir}/${names.at(-1)}`);
        let bytes = 0;
        for (const n of names) bytes += (await Deno.stat(`${dir}/${n}`)).size;
        assert.equal(stats.nBytesWritten, BigInt(bytes));
      },
    );
  },
});

Deno.test("write_npy: without a write grant for its directory the processor cannot start", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pvastream-writer-" });
  try {
    await assert.rejects(
      withHost({
        file: processorFile("write_npy.ts"),
        args: { directory: `${dir}/elsewhere` },
        permissions: parsePermissions([`write=${dir}/granted`]),
        startLimitMs: 120_000,
      }, () => Promise.resolve()),
      /NotCapable|write access/,
    );
    await assert.rejects(
      withHost(
        { file: processorFile("write_npy.ts"), args: {}, startLimitMs: 120_000 },
        () => Promise.resolve(),
      ),
      /directory: expected the folder/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("file name patterns: placeholders, zero padding, and clear errors", () => {
  const values = { uniqueId: 42, processorId: 3, frame: 9, file: 2, seconds: 1700000000n, nanoseconds: 5 };
  assert.equal(new FileNamePattern("a_{uniqueId:6}_{processorId}.npy").expand(values), "a_000042_3.npy");
  assert.equal(
    new FileNamePattern("{seconds}.{nanoseconds:9}-{frame}-{file:3}").expand(values),
    "1700000000.000000005-9-002",
  );
  assert.throws(() => new FileNamePattern("{id}.npy"), /unknown placeholder \{id\}/);
  assert.throws(() => new FileNamePattern("{uniqueId:x}.npy"), /unknown placeholder/);
  assert.throws(() => new FileNamePattern("sub/{uniqueId}.npy"), /without "\/"/);
  assert.throws(() => new FileNamePattern("{uniqueId.npy"), /unmatched brace/);
});

Deno.test("writers refuse compressed frames, naming the codec; the next frame is written", async () => {
  await withWriter("write_npy.ts", {}, async (host, dir) => {
    const plain = ntNDArray({ data: new Uint16Array(12), dims: [4, 3], uniqueId: 1 });
    await assert.rejects(
      host.process(frameFromNTNDArray(encodeFrame(plain, "lz4"))),
      /frame 1 is compressed \(codec lz4\): run the consumer without --keep-compressed/,
    );
    await host.process(testImage({ dtype: "uint16", uniqueId: 2 }));
    assert.deepEqual(await listDir(dir), ["frame_000002.npy"]);
    assert.equal(host.counters.errors, 1);
  });
  await assert.rejects(
    withWriter("write_raw.ts", { framesPerFile: -1 }, () => Promise.resolve()),
    /framesPerFile: expected an integer >= 0, got -1/,
  );
});
