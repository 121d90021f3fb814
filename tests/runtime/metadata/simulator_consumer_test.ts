/**
 * Metadata end to end over pvAccess: the simulator's `--metadata-pv pva://` channels, stamped with
 * each frame's time stamp, reach a consumer (`--metadata-channels`) whose processor's output carries
 * every value as an attribute named after its channel; the status counts every value and frame.
 */
import assert from "node:assert/strict";
import { readNTNDArray } from "../../../protocol/nt/mod.ts";
import type { MonitorEvent } from "../../../protocol/pva/client/monitor_event.ts";
import type { StructValue } from "../../../protocol/pvdata/types.ts";
import { serveHttp } from "../../../runtime/http/mod.ts";
import type { ConsumerStatus } from "../../../runtime/status/mod.ts";
import { metadataValue } from "../../../runtime/simulator/metadata_pvs.ts";
import { processed, startConsumer, stopAll, until } from "../consumer/harness.ts";
import { withServerAndClient } from "../support.ts";
import { lastFrame, metadataSimulator, monitorsRunning } from "./helpers.ts";

const CHANNELS = ["sim:meta:a", "sim:meta:b"];
const LIST = CHANNELS.map((n) => `pva://${n}`).join(",");

Deno.test("metadata e2e: simulator --metadata-pv pva:// → consumer: each output frame carries its values", async () => {
  await withServerAndClient(async (server, client) => {
    const consumer = await startConsumer(1, server, client, {
      // A deep monitor queue: the simulator does not wait for slow consumers, and a loaded machine
      // must not make this one lose frames.
      argv: ["-oc", "out:image", "-sc", "_", "-sqs", "100", "-mc", LIST],
    });
    const sim = await metadataSimulator(server, CHANNELS, { frameRate: 20, runtime: 3 });
    const outputs: MonitorEvent[] = [];
    const abort = new AbortController();
    try {
      await monitorsRunning(server, sim, CHANNELS, 1);
      await until("a first output", async () => await processed(consumer) > 0, 20_000);
      const watching = (async () => {
        for await (const ev of client.monitor("out:image", { queueSize: 256, signal: abort.signal })) {
          outputs.push(ev);
        }
      })().catch(() => {});
      const n = await lastFrame(sim);
      assert.ok(n >= 60, `${n} frames published`);
      await until(`${n} frames processed`, async () => await processed(consumer) === n, 20_000);
      await until("the last output seen", () => lastId(outputs) === n, 10_000);
      abort.abort();
      await watching;

      const frames = outputs.filter((ev) => ev.kind === "data").map((ev) =>
        readNTNDArray(ev.value as StructValue)
      );
      assert.ok(frames.length >= n / 2, `${frames.length} outputs seen`);
      for (const f of frames) {
        CHANNELS.forEach((name, k) =>
          assert.equal(
            f.attributes.get(name),
            metadataValue(f.uniqueId, k + 1),
            `frame ${f.uniqueId} ${name}`,
          )
        );
        assert.equal(f.attributes.get("ColorMode"), 0, "the frame's own attribute stays");
      }

      await consumer.getStats();
      const status = consumer.status;
      CHANNELS.forEach((name, k) => {
        const block = status[`metadataStats_${k + 1}`];
        assert.equal(block.channel, name);
        assert.equal(block.producerId, k + 1);
        // The first update is the PV's value before any frame, which has no time stamp.
        assert.equal(block.receiverStats.nReceived, n + 1);
        assert.equal(block.receiverStats.nRejected, 1);
        assert.equal(block.receiverStats.nOverruns, 0);
        assert.deepEqual(block.queueStats, { nReceived: n, nRejected: 0, nDelivered: n, nQueued: 0 });
        assert.deepEqual(block.associationStats, { nMatched: n, nUnmatched: 0, nDiscarded: 0 });
      });

      // The HTTP API serves the same blocks, associationStats included.
      await using http = await serveHttp({ port: 0, target: consumer, status: consumer.statusProvider });
      const served = await (await fetch(new URL("api/status", http.url))).json() as ConsumerStatus;
      assert.deepEqual(served.metadataStats_1.associationStats, {
        nMatched: n,
        nUnmatched: 0,
        nDiscarded: 0,
      });
      assert.equal(served.metadataStats_2.queueStats.nDelivered, n);

      // The status PV carries PvaPy's members of the same blocks.
      const pv = (await client.get("pvapy:consumer:1:status")).value as unknown as ConsumerStatus;
      const onPv = pv.metadataStats_2;
      assert.equal(onPv.channel, "sim:meta:b");
      assert.equal(onPv.queueStats.nDelivered, n);
      assert.equal("associationStats" in onPv, false);
    } finally {
      abort.abort();
      await sim.stop();
      await stopAll([consumer]);
    }
  });
});

function lastId(events: MonitorEvent[]): number {
  const last = events.findLast((ev) => ev.kind === "data");
  return last?.kind === "data" ? Number(last.value.uniqueId) : 0;
}
