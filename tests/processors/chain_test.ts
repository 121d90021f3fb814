/**
 * Processors in the real pipeline, through our server and consumers:
 * - the simulator publishes RGB1 frames compressed with bslz4; a consumer decompresses them, crops
 *   and bins them (roi.ts) and puts each into a second consumer's input channel (-om pva → -im
 *   pvas), which turns them (transform.ts): every frame at the end must be the source frame of the
 *   same uniqueId, cropped, binned and turned, with the source's time stamps;
 * - blosc frames handed on compressed (--keep-compressed) and transcoded to bslz4 (compress.ts);
 * - frames split into tiles (tiles.ts), the tiles put one by one into a consumer that stitches them
 *   (stitch.ts): every frame whole again.
 * The counts must agree from end to end.
 */
import assert from "node:assert/strict";
import {
  decodeFrame,
  type Frame,
  frameFromNTNDArray,
  type PvaClient,
  Simulator,
  type Typed,
} from "../../mod.ts";
import { cropAndBin, type RoiOptions } from "../../processors/roi.ts";
import { transformFrame, type TransformOptions } from "../../processors/transform.ts";
import { processed, PROCESSORS, startConsumer, stopAll, until } from "../runtime/consumer/harness.ts";
import { withServerAndClient } from "../runtime/support.ts";

const ROI: RoiOptions = { x: 4, y: 2, width: 20, height: 16, bx: 2, by: 2, binning: "mean" };
const TURN: TransformOptions = { rotate: 90 };

/** A frame as received (its codec) and decompressed. */
interface Received {
  codec: string;
  compressedSize: number;
  frame: Frame;
}

/** Collects every update of a channel by uniqueId, until aborted. */
function record(client: PvaClient, channel: string, signal: AbortSignal): Map<number, Received> {
  const frames = new Map<number, Received>();
  (async () => {
    for await (const ev of client.monitor(channel, { queueSize: 64, signal })) {
      if (ev.kind !== "data") continue;
      const raw = frameFromNTNDArray({ type: ev.type, value: ev.value } as Typed);
      const frame = frameFromNTNDArray(decodeFrame({ type: ev.type, value: ev.value } as Typed));
      if (frame.uniqueId > 0) {
        frames.set(frame.uniqueId, { codec: raw.codec.name, compressedSize: raw.data.byteLength, frame });
      }
    }
  })().catch(() => {});
  return frames;
}

Deno.test("chain: simulator (RGB1, bslz4) → consumer(roi) → consumer(-im pvas, transform): every frame cropped, binned and turned", async () => {
  await withServerAndClient(async (server, client) => {
    const abort = new AbortController();
    const sim = new Simulator({
      server,
      channelName: "sim:image",
      nx: 32,
      ny: 24,
      colorMode: 2,
      datatype: "uint16",
      codec: "bslz4",
      frameRate: 40,
      nFrames: 7,
      runtime: 0,
      startDelay: 0,
      shutdownDelay: 0,
      reportPeriod: 0,
    });
    const turn = await startConsumer(2, server, client, {
      file: new URL("transform.ts", PROCESSORS).href,
      className: "TransformProcessor",
      argv: [
        "-im",
        "pvas",
        "-ic",
        "c2:input",
        "-siu",
        "0",
        "-oc",
        "c2:output",
        "--processor-args",
        JSON.stringify(TURN),
      ],
    });
    const roi = await startConsumer(1, server, client, {
      file: new URL("roi.ts", PROCESSORS).href,
      className: "RoiProcessor",
      argv: ["-ic", "sim:image", "-om", "pva", "-oc", "c2:input", "--processor-args", JSON.stringify(ROI)],
    });
    const consumers = [roi, turn];
    try {
      const sources = record(client, "sim:image", abort.signal);
      await sim.start();
      // The first put into c2:input fixes the output type; then watch the end of the chain.
      await until("the first frame through the chain", async () => await processed(turn) > 0, 60_000);
      const results = record(client, "c2:output", abort.signal);
      await until("12 frames through the chain", async () => await processed(turn) >= 12, 60_000);
      await sim.stop();
      await until("the chain drained", async () => {
        const cropped = await processed(roi);
        return roi.status.publisherStats.nPublished === cropped && await processed(turn) === cropped;
      }, 20_000);

      const first = roi.status.processorStats;
      const second = turn.status.processorStats;
      assert.equal(first.nErrors, 0);
      assert.equal(second.nErrors, 0);
      assert.equal(second.nProcessed, first.nProcessed, "every cropped frame reached the second consumer");
      assert.deepEqual([second.firstObjectId, second.lastObjectId], [
        first.firstObjectId,
        first.lastObjectId,
      ]);
      assert.equal(second.nMissed, 0);

      await until("the results recorded", () => results.size >= 5, 20_000);
      let compared = 0;
      for (const [id, { frame: got }] of results) {
        const source = sources.get(id)?.frame;
        if (!source) continue;
        assert.equal(source.colorMode, 2);
        const want = transformFrame(cropAndBin(source, ROI), TURN);
        assert.deepEqual(got.shape, [3, 8, 10]);
        assert.deepEqual(got.data, want.data, `frame ${id}`);
        assert.deepEqual([got.timeStamp, got.dataTimeStamp], [source.timeStamp, source.dataTimeStamp]);
        assert.equal(got.attributes.ColorMode, 2);
        compared++;
      }
      assert.ok(compared >= 5, `${compared} frames compared`);
    } finally {
      abort.abort();
      await sim.stop();
      await stopAll(consumers);
    }
  });
});

Deno.test("chain: simulator --codec blosc → consumer --keep-compressed (compress.ts, bslz4): frames published transcoded", async () => {
  await withServerAndClient(async (server, client) => {
    const abort = new AbortController();
    const sim = new Simulator({
      server,
      channelName: "sim:blosc",
      nx: 64,
      ny: 48,
      datatype: "int16",
      minimum: 0,
      maximum: 15, // a few bits of noise: compressible
      codec: "blosc",
      frameRate: 40,
      nFrames: 5,
      runtime: 0,
      startDelay: 0,
      shutdownDelay: 0,
      reportPeriod: 0,
    });
    const c = await startConsumer(1, server, client, {
      file: new URL("compress.ts", PROCESSORS).href,
      className: "CompressProcessor",
      argv: [
        "-ic",
        "sim:blosc",
        "--keep-compressed",
        "-oc",
        "c1:output",
        "-sc",
        "_",
        "--processor-args",
        '{"codec": "bslz4"}',
      ],
    });
    try {
      const sources = record(client, "sim:blosc", abort.signal);
      await sim.start();
      await until(
        "a frame published",
        async () => (await c.getStats(), c.status.publisherStats.nPublished > 0),
      );
      const results = record(client, "c1:output", abort.signal);
      await until("5 frames recorded at both ends", () => results.size >= 5 && sources.size >= 5, 30_000);
      let compared = 0;
      for (const [id, got] of results) {
        const source = sources.get(id);
        if (!source) continue;
        assert.equal(source.codec, "blosc");
        assert.equal(got.codec, "bslz4");
        assert.ok(got.compressedSize < got.frame.data.byteLength);
        assert.equal(got.frame.dtype, "int16");
        assert.deepEqual(got.frame.data, source.frame.data, `frame ${id}`);
        assert.deepEqual(got.frame.timeStamp, source.frame.timeStamp);
        compared++;
      }
      assert.ok(compared >= 3, `${compared} frames compared`);
      await c.getStats();
      assert.equal(c.status.processorStats.nErrors, 0);
      // The processor's statistics, as the status PV shows them.
      const status = (await client.get("pvapy:consumer:1:status")).value as {
        userStats: Record<string, bigint>;
      };
      const { nFrames, uncompressedBytes, compressedBytes } = status.userStats;
      assert.ok(nFrames > 0n);
      assert.equal(uncompressedBytes, nFrames * BigInt(64 * 48 * 2));
      assert.ok(compressedBytes < uncompressedBytes);
    } finally {
      abort.abort();
      await sim.stop();
      await stopAll([c]);
    }
  });
});

Deno.test("chain: simulator → consumer(tiles, -om pva) → consumer(-im pvas, stitch): every frame whole again", async () => {
  await withServerAndClient(async (server, client) => {
    const abort = new AbortController();
    const sim = new Simulator({
      server,
      channelName: "sim:tiled",
      nx: 64,
      ny: 48,
      colorMode: 4,
      datatype: "float32",
      frameRate: 30,
      nFrames: 5,
      runtime: 0,
      startDelay: 0,
      shutdownDelay: 0,
      reportPeriod: 0,
    });
    const stitch = await startConsumer(2, server, client, {
      file: new URL("stitch.ts", PROCESSORS).href,
      className: "StitchProcessor",
      argv: ["-im", "pvas", "-ic", "c2:input", "-siu", "0", "-oc", "c2:output", "-sc", "_"],
    });
    const tiles = await startConsumer(1, server, client, {
      file: new URL("tiles.ts", PROCESSORS).href,
      className: "TilesProcessor",
      argv: [
        "-ic",
        "sim:tiled",
        "-om",
        "pva",
        "-oc",
        "c2:input",
        "--processor-args",
        '{"width": 32, "height": 16}',
      ],
    });
    const consumers = [tiles, stitch];
    try {
      const sources = record(client, "sim:tiled", abort.signal);
      await sim.start();
      await until(
        "a frame stitched",
        async () => (await stitch.getStats(), stitch.status.publisherStats.nPublished > 0),
        60_000,
      );
      const results = record(client, "c2:output", abort.signal);
      await until(
        "8 frames stitched",
        async () => (await stitch.getStats(), stitch.status.publisherStats.nPublished >= 8),
        60_000,
      );
      await sim.stop();
      await until("the chain drained", async () => {
        const split = await processed(tiles);
        return tiles.status.publisherStats.nPublished === 6 * split &&
          await processed(stitch) === 6 * split &&
          stitch.status.publisherStats.nPublished === split;
      }, 20_000);
      assert.equal(tiles.status.processorStats.nErrors, 0);
      assert.equal(stitch.status.processorStats.nErrors, 0);
      const status = (await client.get("pvapy:consumer:2:status")).value as {
        userStats: Record<string, bigint>;
      };
      assert.equal(status.userStats.nIncomplete, 0n);
      assert.equal(status.userStats.nPending, 0);

      await until("the results recorded", () => results.size >= 5, 20_000);
      let compared = 0;
      for (const [id, { frame: got }] of results) {
        const source = sources.get(id)?.frame;
        if (!source) continue;
        assert.deepEqual(got.shape, [64, 48, 3]);
        assert.deepEqual(got.data, source.data, `frame ${id}`);
        assert.deepEqual([got.timeStamp, got.dataTimeStamp], [source.timeStamp, source.dataTimeStamp]);
        assert.deepEqual(Object.keys(got.attributes), ["ColorMode"]);
        compared++;
      }
      assert.ok(compared >= 5, `${compared} frames compared`);
    } finally {
      abort.abort();
      await sim.stop();
      await stopAll(consumers);
    }
  });
});
