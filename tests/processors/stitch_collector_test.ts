/**
 * Tiling and stitching in a collector, as PvaPy's tiling workflow does it: two consumers each see
 * every frame and publish their half of it (tiles.ts with `tiles`), and a collector gathers both
 * halves of each frame (the same uniqueId from both producers, released together) and stitches them
 * (stitch.ts): every frame whole again, in order.
 */
import assert from "node:assert/strict";
import { type Frame, frameFromNTNDArray, type Typed } from "../../mod.ts";
import { Collector } from "../../runtime/collector/collector.ts";
import type { Consumer } from "../../runtime/consumer/consumer.ts";
import { type CollectorOptions, parseCollectorArgs } from "../../runtime/collector/options.ts";
import {
  context,
  frame,
  FRAME_TYPE,
  PROCESSORS,
  producerReceived,
  publish,
  source,
  startConsumer,
  stopAll,
  subscribed,
  until,
} from "../runtime/consumer/harness.ts";
import { withServerAndClient } from "../runtime/support.ts";

Deno.test("tiling workflow: two consumers' halves of each frame stitched whole in a collector", async () => {
  await withServerAndClient(async (server, client) => {
    const FRAMES = 40;
    const abort = new AbortController();
    const pv = source(server);
    const consumers: Consumer[] = [];
    const stitched: Frame[] = [];
    let collector: Collector | undefined;
    try {
      for (const id of [1, 2]) {
        consumers.push(
          await startConsumer(id, server, client, {
            file: new URL("tiles.ts", PROCESSORS).href,
            className: "TilesProcessor",
            // The 4x3 frames in two tiles of 2x3: consumer 1 publishes the left one, consumer 2 the right.
            argv: [
              "-oc",
              "half:*",
              "--processor-args",
              JSON.stringify({ width: 2, height: 3, tiles: [id - 1] }),
            ],
          }),
        );
      }
      await subscribed(pv, 2);
      // Output channels appear with the first outputs: one frame first, then the collector.
      await publish(pv, 1, 1);
      await until("both halves of frame 1", () => consumers.every((c) => c.accounting().published === 1));
      const opts = parseCollectorArgs([
        "-ic",
        "half:*",
        "-pid",
        "1,2",
        "-siu",
        "0",
        "-sqs",
        "100",
        // Both halves of a frame must meet in the cache: room for one consumer running ahead of the other.
        "-ccs",
        "100",
        "-oc",
        "whole",
        "--collector-idle-time",
        "0.5",
      ]) as CollectorOptions;
      const c = collector = await Collector.start(
        opts,
        context(server, client, new URL("stitch.ts", PROCESSORS).href, "StitchProcessor"),
      );
      await until(
        "the collector monitors both halves",
        async () => await producerReceived(c, 1) === 1 && await producerReceived(c, 2) === 1,
        30_000,
      );
      (async () => {
        for await (const ev of client.monitor("whole", { queueSize: 64, signal: abort.signal })) {
          if (ev.kind === "data" && Number(ev.value.uniqueId) > 0) {
            stitched.push(frameFromNTNDArray({ type: ev.type, value: ev.value } as Typed));
          }
        }
      })().catch(() => {});
      await publish(pv, 2, FRAMES);
      await until(
        `${FRAMES - 1} frames stitched after the first`,
        () => stitched.at(-1)?.uniqueId === FRAMES,
        60_000,
      );
      const ids = stitched.map((f) => f.uniqueId);
      assert.deepEqual(ids, Array.from({ length: ids.length }, (_, i) => ids[0] + i), "in order, none lost");
      for (const f of stitched) {
        const expected = frameFromNTNDArray({ type: FRAME_TYPE, value: frame(f.uniqueId) } as Typed);
        assert.deepEqual(f.shape, expected.shape, `frame ${f.uniqueId} shape`);
        assert.deepEqual(
          [...f.data as Uint16Array],
          [...expected.data as Uint16Array],
          `frame ${f.uniqueId} pixels`,
        );
      }
      const s = c.snapshot();
      assert.deepEqual([s.missed, s.rejected], [0, 0]);
    } finally {
      abort.abort();
      await stopAll(consumers);
      collector?.stop();
      await collector?.done;
    }
  });
});
