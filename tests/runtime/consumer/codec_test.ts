/**
 * Compressed frames end to end: the simulator publishes lz4 and bslz4 frames, a consumer
 * decompresses them before its processor (or hands them on with --keep-compressed), and a
 * corrupted frame is counted as an error while the stream goes on.
 */
import assert from "node:assert/strict";
import { silentLogger } from "../../../protocol/log.ts";
import { ntNDArray, readNTNDArray } from "../../../protocol/nt/mod.ts";
import { decodeFrame, encodeFrame } from "../../../protocol/codecs/mod.ts";
import { SharedPV } from "../../../protocol/pva/server/shared_pv.ts";
import type { StructValue } from "../../../protocol/pvdata/types.ts";
import { Consumer } from "../../../runtime/consumer/consumer.ts";
import { type ConsumerOptions, parseConsumerArgs } from "../../../runtime/consumer/options.ts";
import { parseSimulatorArgs, Simulator } from "../../../runtime/simulator/mod.ts";
import { withServerAndClient } from "../support.ts";
import { until } from "./harness.ts";

const IMAGE_STATS = new URL("../../../processors/image_stats.ts", import.meta.url).href;

Deno.test("simulator --codec: lz4, bslz4 and blosc frames decode to the generated pixels; zstd is refused", async () => {
  assert.throws(() => parseSimulatorArgs(["--codec", "zstd"]), /--codec/);
  for (const codec of ["lz4", "bslz4", "blosc"] as const) {
    await withServerAndClient(async (server, client) => {
      const sim = new Simulator({
        server,
        channelName: "sim:packed",
        codec,
        nx: 32,
        ny: 16,
        datatype: "uint16",
        frameRate: 50,
        runtime: 0,
        startDelay: 0,
        shutdownDelay: 0,
        reportPeriod: 0,
      });
      await sim.start();
      try {
        await until("three frames published", () => sim.stats().framesPublished > 2, 20_000);
        const got = await client.get("sim:packed");
        const raw = readNTNDArray(got.value);
        assert.equal(raw.codec.name, codec);
        assert.equal(raw.uncompressedSize, 32 * 16 * 2);
        assert.ok(raw.compressedSize < raw.uncompressedSize + 64);
        const plain = readNTNDArray(decodeFrame(got as never).value as StructValue);
        assert.equal(plain.data.constructor, Uint16Array);
        assert.equal(plain.data.length, 32 * 16);
        assert.deepEqual(plain.dims, [32, 16]);
      } finally {
        await sim.stop();
      }
    });
  }
});

Deno.test("consumer: compressed frames are decompressed before the processor; a corrupted one is an error", async () => {
  await withServerAndClient(async (server, client) => {
    const pv = new SharedPV();
    const pixels = (id: number) => Uint16Array.from({ length: 64 }, (_, i) => id * 100 + i);
    const packed = (id: number, corrupt = false) => lz4Frame(pixels(id), id, corrupt);
    pv.open({ type: ntNDArray({ data: new Uint16Array(64), dims: [8, 8] }).type, value: packed(0) });
    server.addPV("det:packed", pv);
    const opts = parseConsumerArgs(["-ic", "det:packed", "-sc", "_"]) as ConsumerOptions;
    const c = await Consumer.start(1, opts, {
      server,
      client,
      logger: silentLogger,
      processor: { file: IMAGE_STATS, startLimitMs: 120_000 },
    });
    try {
      await until("a running monitor", () => pv.subscribers().some((s) => s.running), 20_000);
      for (const id of [1, 2, 3]) {
        await pv.waitForRoom();
        pv.post(packed(id, id === 2));
      }
      await until("three frames handled", async () => {
        await c.getStats();
        const p = c.status.processorStats;
        return p.nProcessed + p.nErrors === 3;
      }, 20_000);
      assert.equal(c.status.processorStats.nProcessed, 2);
      assert.equal(c.status.processorStats.nErrors, 1, "the corrupted frame");
      // Image statistics saw frame 3's decompressed pixels: 300..363.
      const status = (await client.get("pvapy:consumer:1:status")).value as {
        userStats: Record<string, unknown>;
      };
      assert.equal(status.userStats.min, 300);
      assert.equal(status.userStats.max, 363);
    } finally {
      c.stop();
      await c.done;
    }
  });
});

/** An 8x8 NTNDArray frame compressed with lz4; `corrupt` damages the compressed bytes. */
function lz4Frame(data: Uint16Array, uniqueId: number, corrupt: boolean): StructValue {
  const packed = encodeFrame(ntNDArray({ data, dims: [8, 8], uniqueId }), "lz4").value as StructValue;
  if (corrupt) (packed.value as { value: Uint8Array }).value.fill(0xff, 0, 8);
  return packed;
}
