/**
 * Processors in the real pipeline: the simulator publishes RGB1 frames compressed with bslz4; a
 * consumer decompresses them, crops and bins them (roi.ts) and puts each into a second consumer's
 * input channel (-om pva → -im pvas), which turns them (transform.ts) and hosts the result. Every
 * frame published at the end must be the source frame of the same uniqueId, cropped, binned and
 * turned, with the source's time stamps; the counts must agree from end to end.
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

/** Collects every update of a channel, decompressed, by uniqueId, until aborted. */
function record(client: PvaClient, channel: string, signal: AbortSignal): Map<number, Frame> {
  const frames = new Map<number, Frame>();
  (async () => {
    for await (const ev of client.monitor(channel, { queueSize: 64, signal })) {
      if (ev.kind !== "data") continue;
      const frame = frameFromNTNDArray(decodeFrame({ type: ev.type, value: ev.value } as Typed));
      if (frame.uniqueId > 0) frames.set(frame.uniqueId, frame);
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
      for (const [id, got] of results) {
        const source = sources.get(id);
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
